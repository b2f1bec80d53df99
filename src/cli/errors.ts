import { type ErrorCatalogue, LambdaDockError } from '../core/errors';

/** The codes of the command line's own failures (exit status 2 for USAGE, 1 for the rest). */
export const CLI_ERRORS = {
  /** Options that do not go together, or a missing argument. */
  usage: 'USAGE',
  /** --payload-file names a file that cannot be read. */
  payloadFile: 'PAYLOAD_FILE',
  /** Ctrl-C or SIGTERM while a command ran. */
  interrupted: 'INTERRUPTED',
  /** The function named cannot run: it did not load, or its handler is not there. */
  functionInvalid: 'FUNCTION_INVALID',
} as const;

export type CliErrorCode = (typeof CLI_ERRORS)[keyof typeof CLI_ERRORS];

declare module '../core/errors' {
  interface ErrorCodesByModule {
    cli: CliErrorCode;
  }
}

export const CLI_ERROR_CATALOGUE: ErrorCatalogue<CliErrorCode> = {
  USAGE: {
    message: 'The command line is incomplete or its options do not go together.',
    fix: 'Follow the usage the message gives (lambda-dock COMMAND --help).',
  },
  PAYLOAD_FILE: {
    message: 'The file --payload-file names cannot be read.',
    fix: 'Check the path (relative to the current folder) and its permissions.',
  },
  INTERRUPTED: {
    message: 'The command was interrupted (Ctrl-C, SIGTERM); what it started is stopped.',
    fix: 'Run the command again.',
  },
  FUNCTION_INVALID: {
    message: 'The function named did not load from the workspace, or its handler is not in its code.',
    fix: 'Fix the problems the message lists (lambda-dock functions shows them) and run it again.',
  },
};

export function cliError(code: CliErrorCode, message: string): LambdaDockError {
  return new LambdaDockError(code, message);
}
