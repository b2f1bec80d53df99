import { type ErrorCatalogue, LambdaDockError } from '../errors';

export const NPM_ERRORS = {
  unavailable: 'NPM_UNAVAILABLE',
  failed: 'NPM_FAILED',
} as const;

export type NpmErrorCode = (typeof NPM_ERRORS)[keyof typeof NPM_ERRORS];

declare module '../errors' {
  interface ErrorCodesByModule {
    npm: NpmErrorCode;
  }
}

export const NPM_ERROR_CATALOGUE: ErrorCatalogue<NpmErrorCode> = {
  NPM_UNAVAILABLE: {
    message: 'npm is not on the PATH the editor or the CLI started with.',
    fix: 'Install Node.js with npm, or put npm on that PATH.',
  },
  NPM_FAILED: {
    message: 'npm failed, or its registry has no matching package.',
    fix: 'Read npm\'s own last lines in the message; check its registry, proxy and credentials settings.',
  },
};

export function npmError(code: NpmErrorCode, message: string, cause?: unknown): LambdaDockError {
  return new LambdaDockError(code, message, cause === undefined ? undefined : { cause });
}
