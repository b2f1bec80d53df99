// Loading user code is what require() is for here: the runtime client loads handlers as Lambda does.
/* eslint-disable @typescript-eslint/no-require-imports */
import { pathToFileURL } from 'node:url';
import { InitError } from './errors';
import { missingPackageOf, runtimeSdkHint } from './runtimeSdk';
import { bareModulePaths, handlerModuleFile, isMalformed, parseHandlerName, type HandlerName } from './handlerResolution';

export type Handler = (event: unknown, context: unknown, callback?: unknown) => unknown;

// A real dynamic import: the bundler would otherwise turn import() into require().
const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<Record<string, unknown>>;

/**
 * Loads "dir/module.export.nested" from the task root the way Lambda's Node.js runtime client does (its
 * UserFunction.load): the file that handlerResolution picks, then the export path, with Lambda's errors.
 * `beforeFirstImport` runs before an ES module handler is imported (to set up what only import needs).
 */
export async function loadHandler(taskRoot: string, handlerString: string, beforeFirstImport: () => void = () => undefined): Promise<Handler> {
  const name = parseHandlerName(handlerString);
  if (isMalformed(name)) throw new InitError('Runtime.MalformedHandlerName', name.malformed);
  const exports = await loadModule(taskRoot, name, beforeFirstImport);
  const value = name.exportPath.split('.').reduce<unknown>((nested, key) => (nested ? (nested as Record<string, unknown>)[key] : undefined), exports);
  if (!value) throw new InitError('Runtime.HandlerNotFound', `${handlerString} is undefined or not exported`);
  if (typeof value !== 'function') throw new InitError('Runtime.HandlerNotFound', `${handlerString} is not a function`);
  return value as Handler;
}

async function loadModule(taskRoot: string, name: HandlerName, beforeFirstImport: () => void): Promise<unknown> {
  try {
    const found = handlerModuleFile(taskRoot, name);
    if (found?.loader === 'import') {
      beforeFirstImport();
      return await dynamicImport(pathToFileURL(found.file).href);
    }
    if (found) return require(found.file);
    // No file of that name: Lambda asks require.resolve, which throws the "Cannot find module" it reports.
    return require(require.resolve(name.module, { paths: bareModulePaths(taskRoot, name) }));
  } catch (error) {
    throw classifyLoadError(error);
  }
}

/** Lambda's init errors: a syntax error, or a module that cannot be found (the one missing, as Node names it). */
export function classifyLoadError(error: unknown): unknown {
  if (error instanceof InitError) return error;
  if (error instanceof SyntaxError) return new InitError('Runtime.UserCodeSyntaxError', `${error.name}: ${error.message}`, error);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') {
    const hint = runtimeSdkHint(missingPackageOf(error));
    return new InitError('Runtime.ImportModuleError', `Error: ${(error as Error).message}${hint ? `\n${hint}` : ''}`, error);
  }
  return error;
}
