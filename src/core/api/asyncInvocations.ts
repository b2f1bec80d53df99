import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { errorMessage, isLambdaDockError } from '../errors';
import { INVOKE_ERROR_CODES, type FunctionInvoker } from '../runtime/invoker';
import type { InvokeResult } from '../runtime/invokeResult';

/** How one Event invocation ended, after its retries. */
export interface AsyncInvocationOutcome {
  functionName: string;
  /** Attempts made: 1 plus the retries. */
  attempts: number;
  /** The last attempt's result, when the engine ran it. */
  result?: InvokeResult;
  /** Why the last attempt could not run, when the engine refused it. */
  failure?: string;
}

export interface AsyncRetryPolicy {
  /** Waits before each retry of a function error. Lambda retries twice (after about 1 and 2 minutes). */
  functionErrorDelaysMs: readonly number[];
  /** Waits before each retry of a throttled or engine-failed attempt (Lambda keeps trying for hours). */
  throttleDelaysMs: readonly number[];
}

export const DEFAULT_ASYNC_RETRY: AsyncRetryPolicy = {
  functionErrorDelaysMs: [1000, 2000],
  throttleDelaysMs: [500, 1000, 2000, 4000, 8000],
};

/**
 * Runs InvocationType=Event invocations in the background: a function error is retried twice, as Lambda
 * does; a throttle or engine failure is retried with backoff. Fires 'settled' with each outcome.
 */
export class AsyncInvocations {
  private readonly events = new EventEmitter();
  private readonly pending = new Set<Promise<void>>();
  private readonly abort = new AbortController();

  constructor(
    private readonly invoker: FunctionInvoker,
    private readonly policy: AsyncRetryPolicy = DEFAULT_ASYNC_RETRY,
  ) {}

  onDidSettle(listener: (outcome: AsyncInvocationOutcome) => void): { dispose(): void } {
    this.events.on('settled', listener);
    return { dispose: () => this.events.off('settled', listener) };
  }

  /** How many Event invocations are still running or waiting to retry. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Queues an invocation and returns its request id: the function sees it on every attempt, as on Lambda. */
  enqueue(functionName: string, payload: Buffer, clientContext: string | undefined): string {
    const requestId = randomUUID();
    const run = this.run(functionName, payload, clientContext, requestId).then(
      (outcome) => {
        this.events.emit('settled', outcome);
      },
      () => undefined,
    );
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
    return requestId;
  }

  private async run(functionName: string, payload: Buffer, clientContext: string | undefined, requestId: string): Promise<AsyncInvocationOutcome> {
    let functionErrorRetries = 0;
    let throttleRetries = 0;
    for (let attempts = 1; ; attempts++) {
      let delay: number | undefined;
      let outcome: AsyncInvocationOutcome;
      try {
        const result = await this.invoker.invoke(functionName, payload, { signal: this.abort.signal, clientContext, requestId, wantsLog: false });
        outcome = { functionName, attempts, result };
        if (result.status === 'error') delay = this.policy.functionErrorDelaysMs[functionErrorRetries++];
      } catch (error) {
        outcome = { functionName, attempts, failure: errorMessage(error) };
        const retriable =
          !isLambdaDockError(error) ||
          error.code === INVOKE_ERROR_CODES.tooManyRequests ||
          error.code === INVOKE_ERROR_CODES.engineFailure;
        if (retriable) delay = this.policy.throttleDelaysMs[throttleRetries++];
      }
      if (delay === undefined || this.abort.signal.aborted) return outcome;
      await this.sleep(delay);
      if (this.abort.signal.aborted) return outcome;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.abort.signal;
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done);
    });
  }

  /** Waits for every Event invocation to settle (retries included). */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Cancels retries and in-flight Event invocations, and waits for them to stop. */
  async dispose(): Promise<void> {
    this.abort.abort();
    await this.drain();
    this.events.removeAllListeners();
  }
}
