import * as http from 'node:http';
import { ApiGatewayServer } from '../../../src/core/gateway/apiGatewayServer';
import type { Logger } from '../../../src/core/log';
import { FunctionHost } from '../../../src/core/runtime/functionHost';
import { WorkspaceDeployer } from '../../../src/core/workspace/workspaceDeployer';

/** The real engine (never the process fallback) with a fixture workspace deployed, behind the HTTP APIs. */
export interface GatewayHarness {
  host: FunctionHost;
  server: ApiGatewayServer;
  url: string;
  warnings: string[];
  dispose(): Promise<void>;
}

export async function startGateway(workspace: string): Promise<GatewayHarness> {
  const warnings: string[] = [];
  const log: Logger = { debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
  const host = await FunctionHost.start({ workspace, fallbackToProcess: false, log });
  try {
    const deployer = new WorkspaceDeployer(host, { workspace });
    const report = await deployer.deploy();
    await deployer.dispose();
    const failed = [...report.problems.map((p) => p.message), ...report.functions.filter((f) => f.change === 'failed').map((f) => `${f.name}: ${f.error ?? ''}`)];
    if (failed.length > 0) throw new Error(`the gateway fixtures do not deploy: ${failed.join('; ')}`);
    const server = new ApiGatewayServer({ invoker: host, port: 0, log: (m) => warnings.push(m) });
    const url = await server.start();
    return {
      host,
      server,
      url,
      warnings,
      async dispose() {
        await server.close();
        await host.dispose();
      },
    };
  } catch (error) {
    await host.dispose();
    throw error;
  }
}

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
