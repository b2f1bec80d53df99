import * as util from 'node:util';
import type { SerializedError } from './runtimeApiClient';

/** An error raised while loading the handler, with the errorType Lambda gives it (its name). */
export class InitError extends Error {
  constructor(readonly errorType: string, message: string, readonly original?: unknown) {
    super(message);
    this.name = errorType;
  }
}

/**
 * What a handler failed with, as Lambda's runtime client reports it (Errors.toRapidResponse): an Error (or
 * anything with string name, message and stack) by its name, message and stack; any other value by its
 * typeof and its toString() ("number"/"NaN", "object"/"[object Object]"); a value whose toString fails as
 * "handled". DEL characters are escaped as Lambda escapes them (they cannot go into a header).
 */
export function serializeError(error: unknown): SerializedError {
  try {
    if (util.types.isNativeError(error) || looksLikeError(error)) {
      const e = error as Error;
      return { errorType: escapeDel(e.name), errorMessage: escapeDel(e.message), trace: escapeDel(e.stack ?? '').split('\n') };
    }
    return { errorType: typeof error, errorMessage: (error as { toString(): string }).toString(), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

/** The JSON Lambda's client logs after "Invoke Error" and friends (Errors.toFormatted): enumerable fields and the stack as lines. */
export function formatErrorForLog(value: unknown): string {
  const error = value instanceof Error ? value : new Error(String(value));
  try {
    return `\t${JSON.stringify(error, (_key, v: unknown) => (v instanceof Error ? withEnumerableProperties(v) : v))}`;
  } catch {
    return `\t${JSON.stringify(serializeError(error))}`;
  }
}

function withEnumerableProperties(error: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = { errorType: error.name, errorMessage: error.message, code: (error as NodeJS.ErrnoException).code, ...error };
  if (typeof error.stack === 'string') fields.stack = error.stack.split('\n');
  return fields;
}

function looksLikeError(value: unknown): boolean {
  const e = value as Partial<Error> | null | undefined;
  return !!e && !!e.name && !!e.message && !!e.stack && typeof e.name === 'string' && typeof e.message === 'string' && typeof e.stack === 'string';
}

function escapeDel(text: string): string {
  return text?.replaceAll('\x7F', '%7F');
}
