import type { CliCommand } from '../command';
import { startHost } from '../startHost';

export const cleanupCommand: CliCommand = {
  name: 'cleanup',
  summary: 'Remove containers, networks and volumes that ended Lambda Dock sessions left behind',
  usage: 'lambda-dock cleanup [--json]',
  async run(context) {
    // Stale containers live in an engine: with none reachable there is nothing to clean, so no process fallback.
    const host = await startHost(context, { fallbackToProcess: false });
    try {
      const report = await host.reapStale();
      if (context.json) context.out(JSON.stringify(report, null, 2));
      else {
        const total = report.containers.length + report.networks.length + report.volumes.length;
        if (total === 0) context.out('Nothing stale: every Lambda Dock container belongs to a running session.');
        for (const name of report.containers) context.out(`removed container ${name}`);
        for (const name of report.networks) context.out(`removed network ${name}`);
        for (const name of report.volumes) context.out(`removed volume ${name}`);
      }
      return 0;
    } finally {
      await host.dispose();
    }
  },
};
