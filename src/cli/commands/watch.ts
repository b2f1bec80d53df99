import type { WorkspaceDeployReport } from '../../core/workspace/workspaceDeployer';
import { errorMessage } from '../../core/errors';
import { untilInterrupted, type CliCommand } from '../command';
import { printDeployReport } from '../deployReport';
import { DISCOVERY_USAGE, STANDBY_OPTIONS, STANDBY_USAGE, standbyOption } from '../startHost';
import { DEPLOY_OPTIONS, startDeployer } from './deploy';

export const watchCommand: CliCommand = {
  name: 'watch',
  summary: 'Deploy the workspace, then rebuild and redeploy the functions each save affects until interrupted',
  usage: `lambda-dock watch [--prewarm] ${STANDBY_USAGE} ${DISCOVERY_USAGE} [--workspace DIR] [--json]`,
  options: { ...DEPLOY_OPTIONS, ...STANDBY_OPTIONS },
  async run(context) {
    standbyOption(context);
    const { host, deployer } = await startDeployer(context, true);
    deployer.on('deployed', (report: WorkspaceDeployReport) => printDeployReport(context, report));
    deployer.on('error', (error: unknown) => context.log.error('redeploy failed', error));
    try {
      const first = await deployer.watch(context.signal);
      if (first) printDeployReport(context, first);
      if (!context.json) context.out(`watching ${context.workspace} for saves (Ctrl-C to stop)`);
      await untilInterrupted(context.signal);
      return 0;
    } catch (error) {
      if (context.signal.aborted) return 0;
      throw new Error(errorMessage(error), { cause: error });
    } finally {
      await deployer.dispose();
      await host.dispose();
    }
  },
};
