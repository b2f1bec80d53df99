import * as vscode from 'vscode';
import { errorMessage } from '../core/errors';
import type { LambdaDockContext } from './context';
import { ContainerOps } from './engine/containerOps';
import type { EngineHost } from './engine/engineHost';
import type { Views } from './views/registerViews';
import { plural } from './views/treeNode';

/**
 * When the engine first starts in this window: stale instances of this workspace (left by sessions that
 * are gone) are removed, asked about, or left, as lambdaDock.cleanupStaleOnStart says.
 */
export function registerStaleCleanupOnStart(ctx: LambdaDockContext, views: Views): void {
  ctx.own(ctx.hosts.onDidStart((host) => void cleanupOnStart(ctx, views, host)));
}

async function cleanupOnStart(ctx: LambdaDockContext, views: Views, host: EngineHost): Promise<void> {
  const choice = ctx.settings.current.cleanupStaleOnStart;
  if (choice === 'never') return;
  const folders = ctx.workspaceFolders();
  const ops = new ContainerOps(host);
  try {
    const stale = await ops.staleIn(folders);
    if (stale.length === 0) return;
    if (choice === 'ask') {
      const answer = await vscode.window.showInformationMessage(
        `Lambda Dock found ${plural(stale.length, 'container')} of this workspace left by editor sessions that ended. Remove them?`,
        'Remove',
        'Always',
        'Never',
      );
      if (answer === 'Always') await ctx.settings.update('cleanupStaleOnStart', 'always');
      if (answer === 'Never') await ctx.settings.update('cleanupStaleOnStart', 'never');
      if (answer !== 'Remove' && answer !== 'Always') return;
    }
    // 'always' removes what it just listed; 'ask' lists again, as the answer may have taken a while.
    const report = choice === 'ask' ? await ops.cleanupStale(folders) : await ops.removeStale(stale);
    ctx.log.info(`[cleanup] at start: removed ${plural(report.removed.length, 'stale container')}`);
    for (const failure of report.failed) ctx.log.warn(`[cleanup] could not remove ${failure.name}: ${failure.error}`);
    await views.refreshContainers();
  } catch (error) {
    ctx.log.error(`[cleanup] stale cleanup at start failed: ${errorMessage(error)}`, error);
  }
}
