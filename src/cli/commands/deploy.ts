import type { FunctionHost } from '../../core/runtime/functionHost';
import { WorkspaceDeployer } from '../../core/workspace/workspaceDeployer';
import { stringOption, untilAborted, type CliCommand, type CommandContext } from '../command';
import { printDeployReport } from '../deployReport';
import { startHost } from '../startHost';

/** --parameter-overrides Stage=prod,Table=orders */
export function parameterOverrides(context: CommandContext): Record<string, string> | undefined {
  const text = stringOption(context, 'parameter-overrides');
  if (!text) return undefined;
  return Object.fromEntries(text.split(/[,\s]+/).filter(Boolean).map((pair) => {
    const eq = pair.indexOf('=');
    return eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
  }));
}

export const DEPLOY_OPTIONS = {
  prewarm: { type: 'boolean' },
  'parameter-overrides': { type: 'string' },
  stage: { type: 'string' },
} as const;

export function deployerOptions(context: CommandContext) {
  const overrides = parameterOverrides(context);
  const stage = stringOption(context, 'stage');
  return {
    workspace: context.workspace,
    prewarm: context.values.prewarm === true,
    ...(overrides ? { parameterOverrides: overrides } : {}),
    ...(stage ? { stage } : {}),
  };
}

/** The engine and a workspace deployer over it, image build and pull progress going to the log. */
export async function startDeployer(context: CommandContext): Promise<{ host: FunctionHost; deployer: WorkspaceDeployer }> {
  const host = await startHost(context);
  const deployer = new WorkspaceDeployer(host, deployerOptions(context));
  deployer.on('imageProgress', (p: { image: string; message: string }) => context.log.info(`[image ${p.image}] ${p.message}`));
  return { host, deployer };
}

export const deployCommand: CliCommand = {
  name: 'deploy',
  summary: 'Discover, build and register every function of the workspace, printing what changed and how long each step took',
  usage: 'lambda-dock deploy [--prewarm] [--parameter-overrides K=V,...] [--stage STAGE] [--workspace DIR] [--json]',
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
