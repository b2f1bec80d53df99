import type { NextInvocation } from './runtimeApiClient';

export interface FunctionEnvironment {
  functionName: string;
  functionVersion: string;
  memoryLimitInMB: string;
  logGroupName: string;
  logStreamName: string;
}

export function functionEnvironment(env: NodeJS.ProcessEnv): FunctionEnvironment {
  return {
    functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? '',
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST',
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '128',
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME ?? '',
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME ?? '',
  };
}

export interface LambdaContext extends FunctionEnvironment {
  awsRequestId: string;
  invokedFunctionArn: string;
  callbackWaitsForEmptyEventLoop: boolean;
  clientContext?: unknown;
  identity?: unknown;
  getRemainingTimeInMillis(): number;
  succeed(result?: unknown): void;
  fail(error?: unknown): void;
  done(error?: unknown, result?: unknown): void;
}

/** The context object a handler receives, with the legacy succeed/fail/done methods. */
export function createContext(
  environment: FunctionEnvironment,
  invocation: NextInvocation,
  complete: (error: unknown, result?: unknown) => void,
): LambdaContext {
  return {
    ...environment,
    awsRequestId: invocation.requestId,
    invokedFunctionArn: invocation.invokedFunctionArn,
    callbackWaitsForEmptyEventLoop: true,
    clientContext: parseOptionalJson(invocation.clientContext),
    identity: parseOptionalJson(invocation.cognitoIdentity),
    getRemainingTimeInMillis: () => Math.max(0, invocation.deadlineMs - Date.now()),
    succeed: (result?: unknown) => complete(null, result),
    fail: (error?: unknown) => complete(error ?? new Error('handled')),
    done: (error?: unknown, result?: unknown) => complete(error, result),
  };
}

function parseOptionalJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
