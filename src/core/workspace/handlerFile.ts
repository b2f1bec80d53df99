import * as fs from 'node:fs';
import * as path from 'node:path';

/** Extensions Lambda's Node.js runtime loads a handler module from. */
export const NODE_MODULE_EXTENSIONS = ['.js', '.mjs', '.cjs'];
/** Extensions a handler's source may have when Lambda Dock builds it with esbuild. */
export const BUILDABLE_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx', '.jsx', ...NODE_MODULE_EXTENSIONS];

export { isNodeRuntime } from '../engine/images';
import { isNodeRuntime } from '../engine/images';

/** 'src/app.handler' -> 'src/app': the module part of a Node.js or Python handler. */
export function handlerModule(handler: string): string {
  const dot = handler.lastIndexOf('.');
  return dot <= 0 ? handler : handler.slice(0, dot);
}

/**
 * The handler's file in `dir`, or undefined when there is none. For runtimes whose handler names no file
 * (Java, .NET, custom runtimes) it returns '' : nothing to check.
 */
export function findHandlerFile(dir: string, handler: string, runtime: string | undefined, extensions = NODE_MODULE_EXTENSIONS): string | undefined {
  if (isNodeRuntime(runtime)) return firstExisting(dir, handlerModule(handler), extensions);
  if (runtime?.startsWith('python')) return firstExisting(dir, handlerModule(handler).replace(/\./g, '/'), ['.py']);
  return '';
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
