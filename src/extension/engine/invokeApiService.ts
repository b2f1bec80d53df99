import { errorMessage } from '../../core/errors';
import type { Logger } from '../../core/log';
import type { FunctionInvoker } from '../../core/runtime/invoker';
import type { Disposable } from '../util/emitter';

/** What the service needs of the Invoke API server (src/core/api's InvokeApiServer). */
export interface InvokeApiServerLike {
  start(): Promise<string>;
  close(): Promise<void>;
}

export type InvokeApiFactory = (options: { invoker: FunctionInvoker; port: number; log: (message: string) => void }) => InvokeApiServerLike;

/**
 * The Lambda Invoke API on 127.0.0.1:lambdaDock.invokeApiPort over the running host, for the AWS SDK and
 * CLI. It follows the host (started with it, restarted with it) and the port setting; 0 turns it off.
 */
export class InvokeApiService implements Disposable {
  private server: InvokeApiServerLike | undefined;
  private endpointValue: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly factory: InvokeApiFactory | undefined,
    private readonly port: () => number,
    private readonly log: Logger,
  ) {}

  get endpoint(): string | undefined {
    return this.endpointValue;
  }

  /** (Re)starts the API over this invoker, or stops it when the port is 0 or there is no host. */
  update(invoker: FunctionInvoker | undefined): Promise<void> {
    const next = this.queue.then(() => this.apply(invoker));
    this.queue = next.catch(() => undefined);
    return next;
  }

  dispose(): void {
    void this.update(undefined);
  }

  private async apply(invoker: FunctionInvoker | undefined): Promise<void> {
    if (this.server) {
      const server = this.server;
      this.server = undefined;
      this.endpointValue = undefined;
      await server.close().catch((error: unknown) => this.log.warn(`[invoke-api] closing failed: ${errorMessage(error)}`));
    }
    const port = this.port();
    if (!invoker || port === 0) return;
    if (!this.factory) {
      this.log.warn('[invoke-api] lambdaDock.invokeApiPort is set, but this build has no Invoke API');
      return;
    }
    const server = this.factory({ invoker, port, log: (message) => this.log.info(`[invoke-api] ${message}`) });
    try {
      this.endpointValue = await server.start();
      this.server = server;
      this.log.info(`[invoke-api] listening at ${this.endpointValue}: aws lambda invoke --endpoint-url ${this.endpointValue} ...`);
    } catch (error) {
      this.log.error(`[invoke-api] could not listen on 127.0.0.1:${port}: ${errorMessage(error)}; change lambdaDock.invokeApiPort`, error);
    }
  }
}
