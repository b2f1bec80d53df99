import { Agent, type IncomingHttpHeaders, request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Each body chunk with the time it arrived (performance.now()). */
  chunks: { at: number; data: Buffer }[];
}

const agent = new Agent({ keepAlive: true });

/** One HTTP request over a keep-alive connection, the response read whole (chunks timed as they come). */
export function raw(
  url: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string | number>; body?: Buffer | string; onChunk?: (data: Buffer) => void } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { method, headers: options.headers, agent }, (res) => {
      const chunks: { at: number; data: Buffer }[] = [];
      res.on('data', (data: Buffer) => {
        chunks.push({ at: performance.now(), data });
        options.onChunk?.(data);
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks.map((c) => c.data)), chunks }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export function json(response: RawResponse): unknown {
  return JSON.parse(response.body.toString('utf8'));
}
