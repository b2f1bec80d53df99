/**
 * An error a user can act on: a stable code for tools and tests, and a message that names the problem and
 * the fix. Each module catalogues its own codes in an errors.ts beside it.
 */
export class LambdaDockError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LambdaDockError';
  }
}

export function isLambdaDockError(error: unknown, code?: string): error is LambdaDockError {
  return error instanceof LambdaDockError && (code === undefined || error.code === code);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
