import type { SerializedError } from './runtimeApiClient';

/** An error raised while loading the handler, with the errorType Lambda gives it. */
export class InitError extends Error {
  constructor(readonly errorType: string, message: string, readonly original?: unknown) {
    super(message);
    this.name = errorType;
  }
}

/** Serializes what a handler threw (or rejected with) the way Lambda's runtime does. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof InitError) {
    const original = error.original instanceof Error ? error.original : undefined;
    return { errorType: error.errorType, errorMessage: error.message, trace: stackLines(original ?? error) };
  }
  if (error instanceof Error) {
    return { errorType: errorTypeOf(error), errorMessage: error.message, trace: stackLines(error) };
  }
  if (typeof error === 'string') return { errorType: 'string', errorMessage: error, trace: [] };
  let message: string;
  try {
    message = JSON.stringify(error) ?? String(error);
  } catch {
    message = String(error);
  }
  return { errorType: typeof error, errorMessage: message, trace: [] };
}

function errorTypeOf(error: Error): string {
  if (error.name && error.name !== 'Error') return error.name;
  const ctor = (error as { constructor?: { name?: string } }).constructor?.name;
  return ctor && ctor !== 'Object' ? ctor : 'Error';
}

function stackLines(error: Error): string[] {
  return (error.stack ?? `${error.name}: ${error.message}`).split('\n');
}
