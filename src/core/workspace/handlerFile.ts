import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bareModulePaths, handlerModuleFile, isMalformed, parseHandlerName } from '../runtime/client/handlerResolution';

/** Extensions Lambda's Node.js runtime loads a handler module from. */
export const NODE_MODULE_EXTENSIONS = ['.js', '.mjs', '.cjs'];
/** Extensions a handler's source may have when Lambda Dock builds it with esbuild. */
export const BUILDABLE_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx', '.jsx', ...NODE_MODULE_EXTENSIONS];

export { isNodeRuntime } from '../engine/images';
import { isNodeRuntime } from '../engine/images';

/**
 * The module part of a handler: for Node.js as Lambda's client splits it ('src/app.api.get' -> 'src/app':
 * up to the first dot after the last '/'), for Python up to the last dot ('pkg.mod.handler' -> 'pkg.mod').
 */
export function handlerModule(handler: string, runtime?: string): string {
  if (isNodeRuntime(runtime)) {
    const name = parseHandlerName(handler);
    return isMalformed(name) ? handler : name.moduleRoot + name.module;
  }
  const dot = handler.lastIndexOf('.');
  return dot <= 0 ? handler : handler.slice(0, dot);
}

/**
 * The handler's file in `dir`, or undefined when there is none. For Node.js and the module extensions,
 * exactly the file the runtime client will load (the same resolution); with other extensions, the source
 * to build. For runtimes whose handler names no file (Java, .NET, custom runtimes) it returns '': nothing to check.
 */
export function findHandlerFile(dir: string, handler: string, runtime: string | undefined, extensions = NODE_MODULE_EXTENSIONS): string | undefined {
  if (isNodeRuntime(runtime)) return extensions === NODE_MODULE_EXTENSIONS ? nodeHandlerFile(dir, handler) : firstExisting(dir, handlerModule(handler, runtime), extensions);
  // Python imports the module path with dots or slashes, as a module file or a package's __init__.py.
  if (runtime?.startsWith('python')) return firstExisting(dir, handlerModule(handler).replace(/\./g, '/'), ['.py', '/__init__.py']);
  return '';
}

/** What Lambda's client loads for a Node.js handler: a file of the module's name, else a package that resolves by it. */
function nodeHandlerFile(dir: string, handler: string): string | undefined {
  const name = parseHandlerName(handler);
  if (isMalformed(name)) return undefined;
  const found = handlerModuleFile(dir, name);
  if (found) return found.file;
  try {
    return createRequire(path.join(dir, 'noop.js')).resolve(name.module, { paths: bareModulePaths(dir, name) });
  } catch {
    return undefined;
  }
}

function firstExisting(dir: string, module: string, extensions: string[]): string | undefined {
  for (const extension of extensions) {
    const file = path.join(dir, module + extension);
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

/** The esbuild target for a Node.js runtime: nodejs20.x -> node20. */
export function nodeTarget(runtime: string | undefined): string {
  const match = /^nodejs(\d+)/.exec(runtime ?? '');
  return match ? `node${match[1]}` : 'node20';
}
