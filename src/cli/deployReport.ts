import type { WorkspaceDeployReport } from '../core/workspace/workspaceDeployer';
import type { CommandContext } from './command';
import { formatProblem } from './startHost';

const ms = (value: number | undefined) => (value === undefined ? '' : `${Math.round(value)} ms`);

/** Prints a deploy or redeploy: what changed and how long each step took (or the report as one JSON line). */
export function printDeployReport(context: CommandContext, report: WorkspaceDeployReport): void {
  if (context.json) {
    context.out(JSON.stringify(report));
    return;
  }
  const { timings } = report;
  const changed = report.functions.filter((f) => f.change !== 'unchanged');
  const head = report.reason === 'watch'
    ? `${report.changedFiles.slice(0, 3).join(', ')}${report.changedFiles.length > 3 ? ` and ${report.changedFiles.length - 3} more` : ''} changed:`
    : `deployed ${report.functions.length} function${report.functions.length === 1 ? '' : 's'} from ${context.workspace}:`;
  context.out(`${head} ${changed.length} redeployed in ${ms(timings.totalMs)} (discover ${ms(timings.discoverMs)}, build ${ms(timings.buildMs)}, engine ${ms(timings.deployMs)}${timings.prewarmMs >= 1 ? `, pre-warm ${ms(timings.prewarmMs)}` : ''})`);
  const width = Math.max(0, ...report.functions.map((f) => f.name.length));
  for (const fn of report.functions) {
    if (report.reason === 'watch' && fn.change === 'unchanged') continue;
    const steps = [
      fn.buildMs !== undefined ? `build ${ms(fn.buildMs)} (${fn.incremental ? 'incremental' : 'cold'})` : '',
      fn.imageBuildMs !== undefined ? `image ${ms(fn.imageBuildMs)}` : '',
      `package ${ms(fn.packageMs)}`,
      fn.prewarmMs !== undefined ? `pre-warm ${ms(fn.prewarmMs)}` : '',
    ].filter(Boolean).join(', ');
    context.out(`  ${fn.name.padEnd(width)}  ${fn.change.padEnd(9)}  ${steps}`);
    if (fn.error) context.out(`    ${fn.error}`);
    for (const warning of fn.warnings ?? []) context.log.warn(warning);
  }
  for (const name of report.removed) context.out(`  ${name.padEnd(width)}  removed`);
  for (const problem of report.problems) context.log.warn(formatProblem(problem, context.workspace));
}
