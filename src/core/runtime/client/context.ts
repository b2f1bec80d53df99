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

/** The legacy completion methods and flag of the context (absent from Node.js 24 on, as on Lambda). */
export interface CallbackContext {
  callbackWaitsForEmptyEventLoop: boolean;
  succeed(result?: unknown): void;
  fail(error?: unknown): void;
  done(error?: unknown, result?: unknown): void;
}

export interface LambdaContext extends FunctionEnvironment, Partial<CallbackContext> {
  awsRequestId: string;
  invokedFunctionArn: string;
  clientContext?: unknown;
  identity?: unknown;
  getRemainingTimeInMillis(): number;
}

/** The context object a handler receives; the callback part keeps its getter and setter. */
export function createContext(environment: FunctionEnvironment, invocation: NextInvocation, callbackContext?: CallbackContext): LambdaContext {
  const context: LambdaContext = {
    ...environment,
    awsRequestId: invocation.requestId,
    invokedFunctionArn: invocation.invokedFunctionArn,
    clientContext: parseOptionalJson(invocation.clientContext),
    identity: parseOptionalJson(invocation.cognitoIdentity),
    getRemainingTimeInMillis: () => Math.max(0, invocation.deadlineMs - Date.now()),
  };
  if (callbackContext) Object.defineProperties(context, Object.getOwnPropertyDescriptors(callbackContext));
  return context;
}

function parseOptionalJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
