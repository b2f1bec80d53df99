// Loading user code is what require() is for here: the runtime client loads handlers as Lambda does.
/* eslint-disable @typescript-eslint/no-require-imports */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InitError } from './errors';

export type Handler = (event: unknown, context: unknown, callback?: unknown) => unknown;

// A real dynamic import: the bundler would otherwise turn import() into require().
const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<Record<string, unknown>>;

/**
 * Loads "dir/module.export.nested" from the task root the way Lambda's Node.js runtime does: .mjs and
 * "type": "module" packages through import, .cjs and other .js through require.
 */
export async function loadHandler(taskRoot: string, handlerString: string): Promise<Handler> {
  const slash = handlerString.lastIndexOf('/');
  const moduleDir = slash >= 0 ? handlerString.slice(0, slash) : '';
  const moduleAndPath = handlerString.slice(slash + 1);
  const dot = moduleAndPath.indexOf('.');
  if (dot <= 0 || dot === moduleAndPath.length - 1) {
    throw new InitError('Runtime.MalformedHandlerName', `Bad handler ${handlerString}: expected FILE.EXPORT, for example app.handler`);
  }
  const moduleName = moduleAndPath.slice(0, dot);
  const exportPath = moduleAndPath.slice(dot + 1).split('.');
  const exports = await loadModule(path.resolve(taskRoot, moduleDir), moduleName);

  let value: unknown = exports;
  for (const key of exportPath) value = value == null ? undefined : (value as Record<string, unknown>)[key];
  if (typeof value !== 'function') {
    const fallback = (exports.default as Record<string, unknown> | undefined)?.[exportPath[0]];
    if (exportPath.length === 1 && typeof fallback === 'function') value = fallback;
  }
  if (typeof value !== 'function') {
    throw new InitError('Runtime.HandlerNotFound', `${moduleAndPath} is undefined or not exported`);
  }
  return value as Handler;
}

async function loadModule(dir: string, name: string): Promise<Record<string, unknown>> {
  const base = path.join(dir, name);
  try {
    if (fs.existsSync(`${base}.mjs`)) return await dynamicImport(pathToFileURL(`${base}.mjs`).href);
    if (fs.existsSync(`${base}.cjs`)) return require(`${base}.cjs`);
    if (fs.existsSync(`${base}.js`)) {
      if (isModulePackage(dir)) return await dynamicImport(pathToFileURL(`${base}.js`).href);
      return await requireOrImport(`${base}.js`);
    }
    // A module from NODE_PATH or node_modules, as Lambda allows.
    return require(require.resolve(name, { paths: [dir, ...(process.env.NODE_PATH ?? '').split(':').filter(Boolean)] }));
  } catch (error) {
    throw classifyLoadError(error, name);
  }
}

async function requireOrImport(file: string): Promise<Record<string, unknown>> {
  try {
    return require(file);
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_REQUIRE_ESM') return dynamicImport(pathToFileURL(file).href);
    throw error;
  }
}

function isModulePackage(dir: string): boolean {
  for (let current = dir; ; current = path.dirname(current)) {
    const manifest = path.join(current, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        return JSON.parse(fs.readFileSync(manifest, 'utf8')).type === 'module';
      } catch {
        return false;
      }
    }
    if (path.dirname(current) === current) return false;
  }
}

function classifyLoadError(error: unknown, name: string): Error {
  if (error instanceof InitError) return error;
  const err = error as NodeJS.ErrnoException;
  if (err instanceof SyntaxError) {
    return new InitError('Runtime.UserCodeSyntaxError', `${err.name}: ${err.message}`, err);
  }
  const missing = err?.code === 'MODULE_NOT_FOUND' || err?.code === 'ERR_MODULE_NOT_FOUND';
  if (missing && String(err.message).includes(name)) {
    return new InitError('Runtime.ImportModuleError', `Error: Cannot find module '${name}'\n${String(err.message).split('\n').slice(1).join('\n')}`.trimEnd(), err);
  }
  if (missing) return new InitError('Runtime.ImportModuleError', `Error: ${err.message}`, err);
  return err instanceof Error ? err : new Error(String(err));
}
