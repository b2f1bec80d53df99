import { type ErrorCatalogue, errorMessage, LambdaDockError } from '../errors';
import { INVOKE_ERROR_CODES, MAX_SYNC_PAYLOAD_BYTES, type BuildFailure, type InvokeErrorCode } from './invoker';

declare module '../errors' {
  interface ErrorCodesByModule {
    runtime: InvokeErrorCode;
  }
}

export const INVOKE_ERROR_CATALOGUE: ErrorCatalogue<InvokeErrorCode> = {
  FUNCTION_NOT_FOUND: {
    message: 'No function of that name is deployed in this session.',
    fix: 'Check the name (lambda-dock functions lists them), or deploy the workspace first.',
  },
  PAYLOAD_TOO_LARGE: {
    message: 'The payload is over Lambda\'s 6 MB limit for a synchronous request.',
    fix: 'Send less, or pass a reference (an S3 key) instead of the data.',
  },
  PAYLOAD_NOT_JSON: {
    message: 'The payload is not valid JSON.',
    fix: 'Pass a JSON value, for example {"key":"value"}.',
  },
  TOO_MANY_REQUESTS: {
    message: 'The function already runs as many invocations as its reserved concurrency allows.',
    fix: 'Retry later, or raise ReservedConcurrentExecutions.',
  },
  ENGINE_FAILURE: {
    message: 'The engine could not start an instance to run the invocation.',
    fix: 'Read the engine\'s reason in the message (an image, the engine itself) and fix that.',
  },
  BUILD_FAILED: {
    message: 'The function\'s last build failed, so it does not run (not even its last good build).',
    fix: 'Fix the build error the message points at and save: the next build runs it again.',
  },
  UNKNOWN_RUNTIME: {
    message: 'The function\'s runtime is not a Lambda runtime identifier Lambda Dock knows.',
    fix: 'Use an identifier such as nodejs20.x or python3.12, or set an image for it (lambdaDock.runtimeImages).',
  },
};

/** A runtime that has no image: neither official nor set in lambdaDock.runtimeImages. */
export function unknownRuntime(runtime: string): LambdaDockError {
  return new LambdaDockError(
    INVOKE_ERROR_CODES.unknownRuntime,
    `Unknown runtime "${runtime}": use a Lambda runtime identifier such as nodejs20.x or python3.12, or set an image for it (lambdaDock.runtimeImages).`,
  );
}

export function functionNotFound(name: string, known: readonly string[]): LambdaDockError {
  const list = known.length ? `the workspace has ${known.join(', ')}` : 'the workspace has no functions';
  return new LambdaDockError(INVOKE_ERROR_CODES.functionNotFound, `Function not found: ${name} (${list}). Check the name, or deploy the workspace first.`);
}

export function payloadTooLarge(bytes: number, limit = MAX_SYNC_PAYLOAD_BYTES): LambdaDockError {
  return new LambdaDockError(
    INVOKE_ERROR_CODES.payloadTooLarge,
    `The payload is ${bytes} bytes, over Lambda's limit of ${limit} bytes for a request: send less, or pass a reference (an S3 key) instead.`,
  );
}

export function payloadNotJson(detail: string): LambdaDockError {
  return new LambdaDockError(INVOKE_ERROR_CODES.payloadNotJson, `The payload is not valid JSON (${detail}): pass a JSON value, for example '{"key":"value"}'.`);
}

export function tooManyRequests(name: string, reserved: number): LambdaDockError {
  return new LambdaDockError(
    INVOKE_ERROR_CODES.tooManyRequests,
    `Rate exceeded: ${name} is already running ${reserved} invocation(s), its reserved concurrency. Retry later or raise ReservedConcurrentExecutions.`,
  );
}

export function engineFailure(name: string, cause: unknown): LambdaDockError {
  return new LambdaDockError(
    INVOKE_ERROR_CODES.engineFailure,
    `Could not start ${name}: ${errorMessage(cause)}`,
    { cause },
  );
}

/** The function's last build failed: it does not run, not even its last good build, until a build succeeds. */
export function buildFailed(name: string, failure: BuildFailure): LambdaDockError {
  // The builder's message names the file and line; one without any gets them from the failure.
  const named = failure.file && failure.message.includes(`${failure.file.split(/[\\/]/).pop()}:${failure.line ?? ''}`);
  const where = failure.file && !named ? ` (${failure.file}${failure.line !== undefined ? `:${failure.line}` : ''})` : '';
  return new LambdaDockError(
    INVOKE_ERROR_CODES.buildFailed,
    `${name} was not run because its last build failed (its last good build is not used): ${failure.message}${where}`,
  );
}
