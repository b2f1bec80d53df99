import * as vscode from 'vscode';
import { errorMessage } from '../core/errors';
import type { LambdaDockContext } from './context';
import { logReap } from './commands/containers';
import { staleInWorkspaces } from '../core/engine/workspaceContainers';
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
  try {
    const stale = staleInWorkspaces(await host.containers(), folders);
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
    // The same clean-up as the command and `lambda-dock cleanup`: containers, networks and volumes of those sessions.
    logReap(ctx, await host.reapStale({ workspaces: folders }));
    await views.refreshContainers();
  } catch (error) {
    ctx.log.error(`[cleanup] stale cleanup at start failed: ${errorMessage(error)}`, error);
  }
}
