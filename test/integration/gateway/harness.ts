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

export { send } from '../../support/httpClient';
