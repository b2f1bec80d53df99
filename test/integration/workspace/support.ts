import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FunctionHost } from '../../../src/core/runtime/functionHost';
import { WorkspaceDeployer, type WorkspaceDeployerOptions, type WorkspaceDeployReport } from '../../../src/core/workspace/workspaceDeployer';
import { startDockerHost } from '../support/engine';

const FIXTURES = path.resolve(__dirname, '../../fixtures/workspaces');

/** A copy of a fixture in a temporary folder (tests change files), with a cache of its own. */
export function copyFixture(name: string): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), `lambda-dock-ws-${name}-`)), name);
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}

export interface DeployedWorkspace {
  dir: string;
  host: FunctionHost;
  deployer: WorkspaceDeployer;
  report: WorkspaceDeployReport;
  dispose(): Promise<void>;
}

/** Deploys a fixture's copy into a Docker-backed FunctionHost; fails (never skips) without an engine. */
export async function deployFixture(name: string, options: Partial<WorkspaceDeployerOptions> = {}): Promise<DeployedWorkspace> {
  const dir = copyFixture(name);
  const host = await startDockerHost({ workspace: dir });
  const deployer = new WorkspaceDeployer(host, { workspace: dir, ...options });
  try {
    const report = await deployer.deploy();
    return {
      dir,
      host,
      deployer,
      report,
      async dispose() {
        await deployer.dispose();
        await host.dispose();
      },
    };
  } catch (error) {
    await deployer.dispose();
    await host.dispose();
    throw error;
  }
}

/** Resolves with the next 'deployed' report of a watching deployer. */
export function nextDeploy(deployer: WorkspaceDeployer, timeoutMs = 10_000): Promise<WorkspaceDeployReport> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no redeploy within ${timeoutMs} ms`)), timeoutMs);
    const onError = (error: unknown) => { clearTimeout(timer); reject(error); };
    deployer.once('error', onError);
    deployer.once('deployed', (report: WorkspaceDeployReport) => {
      clearTimeout(timer);
      deployer.off('error', onError);
      resolve(report);
    });
  });
}

export const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
export const parse = (payload: Buffer): unknown => JSON.parse(payload.toString('utf8'));
