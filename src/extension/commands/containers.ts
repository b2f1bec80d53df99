import * as vscode from 'vscode';
import { EXTENSION_ERRORS, extensionError } from '../errors';
import type { ContainerRecord } from '../model/records';
import type { StaleCleanupReport } from '../engine/containerOps';
import type { LambdaDockContext } from '../context';
import type { Views } from '../views/registerViews';
import { containerOf } from './args';
import { picked, withProgress, type CommandSpec } from './command';
import { plural } from '../views/treeNode';

/** Lambda Dock: Clean Up Stale Instances — removes this workspace's containers left by sessions that are gone. */
export const cleanupStale: CommandSpec = {
  id: 'lambdaDock.cleanupStale',
  title: 'Clean Up Stale Instances',
  async run({ ctx, views }) {
    const folders = ctx.workspaceFolders();
    if (folders.length === 0) ctx.requireWorkspace();
    const ops = await ctx.containerOps();
    const report: StaleCleanupReport = await withProgress('Lambda Dock: removing stale instances', () => ops.cleanupStale(folders));
    ctx.log.info(`[cleanup] removed ${plural(report.removed.length, 'stale container')}${report.removed.length ? `: ${report.removed.join(', ')}` : ''}`);
    for (const failure of report.failed) ctx.log.warn(`[cleanup] could not remove ${failure.name}: ${failure.error}`);
    await views.refreshNow();
    const message = report.removed.length === 0 ? 'No stale instances of this workspace to clean up.' : `Removed ${plural(report.removed.length, 'stale container')}.`;
    if (report.failed.length > 0) void vscode.window.showWarningMessage(`${message} ${report.failed.length} could not be removed: see the log.`);
    else void vscode.window.showInformationMessage(message);
    return report;
  },
};

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
    await (await ctx.containerOps()).stop(container);
    await views.refreshNow();
    return container.id;
  },
};

export const removeContainer: CommandSpec = {
  id: 'lambdaDock.removeContainer',
  title: 'Remove Container',
  async run({ ctx, views }, arg) {
    const container = await pickContainer(ctx, views, arg, () => true);
    await (await ctx.containerOps()).remove(container);
    await views.refreshNow();
    return container.id;
  },
};

export const showContainerLogs: CommandSpec = {
  id: 'lambdaDock.showContainerLogs',
  title: 'Show Container Logs',
  async run({ ctx, views }, arg) {
    const container = await pickContainer(ctx, views, arg, () => true);
    const logs = await (await ctx.containerOps()).logs(container.id);
    const editor = await ctx.logDocuments.open(`${container.name}-logs`, `# Logs of ${container.name}\n\n\`\`\`\`text\n${logs.trimEnd() || '(no output)'}\n\`\`\`\`\n`);
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
