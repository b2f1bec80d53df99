import { LambdaDockError } from '../core/errors';

/** The codes of the editor's own failures (as LambdaDockError), each with what the user can do. */
export const EXTENSION_ERRORS = {
  /** The workspace is not trusted: nothing builds, deploys or runs until it is. */
  untrusted: 'EDITOR_WORKSPACE_UNTRUSTED',
  /** The window has no folder open. */
  noWorkspace: 'EDITOR_NO_WORKSPACE',
  /** Invoke Again, Save Payload: nothing was invoked yet. */
  nothingInvoked: 'EDITOR_NOTHING_INVOKED',
  /** A function, instance, container, saved event or template the command names is not there (any more). */
  notFound: 'EDITOR_NOT_FOUND',
  /** The workspace defines no functions, or nothing runs to choose from. */
  nothingToChoose: 'EDITOR_NOTHING_TO_CHOOSE',
  /** The function to invoke could not be deployed. */
  deployFailed: 'EDITOR_DEPLOY_FAILED',
} as const;

export type ExtensionErrorCode = (typeof EXTENSION_ERRORS)[keyof typeof EXTENSION_ERRORS];

export function extensionError(code: ExtensionErrorCode, message: string): LambdaDockError {
  return new LambdaDockError(code, message);
}

export function untrustedWorkspace(): LambdaDockError {
  return extensionError(
    EXTENSION_ERRORS.untrusted,
    'This workspace is not trusted: Lambda Dock builds, deploys and runs nothing in it until you trust it (Manage Workspace Trust).',
  );
}
