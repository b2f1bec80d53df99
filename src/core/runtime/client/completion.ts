import type { CallbackContext } from './context';
import { InitError } from './errors';
import type { Handler } from './handlerLoader';

export interface Outcome {
  failed: boolean;
  error?: unknown;
  result?: unknown;
}

const NODE_JS_EXIT_MESSAGE =
  'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes';

/** True for an `async function`: Lambda treats an empty event loop without an answer from one as a failure. */
export function isAsyncFunction(handler: Handler): boolean {
  return handler.constructor?.name === 'AsyncFunction';
}

/** Node.js 24 and later have no callback handlers: Lambda refuses them at init (and warns before 24). */
export function isCallbackHandler(handler: Handler): boolean {
  return handler.length === 3 && !isAsyncFunction(handler);
}

export function callbackHandlerRefused(): InitError {
  return new InitError(
    'Runtime.CallbackHandlerDeprecated',
    'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.',
  );
}

/**
 * Runs one buffered invocation and resolves with its answer, decided as Lambda's client decides it
 * (CallbackContext, Runtime): the first of callback, succeed, fail, done or the returned promise wins and
 * later ones are ignored; done/succeed/fail and a callback with an error answer at once; a callback with a
 * result waits for the event loop to empty while callbackWaitsForEmptyEventLoop is true; a handler that
 * never answers gets null when the loop empties, or Runtime.NodeJsExit if it is an async function.
 * `withCallbacks` false (Node.js 24) leaves the callback and the legacy context methods out.
 */
export function runBufferedHandler(
  handler: Handler,
  event: unknown,
  makeContext: (callbackContext?: CallbackContext) => unknown,
  withCallbacks: boolean,
): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    // Run when the event loop empties: what Lambda's BeforeExitListener holds for the invocation.
    let onEmptyLoop: (() => void) | undefined;
    const beforeExit = () => onEmptyLoop?.();
    const settle = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      onEmptyLoop = undefined;
      process.removeListener('beforeExit', beforeExit);
      resolve(outcome);
    };
    process.on('beforeExit', beforeExit);

    let waitsForEmptyLoop = true;
    const callback = (error: unknown, result?: unknown) => {
      onEmptyLoop = undefined;
      if (error !== undefined && error !== null) settle({ failed: true, error });
      else if (!waitsForEmptyLoop) settle({ failed: false, result });
      else onEmptyLoop = () => setImmediate(() => settle({ failed: false, result }));
    };
    const done = (error?: unknown, result?: unknown) => {
      onEmptyLoop = undefined;
      if (error !== undefined && error !== null) settle({ failed: true, error });
      else settle({ failed: false, result });
    };
    let finished = false;
    const firstOnly = <A extends unknown[]>(complete: (...args: A) => void) => (...args: A) => {
      if (finished) return;
      finished = true;
      complete(...args);
    };
    const succeed = firstOnly((result?: unknown) => done(null, result));
    const fail = firstOnly((error?: unknown) => (error === undefined || error === null ? done('handled') : done(error, null)));
    const callbackContext: CallbackContext = {
      get callbackWaitsForEmptyEventLoop() {
        return waitsForEmptyLoop;
      },
      set callbackWaitsForEmptyEventLoop(value: boolean) {
        waitsForEmptyLoop = value;
      },
      succeed,
      fail,
      done: firstOnly(done),
    };
    const firstCallback = firstOnly(callback);

    const isAsync = isAsyncFunction(handler);
    onEmptyLoop = () => {
      finished = true;
      if (isAsync) settle({ failed: true, error: Object.assign(new Error(NODE_JS_EXIT_MESSAGE), { name: 'Runtime.NodeJsExit' }) });
      else settle({ failed: false, result: null });
    };
    try {
      const returned = withCallbacks
        ? handler(event, makeContext(callbackContext), firstCallback)
        : handler(event, makeContext());
      if (returned && typeof (returned as Promise<unknown>).then === 'function') {
        (returned as Promise<unknown>).then(succeed, fail);
      }
    } catch (error) {
      firstCallback(error);
    }
  });
}

/** What Lambda's client logs at init for a callback handler before Node.js 24 (unless AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING is set). */
export const CALLBACK_WARNING =
  'AWS Lambda plans to remove support for callback-based function handlers starting with Node.js 24. You will need to update this function to use an async handler to use Node.js 24 or later. For more information and to provide feedback on this change, see https://github.com/aws/aws-lambda-nodejs-runtime-interface-client/issues/137. To disable this warning, set the AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING environment variable.';
