import * as net from 'node:net';
import { EngineResponseError, ResponseReader, type EngineResponse } from './responseReader';

/** A reused connection failed before any byte of the answer: the engine closed it while it was idle. */
class StaleConnection extends EngineResponseError {}

const RETRYABLE = new Set(['GET', 'HEAD']);

interface Exchange {
  reader: ResponseReader;
  resolve(response: EngineResponse): void;
  reject(error: Error): void;
}

/**
 * One connection to the engine's socket carrying one request at a time. Its listeners stay for its whole
 * life and route to the exchange in flight; bytes that arrive while idle mean it is out of step.
 */
class EngineConnection {
  private exchange: Exchange | undefined;
  reused = false;

  constructor(
    readonly socket: net.Socket,
    private readonly onIdle: (conn: EngineConnection) => void,
    private readonly onGone: (conn: EngineConnection) => void,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('error', (error) => this.fail(this.exchange?.reader.started || !this.reused ? error : new StaleConnection(error.message)));
    socket.on('close', () => {
      this.fail(new EngineResponseError('the engine closed the connection mid-response'));
      this.onGone(this);
    });
  }

  send(request: Buffer, method: string, maxResponseBytes: number, signal?: AbortSignal): Promise<EngineResponse> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason as Error);
        this.socket.destroy();
        return;
      }
      const onAbort = (): void => this.fail(signal!.reason as Error);
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = (): void => signal?.removeEventListener('abort', onAbort);
      this.exchange = {
        reader: new ResponseReader(method, maxResponseBytes),
        resolve: (response) => (settle(), resolve(response)),
        reject: (error) => (settle(), reject(error)),
      };
      this.socket.ref();
      this.socket.write(request);
    });
  }

  private onData(chunk: Buffer): void {
    const exchange = this.exchange;
    if (!exchange) {
      this.socket.destroy();
      return;
    }
    let response: EngineResponse | undefined;
    try {
      response = exchange.reader.feed(chunk);
    } catch (error) {
      this.fail(error as Error);
      return;
    }
    if (response) this.finish(response);
  }

  private onEnd(): void {
    const exchange = this.exchange;
    if (!exchange) return;
    if (!exchange.reader.started && this.reused) {
      this.fail(new StaleConnection('the engine closed an idle connection'));
      return;
    }
    try {
      this.finish(exchange.reader.end());
    } catch (error) {
      this.fail(error as Error);
    }
  }

  private finish(response: EngineResponse): void {
    const exchange = this.exchange!;
    this.exchange = undefined;
    if (response.reusable) {
      this.reused = true;
      this.socket.unref();
      this.onIdle(this);
    } else {
      this.socket.destroy();
    }
    exchange.resolve(response);
  }

  private fail(error: Error): void {
    const exchange = this.exchange;
    this.exchange = undefined;
    this.socket.destroy();
    exchange?.reject(error);
  }
}

/**
 * Keep-alive connections to the engine for the proxy's ordinary calls, whose answers are read whole. It
 * speaks just enough HTTP/1.1 for requests the proxy built itself; Node's HTTP client costs a scoped
 * socket more per call than the engine spends answering a container list.
 */
export class EngineConnectionPool {
  private readonly idle: EngineConnection[] = [];
  private readonly open = new Set<EngineConnection>();
  private disposed = false;

  constructor(
    readonly socketPath: string,
    private readonly maxResponseBytes: number,
    private readonly maxIdle = 16,
  ) {}

  async send(request: Buffer, method: string, signal?: AbortSignal): Promise<EngineResponse> {
    if (this.disposed) throw new EngineResponseError('the scoped socket is closing');
    const conn = this.idle.pop() ?? this.connect();
    try {
      return await conn.send(request, method, this.maxResponseBytes, signal);
    } catch (error) {
      if (!(error instanceof StaleConnection) || !RETRYABLE.has(method) || this.disposed) throw error;
      return this.connect().send(request, method, this.maxResponseBytes, signal);
    }
  }

  dispose(): void {
    this.disposed = true;
    this.idle.length = 0;
    for (const conn of this.open) conn.socket.destroy();
  }

  private connect(): EngineConnection {
    const conn = new EngineConnection(
      net.connect(this.socketPath),
      (c) => {
        if (this.disposed || this.idle.length >= this.maxIdle) c.socket.destroy();
        else this.idle.push(c);
      },
      (c) => {
        this.open.delete(c);
        const at = this.idle.indexOf(c);
        if (at !== -1) this.idle.splice(at, 1);
      },
    );
    this.open.add(conn);
    return conn;
  }
}
