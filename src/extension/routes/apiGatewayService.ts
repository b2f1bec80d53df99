import { errorMessage } from '../../core/errors';
import { ApiGatewayServer, type ServedRequest, type ServedRoute } from '../../core/gateway/apiGatewayServer';
import type { Logger } from '../../core/log';
import type { FunctionInvoker } from '../../core/runtime/invoker';
import { Emitter, type Disposable } from '../util/emitter';

/** What the service needs of the HTTP APIs' server (core's ApiGatewayServer). */
export interface ApiGatewayServerLike {
  start(): Promise<string>;
  refresh(): void;
  routes(): ServedRoute[];
  onDidServe(listener: (request: ServedRequest) => void): Disposable;
  close(): Promise<void>;
}

export type ApiGatewayFactory = (options: { invoker: FunctionInvoker; port: number; log: (message: string) => void }) => ApiGatewayServerLike;

export const apiGatewayFactory: ApiGatewayFactory = ({ invoker, port, log }) => new ApiGatewayServer({ invoker, port, log });

/**
 * The workspace's HTTP APIs on 127.0.0.1:lambdaDock.apiPort, started on first use (a route's Send Request,
 * Copy URL, Open in Browser) over the running host; it stops with the host and restarts on a port change.
 */
export class ApiGatewayService implements Disposable {
  private server: ApiGatewayServerLike | undefined;
  private invoker: FunctionInvoker | undefined;
  private urlValue: string | undefined;
  private servedSubscription: Disposable | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly servedEmitter = new Emitter<ServedRequest>();
  private readonly changeEmitter = new Emitter<string | undefined>();
  /** Every request the APIs answered (with the function's log). */
  readonly onDidServe = this.servedEmitter.event;
  /** The URL changed (started, stopped, restarted elsewhere). */
  readonly onDidChange = this.changeEmitter.event;

  constructor(
    private readonly factory: ApiGatewayFactory,
    private readonly port: () => number,
    private readonly log: Logger,
  ) {}

  /** Where the APIs listen, once started. */
  get url(): string | undefined {
    return this.urlValue;
  }

  /** Starts the server over this invoker (the host) unless it already serves it; resolves with its URL. */
  ensure(invoker: FunctionInvoker): Promise<string> {
    return this.serialized(async () => {
      if (this.server && this.invoker === invoker && this.urlValue) return this.urlValue;
      await this.stopNow();
      const port = this.port();
      const server = this.factory({ invoker, port, log: (message) => this.log.warn(`[http-apis] ${message}`) });
      try {
        this.urlValue = await server.start();
      } catch (error) {
        throw new Error(`The HTTP APIs cannot listen on 127.0.0.1:${port}: ${errorMessage(error)}; change lambdaDock.apiPort (0 picks a free port)`);
      }
      this.server = server;
      this.invoker = invoker;
      this.servedSubscription = server.onDidServe((request) => this.servedEmitter.fire(request));
      this.log.info(`[http-apis] listening at ${this.urlValue}`);
      this.changeEmitter.fire(this.urlValue);
      return this.urlValue;
    });
  }

  /** After a deploy: the routes follow the functions' definitions. */
  refresh(): void {
    this.server?.refresh();
  }

  routes(): ServedRoute[] {
    return this.server?.routes() ?? [];
  }

  /** The host went away (or another replaced it): stop; the next use starts over the running host. */
  hostChanged(invoker: FunctionInvoker | undefined): Promise<void> {
    return this.serialized(async () => {
      if (this.server && this.invoker !== invoker) await this.stopNow();
    });
  }

  /** lambdaDock.apiPort changed: a running server moves to the new port. */
  restart(): Promise<void> {
    const invoker = this.invoker;
    return this.serialized(() => this.stopNow()).then(async () => {
      if (invoker) await this.ensure(invoker);
    });
  }

  stop(): Promise<void> {
    return this.serialized(() => this.stopNow());
  }

  dispose(): void {
    void this.stop();
    this.servedEmitter.dispose();
    this.changeEmitter.dispose();
  }

  private async stopNow(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.invoker = undefined;
    this.urlValue = undefined;
    this.servedSubscription?.dispose();
    this.servedSubscription = undefined;
    await server.close().catch((error: unknown) => this.log.warn(`[http-apis] closing failed: ${errorMessage(error)}`));
    this.changeEmitter.fire(undefined);
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
