import type { FunctionDefinition } from '../functions/definition';
import type { InvokeOptions, InvokeResult } from './invokeResult';

/**
 * What callers (the CLI, the Invoke API, the editor) need of the engine: the registered functions and
 * invoke. FunctionHost implements it; unit tests of callers may fake it.
 */
export interface FunctionInvoker {
  functions(): readonly FunctionDefinition[];
  /** The function by its workspace name or its deployed name. */
  getFunction(name: string): FunctionDefinition | undefined;
  /** Why the function's last build failed, while it does: such a function does not run. */
  buildFailureOf?(name: string): BuildFailure | undefined;
  /**
   * Runs one invocation. Resolves with the result, function errors included (status 'error'); rejects
   * with a LambdaDockError only when the invocation could not be attempted (unknown function, payload too
   * large, engine failure), its code saying which.
   */
  invoke(name: string, payload: Buffer, options?: InvokeOptions): Promise<InvokeResult>;
}

/** A build that failed: its error and, where the builder knows it, the file and line at fault. */
export interface BuildFailure {
  message: string;
  file?: string;
  line?: number;
}

/** Codes invoke rejects with, so the Invoke API can map them to Lambda's exceptions. */
export const INVOKE_ERROR_CODES = {
  functionNotFound: 'FUNCTION_NOT_FOUND',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  payloadNotJson: 'PAYLOAD_NOT_JSON',
  tooManyRequests: 'TOO_MANY_REQUESTS',
  engineFailure: 'ENGINE_FAILURE',
  buildFailed: 'BUILD_FAILED',
  /** A runtime that is neither a Lambda runtime identifier nor given an image (lambdaDock.runtimeImages). */
  unknownRuntime: 'UNKNOWN_RUNTIME',
} as const;

export type InvokeErrorCode = (typeof INVOKE_ERROR_CODES)[keyof typeof INVOKE_ERROR_CODES];

export const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
