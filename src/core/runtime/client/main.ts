// The Node.js runtime client that runs inside an instance (or as a child process of the host): it loads
// the handler, then serves invocations from the Runtime API one at a time, as Lambda's own client does.
import { createContext, functionEnvironment } from './context';
import { patchConsole } from './console';
import { serializeError } from './errors';
import { loadHandler, type Handler } from './handlerLoader';
import { endMarkerLine } from './protocol';
import { RuntimeApiClient, type NextInvocation } from './runtimeApiClient';
import { installAwsLambdaGlobal, isStreamingHandler, ResponseStream } from './streaming';

const api = new RuntimeApiClient(requiredEnv('AWS_LAMBDA_RUNTIME_API'));
const environment = functionEnvironment(process.env);
let currentRequestId: string | undefined;

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`lambda-dock runtime: ${name} is not set\n`);
    process.exit(1);
  }
  return value;
}

function writeEndMarker(requestId: string): void {
  process.stdout.write(endMarkerLine(requestId, process.resourceUsage().maxRSS));
}

function logError(kind: string, error: unknown): void {
  console.error(kind, JSON.stringify(serializeError(error)));
}

interface Outcome {
  error?: unknown;
  failed: boolean;
  result?: unknown;
}

function runBufferedHandler(handler: Handler, invocation: NextInvocation): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    let onEmptyLoop: (() => void) | undefined;
    const settle = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      if (onEmptyLoop) process.removeListener('beforeExit', onEmptyLoop);
      resolve(outcome);
    };
    const settleWhenLoopEmpties = (outcome: Outcome) => {
      if (onEmptyLoop) process.removeListener('beforeExit', onEmptyLoop);
      onEmptyLoop = () => settle(outcome);
      process.once('beforeExit', onEmptyLoop);
    };
    // Callback-style completion waits for the event loop to empty when the context asks for it, as Lambda does.
    const complete = (error: unknown, result?: unknown) => {
      const outcome = error != null ? { failed: true, error } : { failed: false, result };
      if (context.callbackWaitsForEmptyEventLoop) settleWhenLoopEmpties(outcome);
      else settle(outcome);
    };
    const context = createContext(environment, invocation, complete);
    try {
      const returned = handler(invocation.event, context, complete) as Promise<unknown> | undefined;
      if (returned && typeof returned.then === 'function') {
        returned.then(
          (result) => settle({ failed: false, result }),
          (error: unknown) => settle({ failed: true, error: error ?? new Error('handler rejected') }),
        );
      } else if (handler.length < 3) {
        // A synchronous handler that never calls back: Lambda answers null once the event loop is empty.
        settleWhenLoopEmpties({ failed: false, result: null });
      }
    } catch (error) {
      settle({ failed: true, error });
    }
  });
}

/** Runs one invocation and sends its answer; resolves once the answer is written, with its delivery (the 202). */
async function serveBuffered(handler: Handler, invocation: NextInvocation): Promise<{ delivered: Promise<void> }> {
  const outcome = await runBufferedHandler(handler, invocation);
  if (outcome.failed) {
    logError('Invoke Error ', outcome.error);
    writeEndMarker(invocation.requestId);
    return { delivered: api.postError(invocation.requestId, serializeError(outcome.error)) };
  }
  let body: string;
  try {
    body = JSON.stringify(outcome.result) ?? 'null';
  } catch (error) {
    const serializationError = { errorType: 'Runtime.SerializationError', errorMessage: `Unable to stringify response body: ${(error as Error).message}`, trace: [] };
    writeEndMarker(invocation.requestId);
    return { delivered: api.postError(invocation.requestId, serializationError) };
  }
  writeEndMarker(invocation.requestId);
  return { delivered: api.postResponse(invocation.requestId, body) };
}

async function serveStreaming(handler: Handler, invocation: NextInvocation): Promise<void> {
  const stream = new ResponseStream(api, invocation.requestId, () => writeEndMarker(invocation.requestId));
  const context = createContext(environment, invocation, () => undefined);
  try {
    await handler(invocation.event, stream, context);
    if (!stream.writableFinished) await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
  } catch (error) {
    logError('Invoke Error ', error);
    await stream.fail(serializeError(error));
  }
}

function exitOnUncaught(errorType: string | undefined, exitCode: number) {
  return (reason: unknown) => {
    const error = serializeError(reason);
    if (errorType) error.errorType = errorType;
    logError('Uncaught Exception ', reason);
    const requestId = currentRequestId;
    if (!requestId) process.exit(exitCode);
    writeEndMarker(requestId);
    void api.postError(requestId, error).finally(() => process.exit(exitCode));
  };
}

async function main(): Promise<void> {
  patchConsole(() => currentRequestId);
  installAwsLambdaGlobal();
  const taskRoot = process.env.LAMBDA_TASK_ROOT ?? '/var/task';
  const handlerName = process.env._HANDLER ?? process.argv[2] ?? '';

  let handler: Handler;
  try {
    handler = await loadHandler(taskRoot, handlerName);
  } catch (error) {
    logError('Init Error ', error);
    await api.postInitError(serializeError(error)).catch(() => undefined);
    process.exit(1);
  }
  process.on('uncaughtException', exitOnUncaught(undefined, 129));
  process.on('unhandledRejection', exitOnUncaught('Runtime.UnhandledPromiseRejection', 128));

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
