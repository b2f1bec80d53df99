import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FunctionDefinition } from '../../core/functions/definition';
import { isMalformed, parseHandlerName } from '../../core/runtime/client/handlerResolution';
import { BUILDABLE_EXTENSIONS, findHandlerFile, isNodeRuntime } from '../../core/workspace/handlerFile';

export interface HandlerLocation {
  file: string;
  /** 0-based. */
  line: number;
}

/**
 * Where a function's handler is: the exported function in its source file (TypeScript sources before
 * the build), the Dockerfile of an image function, else the function's definition in its template.
 */
export function handlerLocation(definition: FunctionDefinition): HandlerLocation {
  const fallback = { file: definition.source.file, line: Math.max(0, definition.source.line - 1) };
  if (definition.image?.build) return { file: definition.image.build.dockerfile, line: 0 };
  if (!definition.handler) return fallback;
  const entry = definition.build?.esbuild?.entryPoints[0];
  const dir = definition.build?.sourceDir ?? definition.codeDir;
  const file = entry && fs.existsSync(entry) ? entry : dir ? findHandlerFile(dir, definition.handler, definition.runtime, BUILDABLE_EXTENSIONS) : undefined;
  if (!file) return fallback;
  const exported = exportedName(definition.handler, definition.runtime);
  return { file: path.resolve(file), line: exportLine(fs.readFileSync(file, 'utf8'), exported) };
}

/** The name the module exports: Node.js's first export path segment ('app.api.get' -> api), Python's function. */
function exportedName(handler: string, runtime: string | undefined): string {
  const name = isNodeRuntime(runtime) ? parseHandlerName(handler) : undefined;
  if (name && !isMalformed(name)) return name.exportPath.split('.')[0];
  return handler.slice(handler.lastIndexOf('.') + 1);
}

/** The line that exports `name` (CommonJS, ES modules, Python def); 0 when none is found. */
export function exportLine(source: string, name: string): number {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const patterns = [
    new RegExp(`^\\s*(module\\.)?exports\\.${n}\\s*=`),
    new RegExp(`^\\s*export\\s+(async\\s+)?function\\s*\\*?\\s*${n}\\b`),
    new RegExp(`^\\s*export\\s+(const|let|var)\\s+${n}\\b`),
    new RegExp(`^\\s*(async\\s+)?def\\s+${n}\\s*\\(`),
    new RegExp(`^\\s*export\\s*\\{[^}]*\\b${n}\\b`),
  ];
  const lines = source.split(/\r?\n/);
  const found = lines.findIndex((line) => patterns.some((p) => p.test(line)));
  return found >= 0 ? found : 0;
}
