// Which file a Node.js handler string names, decided exactly as AWS's Node.js runtime client decides it.
// Shared by the runtime client (which then loads the file) and the check before launch, so the two cannot
// disagree. Bundled into the client that runs inside an instance: Node.js built-ins only.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A handler string split as Lambda splits it: 'src/lib/app.api.get' -> src/lib/, app, api.get. */
export interface HandlerName {
  /** The folder part up to and including the last '/', relative to the task root ('' when none). */
  moduleRoot: string;
  /** The module: what follows the last '/', up to its first dot. */
  module: string;
  /** The export path after that dot: 'api.get' names exports.api.get. */
  exportPath: string;
}

/** How a handler string is malformed, in the words Lambda uses (errorType Runtime.MalformedHandlerName). */
export type MalformedHandler = { malformed: string };

export function parseHandlerName(handler: string): HandlerName | MalformedHandler {
  if (handler.includes('..')) {
    return { malformed: `'${handler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.` };
  }
  const slash = handler.lastIndexOf('/');
  const moduleAndPath = handler.slice(slash + 1);
  const dot = moduleAndPath.indexOf('.');
  if (dot < 0) return { malformed: `Bad handler ${handler}: expected FILE.EXPORT, for example app.handler` };
  return { moduleRoot: handler.slice(0, slash + 1), module: moduleAndPath.slice(0, dot), exportPath: moduleAndPath.slice(dot + 1) };
}

export function isMalformed(name: HandlerName | MalformedHandler): name is MalformedHandler {
  return 'malformed' in name;
}

/** The module's file and how Lambda loads it: CommonJS through require, ES modules through import. */
export interface HandlerModuleFile {
  file: string;
  loader: 'require' | 'import';
}

/**
 * The file Lambda loads for a handler, in its order: the extensionless file, then .js (required unless the
 * nearest package.json says "type": "module", then imported), .mjs, .cjs. Undefined when none exists:
 * Lambda then asks require.resolve for the bare module name (see bareModulePaths).
 */
export function handlerModuleFile(taskRoot: string, name: HandlerName): HandlerModuleFile | undefined {
  const base = path.resolve(taskRoot, name.moduleRoot, name.module);
  // existsSync, as Lambda's client: a folder of that name counts, and require() then resolves it.
  if (fs.existsSync(base)) return { file: base, loader: 'require' };
  if (fs.existsSync(`${base}.js`)) return { file: `${base}.js`, loader: isInModulePackage(path.dirname(base)) ? 'import' : 'require' };
  if (fs.existsSync(`${base}.mjs`)) return { file: `${base}.mjs`, loader: 'import' };
  if (fs.existsSync(`${base}.cjs`)) return { file: `${base}.cjs`, loader: 'require' };
  return undefined;
}

/** Where Lambda's last resort, require.resolve of the bare module name, looks: the task root and the module root. */
export function bareModulePaths(taskRoot: string, name: HandlerName): string[] {
  return [taskRoot, path.resolve(taskRoot, name.moduleRoot)];
}

/** Walks up from a folder to the nearest package.json, stopping at node_modules, as Lambda's client does. */
function isInModulePackage(folder: string): boolean {
  for (let current = folder; ; current = path.dirname(current)) {
    if (current.endsWith(`${path.sep}node_modules`)) return false;
    const manifest = path.join(current, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        return JSON.parse(fs.readFileSync(manifest, 'utf8'))?.type === 'module';
      } catch {
        return false;
      }
    }
    if (path.dirname(current) === current) return false;
  }
}

