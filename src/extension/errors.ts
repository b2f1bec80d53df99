import { type ErrorCatalogue, LambdaDockError } from '../core/errors';

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
  /** A deploy failure shown in Problems (the diagnostic's code). */
  deployProblem: 'DEPLOY_FAILED',
  /** Save Payload as Event: the name cannot be a file name. */
  eventName: 'EDITOR_EVENT_NAME',
  /** The payload (a draft, a saved event, typed JSON) is not JSON. */
  payloadNotJson: 'EDITOR_PAYLOAD_NOT_JSON',
  /** The payload file cannot be read. */
  payloadFile: 'EDITOR_PAYLOAD_FILE',
} as const;

export type ExtensionErrorCode = (typeof EXTENSION_ERRORS)[keyof typeof EXTENSION_ERRORS];

declare module '../core/errors' {
  interface ErrorCodesByModule {
    extension: ExtensionErrorCode;
  }
}

export const EXTENSION_ERROR_CATALOGUE: ErrorCatalogue<ExtensionErrorCode> = {
  EDITOR_WORKSPACE_UNTRUSTED: {
    message: 'The workspace is not trusted: Lambda Dock builds, deploys and runs nothing in it.',
    fix: 'Trust the workspace (Manage Workspace Trust) if its code is yours to run.',
  },
  EDITOR_NO_WORKSPACE: {
    message: 'The window has no folder open.',
    fix: 'Open the folder that holds the template.yaml, serverless.yml or lambda-dock.json.',
  },
  EDITOR_NOTHING_INVOKED: {
    message: 'Nothing was invoked yet in this window, so there is nothing to repeat or save.',
    fix: 'Run Lambda Dock: Invoke Function... first.',
  },
  EDITOR_NOT_FOUND: {
    message: 'The function, instance, container, saved event, template or route the command names is not there.',
    fix: 'Refresh the view and choose again, or check the name the message gives.',
  },
  EDITOR_NOTHING_TO_CHOOSE: {
    message: 'The workspace defines no functions, or nothing runs to choose from.',
    fix: 'Add a function to a template (or invoke one first), then run the command again.',
  },
  EDITOR_DEPLOY_FAILED: {
    message: 'The function to invoke could not be deployed.',
    fix: 'Fix the problem the message and Problems show, then invoke again.',
  },
  DEPLOY_FAILED: {
    message: 'A function could not be deployed (shown in Problems where its error points).',
    fix: 'Fix the error at that place and save: the function is deployed again.',
  },
  EDITOR_EVENT_NAME: {
    message: 'The name given to a saved event cannot be used as its file name.',
    fix: 'Use letters, digits, dots, dashes and underscores only.',
  },
  EDITOR_PAYLOAD_NOT_JSON: {
    message: 'The payload is not JSON.',
    fix: 'Fix the JSON in the editor (or the file) and invoke again.',
  },
  EDITOR_PAYLOAD_FILE: {
    message: 'The payload file cannot be read.',
    fix: 'Check the path and its permissions.',
  },
};

export function extensionError(code: ExtensionErrorCode, message: string): LambdaDockError {
  return new LambdaDockError(code, message);
}

export function untrustedWorkspace(): LambdaDockError {
  return extensionError(
    EXTENSION_ERRORS.untrusted,
    'This workspace is not trusted: Lambda Dock builds, deploys and runs nothing in it until you trust it (Manage Workspace Trust).',
  );
}
