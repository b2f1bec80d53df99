import { errorMessage, LambdaDockError } from '../errors';
import { INVOKE_ERROR_CODES, MAX_SYNC_PAYLOAD_BYTES, type BuildFailure } from './invoker';

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
