import * as http from 'node:http';
import type { Socket } from 'node:net';

export interface UpstreamRequest {
  method: string;
  path: string;
  /** A JSON body we built; sent with its own Content-Length. */
  body?: Buffer;
  signal?: AbortSignal;
}

export interface BufferedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export type HijackResult =
  | { upgraded: true; response: http.IncomingMessage; socket: Socket; head: Buffer }
  | { upgraded: false; response: http.IncomingMessage };

export class UpstreamResponseTooLarge extends Error {}

/**
 * The proxy's own client for the real engine (Docker, or Podman's Docker-compatible socket): every request
 * is one we built. Keep-alive connections for ordinary calls; a fresh connection for a hijacked stream.
 */
export class UpstreamClient {
  private readonly agent: http.Agent;

  constructor(
    readonly socketPath: string,
    private readonly maxResponseBytes: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16 });
  }

  /** Sends a request and reads the whole response (bounded). */
  async request(req: UpstreamRequest): Promise<BufferedResponse> {
    const response = await this.stream(req);
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.maxResponseBytes) {
          response.destroy(new UpstreamResponseTooLarge(`the engine's response is larger than ${this.maxResponseBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
      response.on('aborted', () => reject(new Error('the engine closed the connection mid-response')));
    });
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
    this.agent.destroy();
  }
}
