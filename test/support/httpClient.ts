import * as http from 'node:http';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

const agent = new http.Agent({ keepAlive: true });

/** One real HTTP request, headers sent exactly as given (name case and repeats: pass [name, value] pairs). */
export function send(base: string, method: string, path: string, options: { headers?: [string, string][]; body?: Buffer | string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const given = options.headers ?? [];
    // Raw header lists go out exactly as given, so Host must be among them.
    const rawHeaders = [...(given.some(([name]) => name.toLowerCase() === 'host') ? [] : [['Host', url.host]]), ...given].flat();
    const req = http.request({ host: url.hostname, port: url.port, method, path: url.pathname + url.search, agent, headers: rawHeaders as unknown as http.OutgoingHttpHeaders }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json: <T>() => JSON.parse(text) as T });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
