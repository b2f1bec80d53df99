import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import type { Logger } from '../../core/log';
import type { DeployService } from '../workspace/deployService';

/**
 * Run on save: a saved file under a function's code redeploys that function (a template redeploys all).
 * Only while lambdaDock.deployOnSave is on; start() and stop() follow the setting.
 */
export class DeployOnSave implements vscode.Disposable {
  private subscription: vscode.Disposable | undefined;

  constructor(
    private readonly workspace: string,
    private readonly deploys: DeployService,
    private readonly log: Logger,
  ) {}

  get running(): boolean {
    return this.subscription !== undefined;
  }

  start(): void {
    if (this.subscription) return;
    this.subscription = vscode.workspace.onDidSaveTextDocument((document) => {
      if (document.uri.scheme !== 'file') return;
      const file = document.uri.fsPath;
      if (!isInside(file, this.workspace)) return;
      void this.deploys.deployForSave(file).catch((error: unknown) => this.log.error(`redeploying after saving ${file} failed: ${errorMessage(error)}`, error));
    });
    this.log.info('deploy on save is on');
  }

  stop(): void {
    if (!this.subscription) return;
    this.subscription.dispose();
    this.subscription = undefined;
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
