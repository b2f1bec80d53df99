import type { FunctionHost } from '../../core/runtime/functionHost';
import { WorkspaceDeployer, type WorkspaceDeployerOptions } from '../../core/workspace/workspaceDeployer';
import { untilAborted, type CliCommand, type CommandContext } from '../command';
import { printDeployReport } from '../deployReport';
import { DISCOVERY_OPTIONS, DISCOVERY_USAGE, discoveryOptions, startHost } from '../startHost';

export const DEPLOY_OPTIONS = {
  ...DISCOVERY_OPTIONS,
  prewarm: { type: 'boolean' },
} as const;

export function deployerOptions(context: CommandContext): WorkspaceDeployerOptions {
  return {
    ...discoveryOptions(context),
    workspace: context.workspace,
    prewarm: context.values.prewarm === true,
  };
}

/** The engine and a workspace deployer over it, image build and pull progress going to the log. */
export async function startDeployer(context: CommandContext, runsFunctions = false): Promise<{ host: FunctionHost; deployer: WorkspaceDeployer }> {
  const options = deployerOptions(context);
  const host = await startHost(context, { runsFunctions });
  const deployer = new WorkspaceDeployer(host, options);
  deployer.on('imageProgress', (p: { image: string; message: string }) => context.log.info(`[image ${p.image}] ${p.message}`));
  return { host, deployer };
}

export const deployCommand: CliCommand = {
  name: 'deploy',
  summary: 'Discover, build and register every function of the workspace, printing what changed and how long each step took',
  usage: `lambda-dock deploy [--prewarm] ${DISCOVERY_USAGE} [--workspace DIR] [--json]`,
  options: DEPLOY_OPTIONS,
  async run(context) {
    const { host, deployer } = await startDeployer(context);
    try {
      const report = await untilAborted(deployer.deploy(context.signal), context.signal);
      printDeployReport(context, report);
      return report.functions.some((f) => f.change === 'failed') ? 1 : 0;
    } finally {
      await deployer.dispose();
      await host.dispose();
    }
  },
};
