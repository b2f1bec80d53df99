/**
 * The codes of every module, as one union: each module's errors file adds its own union of codes to this
 * interface (declaration merging), so a LambdaDockError's code is always a catalogued one, never any string.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by each module's declaration merging
export interface ErrorCodesByModule {}
export type ErrorCode = ErrorCodesByModule[keyof ErrorCodesByModule];

/** What one code means to a user, and what they do about it. */
export interface ErrorCodeEntry {
  readonly message: string;
  readonly fix: string;
}

/** A module's catalogue: one entry for each code of its union (a code without one does not compile). */
export type ErrorCatalogue<Code extends string> = { readonly [C in Code]: ErrorCodeEntry };

/**
 * An error a user can act on: a stable code for tools and tests, and a message that names the problem and
 * the fix. Each module catalogues its own codes in an errors.ts beside it.
 */
export class LambdaDockError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LambdaDockError';
  }
}

export function isLambdaDockError(error: unknown, code?: ErrorCode): error is LambdaDockError {
  return error instanceof LambdaDockError && (code === undefined || error.code === code);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
