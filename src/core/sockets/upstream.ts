import * as http from 'node:http';
import type { Socket } from 'node:net';
import { EngineConnectionPool } from './engineConnectionPool';
import type { EngineResponse } from './responseReader';

export interface UpstreamRequest {
  method: string;
  path: string;
  /** A JSON body we built; sent with its own Content-Length. */
  body?: Buffer;
  signal?: AbortSignal;
}

export type BufferedResponse = Omit<EngineResponse, 'reusable'>;

export type HijackResult =
  | { upgraded: true; response: http.IncomingMessage; socket: Socket; head: Buffer }
  | { upgraded: false; response: http.IncomingMessage };

/**
 * The proxy's own client for the real engine (Docker, or Podman's Docker-compatible socket): every request
 * is one we built. Ordinary calls go over our lean keep-alive pool; streams over Node's HTTP client; a
 * hijacked stream over a fresh connection.
 */
export class UpstreamClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 4 });
  private readonly pool: EngineConnectionPool;

  constructor(
    readonly socketPath: string,
    maxResponseBytes: number,
  ) {
    this.pool = new EngineConnectionPool(socketPath, maxResponseBytes);
  }

  /** Sends a request and reads the whole response (bounded). */
  request(req: UpstreamRequest): Promise<BufferedResponse> {
    const lines = [`${req.method} ${req.path} HTTP/1.1`, ...Object.entries(this.headers(req)).map(([name, value]) => `${name}: ${String(value)}`)];
    const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
    return this.pool.send(req.body ? Buffer.concat([head, req.body]) : head, req.method, req.signal);
  }

  /** Sends a request and resolves with the response once its head arrives; the body streams. */
  stream(req: UpstreamRequest): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const request = http.request({
        socketPath: this.socketPath,
        agent: this.agent,
        method: req.method,
        path: req.path,
        headers: this.headers(req),
        signal: req.signal,
      });
      request.on('response', resolve);
      request.on('error', reject);
      request.end(req.body);
    });
  }

  /** Asks the engine to take over a connection (attach, exec start); it answers 101 or a plain response. */
  hijack(req: UpstreamRequest): Promise<HijackResult> {
    return new Promise((resolve, reject) => {
      const request = http.request({
        socketPath: this.socketPath,
        agent: false,
        method: req.method,
        path: req.path,
        headers: { ...this.headers(req), Connection: 'Upgrade', Upgrade: 'tcp' },
        signal: req.signal,
      });
      request.on('upgrade', (response, socket, head) => resolve({ upgraded: true, response, socket, head }));
      request.on('response', (response) => resolve({ upgraded: false, response }));
      request.on('error', reject);
      request.end(req.body);
    });
  }

  private headers(req: UpstreamRequest): http.OutgoingHttpHeaders {
    const headers: http.OutgoingHttpHeaders = { Host: 'docker', 'User-Agent': 'lambda-dock-scoped-socket' };
    if (req.body) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = req.body.length;
    }
    return headers;
  }

  dispose(): void {
    this.pool.dispose();
    this.agent.destroy();
  }
}
