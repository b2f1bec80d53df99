import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import type { Logger } from '../../core/log';
import { WorkspaceWatcher } from '../../core/workspace/workspaceWatcher';
import type { DeployService } from '../workspace/deployService';

/**
 * Run on save: a file changed under a function's code redeploys that function (a template redeploys all),
 * whether the editor saved it or something else wrote it (git checkout, a formatter, npm install): core's
 * WorkspaceWatcher reports what changed on disk. Only while lambdaDock.deployOnSave is on; start() and
 * stop() follow the setting.
 */
export class DeployOnSave implements vscode.Disposable {
  private watcher: WorkspaceWatcher | undefined;

  constructor(
    private readonly workspace: string,
    private readonly deploys: DeployService,
    private readonly log: Logger,
  ) {}

  get running(): boolean {
    return this.watcher !== undefined;
  }

  start(): void {
    if (this.watcher || !this.workspace) return;
    const watcher = new WorkspaceWatcher(this.workspace, { debounceMs: 50 });
    this.watcher = watcher;
    watcher.on('changes', (files: string[]) => {
      const inside = files.filter((file) => isInside(file, this.workspace));
      if (inside.length === 0) return;
      void this.deploys.deployForChanges(inside).catch((error: unknown) => this.log.error(`redeploying after changes to ${inside.join(', ')} failed: ${errorMessage(error)}`, error));
    });
    watcher.on('error', (error: unknown) => this.log.warn(`watching ${this.workspace} for changes: ${errorMessage(error)}`));
    void watcher.start().catch((error: unknown) => this.log.error(`watching ${this.workspace} for changes failed`, error));
    this.log.info('deploy on save is on');
  }

  stop(): void {
    if (!this.watcher) return;
    this.watcher.dispose();
    this.watcher = undefined;
    this.log.info('deploy on save is off');
  }

  dispose(): void {
    this.stop();
  }
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
