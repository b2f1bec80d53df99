// The Node.js runtime client that runs inside an instance (or as a child process of the host): it loads
// the handler, then serves invocations from the Runtime API one at a time, as Lambda's own client does.
import { callbackHandlerRefused, CALLBACK_WARNING, isCallbackHandler, runBufferedHandler, type Outcome } from './completion';
import { createContext, functionEnvironment, type FunctionEnvironment } from './context';
import { consoleOptionsFromEnv, patchConsole, type ConsoleOptions } from './console';
import { waitForDebuggerIfAsked } from './debugger';
import { formatErrorForLog, serializeError } from './errors';
import { preregisterEsmNodePath, registerEsmNodePath } from './esmNodePath';
import { loadHandler, type Handler } from './handlerLoader';
import { STANDBY_ENV } from './protocol';
import { countOutput, outputTallyHeader } from './outputTally';
import { RuntimeApiClient, type NextInvocation } from './runtimeApiClient';
import { runtimeSdkRoot, waitForRuntimeSdkOnRequire } from './runtimeSdk';
import { awaitAssignment } from './standbyAssignment';
import { installAwsLambdaGlobal, isStreamingHandler, ResponseStream } from './streaming';

const api = new RuntimeApiClient(requiredEnv('AWS_LAMBDA_RUNTIME_API'));
/** Read once the function is known (a standby learns it at its assignment). */
let environment: FunctionEnvironment;
let currentRequestId: string | undefined;

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`lambda-dock runtime: ${name} is not set\n`);
    process.exit(1);
  }
  return value;
}

let consoleOptions: ConsoleOptions = { json: false, minLevel: 'TRACE' };

/** As AWS's client logs a failure: in JSON the error itself (its type, message and stack as fields). */
function logError(kind: string, error: unknown): void {
  if (consoleOptions.json) console.error(error instanceof Error ? error : new Error(String(error)));
  else console.error(kind, formatErrorForLog(error));
}

/** The Node.js major of the runtime the function asked for (AWS_EXECUTION_ENV), else of this process. */
const runtimeMajor = () => Number(/nodejs(\d+)/.exec(process.env.AWS_EXECUTION_ENV ?? '')?.[1] ?? process.versions.node.split('.')[0]);
/** Node.js 24 dropped callback handlers and the context's succeed/fail/done, as Lambda's runtime for it did. */
let callbacksSupported = true;

function runBuffered(handler: Handler, invocation: NextInvocation): Promise<Outcome> {
  return runBufferedHandler(handler, invocation.event, (callbackContext) => createContext(environment, invocation, callbackContext), callbacksSupported);
}

/** Runs one invocation and sends its answer; resolves once the answer is written, with its delivery (the 202). */
async function serveBuffered(handler: Handler, invocation: NextInvocation): Promise<{ delivered: Promise<void> }> {
  const outcome = await runBuffered(handler, invocation);
  if (outcome.failed) {
    logError('Invoke Error', outcome.error);
    return { delivered: api.postError(invocation.requestId, serializeError(outcome.error), outputTallyHeader()) };
  }
  let body: string;
  try {
    body = JSON.stringify(outcome.result) ?? 'null';
  } catch (error) {
    const serializationError = { errorType: 'Runtime.SerializationError', errorMessage: `Unable to stringify response body: ${(error as Error).message}`, trace: [] };
    return { delivered: api.postError(invocation.requestId, serializationError, outputTallyHeader()) };
  }
  return { delivered: api.postResponse(invocation.requestId, body, outputTallyHeader()) };
}

async function serveStreaming(handler: Handler, invocation: NextInvocation): Promise<void> {
  const stream = new ResponseStream(api, invocation.requestId, outputTallyHeader);
  const context = createContext(environment, invocation);
  try {
    await handler(invocation.event, stream, context);
    if (!stream.writableFinished) await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
  } catch (error) {
    logError('Invoke Error', error);
    await stream.fail(serializeError(error));
  }
}

/** An uncaught exception (exit 129) or unhandled rejection (exit 128, wrapped as Lambda wraps it) fails the invocation. */
function exitOnUncaught(kind: string, exitCode: number, wrap: (reason: unknown) => unknown = (reason) => reason) {
  return (reason: unknown) => {
    const error = wrap(reason);
    logError(kind, error);
    const requestId = currentRequestId;
    if (!requestId) process.exit(exitCode);
    void api.postError(requestId, serializeError(error), outputTallyHeader()).finally(() => process.exit(exitCode));
  };
}

function unhandledPromiseRejection(reason: unknown): Error {
  return Object.assign(new Error(String(reason)), { name: 'Runtime.UnhandledPromiseRejection', reason });
}

async function main(): Promise<void> {
  // A standby pays for the ES module hook's loader thread while it waits, not in the handler's init.
  const configureEsmNodePath = process.env[STANDBY_ENV] ? preregisterEsmNodePath() : undefined;
  await awaitAssignment(api);
  environment = functionEnvironment(process.env);
  callbacksSupported = runtimeMajor() < 24;
  waitForDebuggerIfAsked();
  countOutput();
  consoleOptions = consoleOptionsFromEnv(process.env);
  patchConsole(() => currentRequestId, consoleOptions);
  installAwsLambdaGlobal();
  const taskRoot = process.env.LAMBDA_TASK_ROOT ?? '/var/task';
  const handlerName = process.env._HANDLER ?? process.argv[2] ?? '';

  const sdkRoot = runtimeSdkRoot();
  if (sdkRoot) waitForRuntimeSdkOnRequire(sdkRoot);

  let handler: Handler;
  try {
    // Only ES module handlers pay for the import hook (a loader thread): require() reads NODE_PATH itself.
    // (A standby registered it already: it is given its folders now, whatever the handler.)
    configureEsmNodePath?.(process.env.NODE_PATH, sdkRoot);
    handler = await loadHandler(taskRoot, handlerName, () => {
      if (!configureEsmNodePath) registerEsmNodePath(process.env.NODE_PATH, sdkRoot);
    });
    if (isCallbackHandler(handler) && !isStreamingHandler(handler)) {
      if (!callbacksSupported) throw callbackHandlerRefused();
      if (process.env.AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING === undefined) console.warn(CALLBACK_WARNING);
    }
  } catch (error) {
    logError('Init Error', error);
    await api.postInitError(serializeError(error)).catch(() => undefined);
    process.exit(1);
  }
  process.on('uncaughtException', exitOnUncaught('Uncaught Exception', 129));
  process.on('unhandledRejection', exitOnUncaught('Unhandled Promise Rejection', 128, unhandledPromiseRejection));

  const streaming = isStreamingHandler(handler);
  let delivered: Promise<void> = Promise.resolve();
  for (;;) {
    // Poll for the next invocation while the last answer's 202 is on its way back (a second connection):
    // a sequential caller then waits one round trip per invocation, not two.
    const polled = api.next();
    await delivered;
    const invocation = await polled;
    currentRequestId = invocation.requestId;
    if (invocation.traceId) process.env._X_AMZN_TRACE_ID = invocation.traceId;
    else delete process.env._X_AMZN_TRACE_ID;
    if (streaming) {
      await serveStreaming(handler, invocation);
      delivered = Promise.resolve();
    } else {
      ({ delivered } = await serveBuffered(handler, invocation));
      // Failures surface at the await above; until then, do not let them count as unhandled.
      delivered.catch(() => undefined);
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`lambda-dock runtime: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
