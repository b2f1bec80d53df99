import { errorMessage, LambdaDockError } from '../errors';
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
  /** The function to deploy or rebuild is not in the workspace. */
  functionNotFound: 'WORKSPACE_FUNCTION_NOT_FOUND',
} as const;

export type WorkspaceErrorCode = (typeof WORKSPACE_ERROR_CODES)[keyof typeof WORKSPACE_ERROR_CODES];

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
