import { type ErrorCatalogue, errorMessage, LambdaDockError } from '../errors';
import type { BuildFailure } from '../runtime/invoker';

/**
 * The codes the workspace area reports: as a Problem's code (discovery goes on past them) or as a
 * LambdaDockError's code (building and deploying one function stops at them).
 */
export const WORKSPACE_ERROR_CODES = {
  /** A template, serverless.yml or lambda-dock.json that does not parse. */
  parseError: 'WORKSPACE_PARSE_ERROR',
  /** A property the function needs (Handler, Runtime, CodeUri...) is missing. */
  missingProperty: 'WORKSPACE_MISSING_PROPERTY',
  /** A property has a value of the wrong kind (MemorySize: lots). */
  invalidValue: 'WORKSPACE_INVALID_VALUE',
  /** A construct that cannot run locally (code in S3, a layer ARN, an unknown intrinsic). */
  unsupported: 'WORKSPACE_UNSUPPORTED',
  /** A value that depends on the deployed stack (!GetAtt Table.Arn, !ImportValue). */
  unresolved: 'WORKSPACE_UNRESOLVED_VALUE',
  /** CodeUri, ContentUri, a zip or a Dockerfile that does not exist. */
  pathNotFound: 'WORKSPACE_PATH_NOT_FOUND',
  /** The handler's file is not in the function's code. */
  handlerNotFound: 'WORKSPACE_HANDLER_NOT_FOUND',
  /** Two files define a function with the same name. */
  duplicateFunction: 'WORKSPACE_DUPLICATE_FUNCTION',
  /** Two API routes that match the same requests. */
  routeCollision: 'WORKSPACE_ROUTE_COLLISION',
  /** A zip that cannot be read. */
  badArchive: 'WORKSPACE_BAD_ARCHIVE',
  /** esbuild reported errors. */
  buildFailed: 'WORKSPACE_BUILD_FAILED',
  /** pip could not install a Python function's requirements.txt. */
  dependenciesFailed: 'WORKSPACE_DEPENDENCIES_FAILED',
  /** The engine could not build a function's image. */
  imageBuildFailed: 'WORKSPACE_IMAGE_BUILD_FAILED',
  /** An env-vars file (--env-vars, lambdaDock.envVarsFile) that cannot be read or is not in SAM's shape. */
  invalidEnvVars: 'WORKSPACE_INVALID_ENV_VARS',
  /** A dependency install (npm) that failed or cannot reach the registry. */
  dependencyInstallFailed: 'WORKSPACE_DEPENDENCY_INSTALL_FAILED',
  /** A symbolic link in a function's code reaches more than a function's code may hold. */
  contentTooLarge: 'CONTENT_TOO_LARGE',
} as const;

export type WorkspaceErrorCode = (typeof WORKSPACE_ERROR_CODES)[keyof typeof WORKSPACE_ERROR_CODES];

declare module '../errors' {
  interface ErrorCodesByModule {
    workspace: WorkspaceErrorCode;
  }
}

export const WORKSPACE_ERROR_CATALOGUE: ErrorCatalogue<WorkspaceErrorCode> = {
  WORKSPACE_PARSE_ERROR: {
    message: 'A template, serverless.yml or lambda-dock.json does not parse.',
    fix: 'Fix the syntax at the line the problem names.',
  },
  WORKSPACE_MISSING_PROPERTY: {
    message: 'A property the function needs (Handler, Runtime, CodeUri...) is missing.',
    fix: 'Add the property to the function, or to Globals.Function.',
  },
  WORKSPACE_INVALID_VALUE: {
    message: 'A property has a value of the wrong kind (MemorySize: lots).',
    fix: 'Give the value the type and range Lambda accepts for it.',
  },
  WORKSPACE_UNSUPPORTED: {
    message: 'A construct that cannot run locally (code in S3, a layer ARN, an unknown intrinsic).',
    fix: 'Point the function at local code and layers, or use a construct Lambda Dock reads.',
  },
  WORKSPACE_UNRESOLVED_VALUE: {
    message: 'A value depends on the deployed stack (!GetAtt Table.Arn, !ImportValue).',
    fix: 'Give it a value in an env-vars file (--env-vars, lambdaDock.envVarsFile).',
  },
  WORKSPACE_PATH_NOT_FOUND: {
    message: 'CodeUri, ContentUri, a zip or a Dockerfile names a path that does not exist.',
    fix: 'Correct the path (relative to the template), or build what it points at first.',
  },
  WORKSPACE_HANDLER_NOT_FOUND: {
    message: 'The handler\'s file is not in the function\'s code.',
    fix: 'Correct Handler (file.export) or CodeUri so that the file is in the code folder.',
  },
  WORKSPACE_DUPLICATE_FUNCTION: {
    message: 'Two files define a function with the same name; the first one is used.',
    fix: 'Rename one of them, or remove the file that is not the workspace\'s.',
  },
  WORKSPACE_ROUTE_COLLISION: {
    message: 'Two API routes match the same requests (all APIs share one local port).',
    fix: 'Give one of them another path or method.',
  },
  WORKSPACE_BAD_ARCHIVE: {
    message: 'A zip archive (CodeUri, ContentUri) cannot be read.',
    fix: 'Rebuild the archive, or point the function at its folder.',
  },
  WORKSPACE_BUILD_FAILED: {
    message: 'Building the function (esbuild) failed, or esbuild cannot be loaded here.',
    fix: 'Fix the error at the file and line it names; install esbuild beside Lambda Dock if it is missing.',
  },
  WORKSPACE_DEPENDENCIES_FAILED: {
    message: 'pip could not install a Python function\'s requirements.txt.',
    fix: 'Fix requirements.txt, or make its packages reachable from pip\'s index.',
  },
  WORKSPACE_IMAGE_BUILD_FAILED: {
    message: 'The engine could not build an image function\'s Dockerfile.',
    fix: 'Fix the Dockerfile at the step the engine names.',
  },
  WORKSPACE_INVALID_ENV_VARS: {
    message: 'An env-vars file cannot be read or is not in SAM\'s shape.',
    fix: 'Write {"Parameters": {...}, "FunctionName": {...}} with string values, or correct its path.',
  },
  WORKSPACE_DEPENDENCY_INSTALL_FAILED: {
    message: 'Installing a function\'s npm dependencies failed or could not reach the registry.',
    fix: 'Read npm\'s reason in the message; run npm install in the function\'s folder yourself.',
  },
  CONTENT_TOO_LARGE: {
    message: 'A symbolic link in a function\'s code reaches more than Lambda takes for a function\'s code.',
    fix: 'Point the link at the package itself, not a folder above it.',
  },
};

export function workspaceError(code: WorkspaceErrorCode, message: string, cause?: unknown): LambdaDockError {
  return new LambdaDockError(code, message, cause === undefined ? undefined : { cause });
}

/** A function's build failed; file and line (1-based) point at the first error the builder located. */
export class BuildError extends LambdaDockError {
  readonly file?: string;
  readonly line?: number;
  constructor(message: string, cause: unknown, where: { file?: string; line?: number } = {}, code: WorkspaceErrorCode = WORKSPACE_ERROR_CODES.buildFailed) {
    super(code, message, cause === undefined ? undefined : { cause });
    if (where.file !== undefined) this.file = where.file;
    if (where.line !== undefined) this.line = where.line;
  }
}

/** What FunctionHost.setBuildFailure records for a build that threw. */
export function buildFailureOf(error: unknown): BuildFailure {
  return {
    message: errorMessage(error),
    ...(error instanceof BuildError && error.file ? { file: error.file } : {}),
    ...(error instanceof BuildError && error.line !== undefined ? { line: error.line } : {}),
  };
}
