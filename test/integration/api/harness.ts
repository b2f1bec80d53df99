import * as path from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { InvokeApiServer } from '../../../src/core/api/server';
import type { Logger } from '../../../src/core/log';
import { FunctionHost } from '../../../src/core/runtime/functionHost';
import { discoverFunctions } from '../../../src/core/workspace';

export const FIXTURE_WORKSPACE = path.resolve(__dirname, '../../fixtures/api');

const quietLog: Logger = {
  debug() {},
  info() {},
  warn: (m) => console.warn(`    [warn] ${m}`),
  error: (m, e) => console.error(`    [error] ${m}`, e),
};

/** The real engine (Docker or Podman, never the process fallback) with the fixture functions, behind the API. */
export interface ApiHarness {
  host: FunctionHost;
  server: InvokeApiServer;
  endpoint: string;
  client(): LambdaClient;
  dispose(): Promise<void>;
}

export async function startApiHarness(): Promise<ApiHarness> {
  const discovery = await discoverFunctions(FIXTURE_WORKSPACE);
  if (discovery.problems.length > 0) {
    throw new Error(`the API fixtures do not load: ${discovery.problems.map((p) => p.message).join('; ')}`);
  }
  // No fallback: these tests need a real engine and fail, never skip, without one.
  const host = await FunctionHost.start({ workspace: FIXTURE_WORKSPACE, fallbackToProcess: false, log: quietLog });
  const clients: LambdaClient[] = [];
  try {
    // One at a time: FunctionHost.deploy packages functions that share a CodeUri in parallel, and those
    // parallel copies into the content cache collide (same temp folder name). Reported to the engine's owner.
    for (const definition of discovery.functions) await host.deploy([definition], { removeMissing: false });
    const server = new InvokeApiServer({
      invoker: host,
      port: 0,
      asyncRetry: { functionErrorDelaysMs: [50, 50], throttleDelaysMs: [50, 100] },
      log: (m) => quietLog.warn(m),
    });
    const endpoint = await server.start();
    return {
      host,
      server,
      endpoint,
      client() {
        const client = sdkClient(endpoint);
        clients.push(client);
        return client;
      },
      async dispose() {
        for (const client of clients) client.destroy();
        await server.close();
        await host.dispose();
      },
    };
  } catch (error) {
    await host.dispose();
    throw error;
  }
}

/** The SDK as a user configures it for a local endpoint; no retries, so a failure is never hidden or doubled. */
export function sdkClient(endpoint: string): LambdaClient {
  return new LambdaClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    // A request that hangs fails the test with an error rather than its timeout.
    requestHandler: { requestTimeout: 60_000 },
  });
}

export const text = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('utf8');
export const parse = <T>(bytes: Uint8Array | undefined): T => JSON.parse(text(bytes)) as T;
