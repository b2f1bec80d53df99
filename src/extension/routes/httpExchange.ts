import * as http from 'node:http';

/** A request as Send Request makes it, and the answer as the server sent it. */
export interface HttpExchange {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody: string;
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  durationMs: number;
}

/** Sends one request with Node's client (no proxy, no redirects followed: what the API answered is shown). */
export function exchange(method: string, url: string, headers: Record<string, string>, body: string, signal?: AbortSignal): Promise<HttpExchange> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const payload = Buffer.from(body, 'utf8');
    const req = http.request(url, { method, headers: { ...headers, ...(payload.length > 0 ? { 'content-length': String(payload.length) } : {}) }, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({
        method,
        url,
        requestHeaders: headers,
        requestBody: body,
        status: res.statusCode ?? 0,
        statusText: res.statusMessage ?? '',
        headers: res.headers,
        body: Buffer.concat(chunks),
        durationMs: performance.now() - started,
      }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}
