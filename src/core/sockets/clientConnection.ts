import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ProxyRefusal } from './errors';
import type { SocketLimits } from './limits';
import { RequestReader, type ParsedRequest } from './requestReader';

export type RequestHandler = (request: ParsedRequest, connection: ClientConnection) => Promise<void>;

export interface ChunkedWriter {
  write(chunk: Buffer | string): boolean;
  end(): void;
}

/**
 * One client connection: reads one request at a time with the strict reader, hands it to the handler, and
 * reads the next only when the response is complete, so a pipelined request is judged like the first.
 * After a hijack the socket belongs to the tunnel.
 */
export class ClientConnection {
  /** Aborted when the client goes away: cancels the upstream request in flight. */
  readonly closed = new AbortController();
  private readonly reader: RequestReader;
  private busy = false;
  private hijacked = false;
  private responseStarted = false;
  private currentIsHead = false;
  private clientEnded = false;
  /** Upstream sockets (tunnels) to destroy with this connection. */
  private readonly linked = new Set<Socket>();

  constructor(
    readonly socket: Socket,
    private readonly limits: SocketLimits,
    private readonly handler: RequestHandler,
  ) {
    this.reader = new RequestReader(limits);
    socket.setTimeout(limits.idleTimeoutMs);
    socket.on('timeout', () => {
      if (!this.busy && !this.hijacked) socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => {
      if (this.hijacked) return;
      this.reader.feed(chunk);
      if (this.reader.buffered > limits.maxHeadBytes + limits.maxBodyBytes + 64 * 1024) socket.pause();
      this.pump();
    });
    socket.on('end', () => {
      this.clientEnded = true;
      if (!this.busy && !this.hijacked) socket.end();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.closed.abort();
      for (const s of this.linked) s.destroy();
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  private pump(): void {
    while (!this.busy && !this.hijacked && !this.socket.destroyed) {
      let request: ParsedRequest | undefined;
      try {
        request = this.reader.next();
      } catch (error) {
        const refusal = error instanceof ProxyRefusal ? error : new ProxyRefusal(400, 'request could not be read');
        this.busy = true;
        this.responseStarted = false;
        this.currentIsHead = false;
        this.sendJson(refusal.status, { message: `lambda-dock scoped socket: ${refusal.message}` }, true);
        this.socket.end();
        return;
      }
      if (!request) return;
      this.run(request);
    }
  }

  private run(request: ParsedRequest): void {
    this.busy = true;
    this.responseStarted = false;
    this.currentIsHead = request.method === 'HEAD';
    this.socket.pause();
    this.socket.setTimeout(0);
    this.handler(request, this)
      .catch((error: unknown) => {
        if (this.socket.destroyed) return;
        if (this.responseStarted) {
          this.socket.destroy();
          return;
        }
        const refusal = error instanceof ProxyRefusal ? error : undefined;
        const message = refusal ? refusal.message : `the engine could not be reached (${error instanceof Error ? error.message : String(error)})`;
        this.sendJson(refusal?.status ?? 502, { message: `lambda-dock scoped socket: ${message}` });
      })
      .finally(() => {
        if (this.hijacked || this.socket.destroyed) return;
        this.busy = false;
        if (!request.keepAlive || this.clientEnded) {
          this.socket.end();
          return;
        }
        this.socket.setTimeout(this.limits.idleTimeoutMs);
        this.socket.resume();
        this.pump();
      });
  }

  /** A complete response with a JSON body. */
  sendJson(status: number, value: unknown, close = false, headers: Record<string, string> = {}): void {
    this.send(status, { 'Content-Type': 'application/json', ...headers }, Buffer.from(`${JSON.stringify(value)}\n`), close);
  }

  /** A complete response: our own status line and headers, then the body with its length. */
  send(status: number, headers: Record<string, string>, body: Buffer, close = false): void {
    this.responseStarted = true;
    const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Status'}`];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    lines.push(`Content-Length: ${body.length}`);
    if (close) lines.push('Connection: close');
    const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`);
    this.socket.write(this.currentIsHead || body.length === 0 ? head : Buffer.concat([head, body]));
  }

  /** A streamed response (logs, wait, events): chunked framing of what we choose to write. */
  startChunked(status: number, headers: Record<string, string>): ChunkedWriter {
    this.responseStarted = true;
    const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Status'}`];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    lines.push('Transfer-Encoding: chunked');
    this.socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    const socket = this.socket;
    return {
      write(chunk) {
        const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        if (data.length === 0 || socket.destroyed) return true;
        return socket.write(Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')]));
      },
      end() {
        if (!socket.destroyed) socket.write('0\r\n\r\n');
      },
    };
  }

  /**
   * Gives the raw client socket to a tunnel once the engine has agreed to stream: writes our own response
   * head and returns the client bytes that arrived after the request.
   */
  takeOver(status: number, headers: Record<string, string>): Buffer {
    this.hijacked = true;
    this.responseStarted = true;
    this.socket.setTimeout(0);
    const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Status'}`];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    this.socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    return this.reader.takeRemainder();
  }

  /** Destroys an upstream socket together with this connection. */
  link(upstream: Socket): void {
    this.linked.add(upstream);
    upstream.on('close', () => this.linked.delete(upstream));
  }

  /** Waits for the socket to drain (backpressure on streamed responses). */
  drained(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed || !this.socket.writableNeedDrain) resolve();
      else {
        this.socket.once('drain', resolve);
        this.socket.once('close', resolve);
      }
    });
  }
}
