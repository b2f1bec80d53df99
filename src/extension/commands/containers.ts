import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { EXTENSION_ERRORS, extensionError } from '../errors';
import type { ContainerRecord } from '../model/records';
import type { StaleReport } from '../../core/engine/backend';
import type { LambdaDockContext } from '../context';
import type { Views } from '../views/registerViews';
import { containerOf } from './args';
import { picked, withProgress, type CommandSpec } from './command';
import { plural } from '../views/treeNode';

/**
 * Lambda Dock: Clean Up Stale Instances — removes what this workspace's ended sessions left (containers,
 * networks, volumes), through core's reapStale as `lambda-dock cleanup` does; other workspaces' are left.
 */
export const cleanupStale: CommandSpec = {
  id: 'lambdaDock.cleanupStale',
  title: 'Clean Up Stale Instances',
  async run({ ctx, views }) {
    const folders = ctx.workspaceFolders();
    if (folders.length === 0) ctx.requireWorkspace();
    const host = await ctx.ensureHost();
    const report: StaleReport = await withProgress('Lambda Dock: removing stale instances', () => host.reapStale({ workspaces: folders }));
    logReap(ctx, report);
    await views.refreshNow();
    const message = report.containers.length === 0 ? 'No stale instances of this workspace to clean up.' : `Removed ${plural(report.containers.length, 'stale container')}.`;
    void vscode.window.showInformationMessage(message);
    return report;
  },
};

export function logReap(ctx: LambdaDockContext, report: StaleReport): void {
  const removed = [...report.containers, ...report.networks, ...report.volumes];
  ctx.log.info(`[cleanup] removed ${plural(report.containers.length, 'stale container')}, ${plural(report.networks.length, 'network')}, ${plural(report.volumes.length, 'volume')}${removed.length ? `: ${removed.join(', ')}` : ''}`);
}

/** The Containers view's toggle: other workspaces' containers shown or not. */
export const showOtherWorkspaces: CommandSpec = {
  id: 'lambdaDock.showOtherWorkspaces',
  title: 'Show Other Workspaces\' Containers',
  async run({ ctx, views }) {
    await setShowOthers(ctx, views, true);
  },
};

export const hideOtherWorkspaces: CommandSpec = {
  id: 'lambdaDock.hideOtherWorkspaces',
  title: 'Hide Other Workspaces\' Containers',
  async run({ ctx, views }) {
    await setShowOthers(ctx, views, false);
  },
};

async function setShowOthers(ctx: LambdaDockContext, views: Views, show: boolean): Promise<void> {
  await vscode.commands.executeCommand('setContext', 'lambdaDock.showOtherWorkspaces', show);
  ctx.containers.setShowOtherWorkspaces(show);
  await views.refreshContainers();
}

export const stopContainer: CommandSpec = {
  id: 'lambdaDock.stopContainer',
  title: 'Stop Container',
  async run({ ctx, views }, arg) {
    const container = await pickContainer(ctx, views, arg, (c) => c.state === 'running');
    await (await ctx.ensureHost()).stopContainer(container.id);
    await views.refreshNow();
    return container.id;
  },
};

export const removeContainer: CommandSpec = {
  id: 'lambdaDock.removeContainer',
  title: 'Remove Container',
  async run({ ctx, views }, arg) {
    const container = await pickContainer(ctx, views, arg, () => true);
    await (await ctx.ensureHost()).removeContainer(container.id);
    await views.refreshNow();
    return container.id;
  },
};

export const showContainerLogs: CommandSpec = {
  id: 'lambdaDock.showContainerLogs',
  title: 'Show Container Logs',
  async run({ ctx, views }, arg) {
    const container = await pickContainer(ctx, views, arg, () => true);
    const host = await ctx.ensureHost();
    // Followed live until the document is closed or the container stops.
    const follow = ctx.logDocuments.follow(`${container.name}.log`);
    void host
      .containerLogs(container.id, { tail: 1000, follow: true, signal: follow.signal }, (text) => follow.append(text))
      .then(() => follow.append(follow.signal.aborted ? '' : '\n(the container stopped)\n'))
      .catch((error: unknown) => follow.append(`\n(the log could not be read: ${errorMessage(error)})\n`));
    const editor = await follow.show();
    return editor.document.uri.toString();
  },
};

async function pickContainer(ctx: LambdaDockContext, views: Views, arg: unknown, filter: (c: ContainerRecord) => boolean): Promise<ContainerRecord> {
  const given = containerOf(arg);
  if (given && typeof given !== 'string') return given;
  const id = given;
  if (id) {
    const known = ctx.containers.container(id);
    if (known) return known;
    await views.refreshContainers();
    const found = ctx.containers.container(id) ?? ctx.containers.snapshot.containers.find((c) => c.id.startsWith(id) || c.name === id);
    if (!found) throw extensionError(EXTENSION_ERRORS.notFound, `No Lambda Dock container ${id}: it may be gone already.`);
    return found;
  }
  await ctx.ensureHost();
  await views.refreshContainers();
  const candidates = ctx.containers.snapshot.containers.filter(filter);
  if (candidates.length === 0) throw extensionError(EXTENSION_ERRORS.nothingToChoose, 'No Lambda Dock containers to choose from.');
  const choice = await vscode.window.showQuickPick(
    candidates.map((c) => ({ label: c.name, description: `${c.functionName} · ${c.state}${c.stale ? ' · stale' : ''}`, container: c })),
    { placeHolder: 'The container' },
  );
  return picked(choice).container;
}
