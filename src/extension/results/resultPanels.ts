import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import type { Logger } from '../../core/log';
import { resultHtml, type ResultMessage } from './resultHtml';
import type { ResultModel } from './resultModel';

/** What the result view's actions run: the command ids, so the views and the palette stay one way in. */
export const RESULT_ACTIONS = {
  invokeAgain: 'lambdaDock.invokeFunction',
  debug: 'lambdaDock.debugFunction',
  savePayload: 'lambdaDock.savePayloadAsEvent',
  showLogs: 'lambdaDock.showFunctionLogs',
} as const;

interface Shown {
  panel: vscode.WebviewPanel;
  model: ResultModel;
}

/**
 * One result panel per function, beside the editor, reused (and revealed) for the function's next result;
 * closing it forgets it. Its buttons run the extension's commands with the shown invocation's payload.
 */
export class ResultPanels implements vscode.Disposable {
  private readonly shown = new Map<string, Shown>();

  constructor(
    private readonly log: Logger,
    private readonly icon: vscode.Uri,
  ) {}

  show(model: ResultModel): vscode.WebviewPanel {
    let entry = this.shown.get(model.functionName);
    if (!entry) {
      // Beside the editor: in a window with no editor open, Beside would be the first group itself.
      const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Two;
      const panel = vscode.window.createWebviewPanel('lambdaDock.result', `Result: ${model.functionName}`, { viewColumn: column, preserveFocus: true }, {
        enableScripts: true,
        enableFindWidget: true,
        retainContextWhenHidden: false,
        localResourceRoots: [],
      });
      panel.iconPath = this.icon;
      const created: Shown = { panel, model };
      entry = created;
      this.shown.set(model.functionName, created);
      panel.onDidDispose(() => {
        if (this.shown.get(model.functionName) === created) this.shown.delete(model.functionName);
      });
      panel.webview.onDidReceiveMessage((message: ResultMessage) => void this.onMessage(created, message));
    } else {
      entry.model = model;
      entry.panel.reveal(entry.panel.viewColumn ?? vscode.ViewColumn.Beside, true);
    }
    entry.panel.webview.html = resultHtml(model, randomBytes(16).toString('base64'), entry.panel.webview.cspSource);
    return entry.panel;
  }

  /** The model and page a function's panel shows now, if it is open. */
  current(functionName: string): { model: ResultModel; html: string; visible: boolean } | undefined {
    const entry = this.shown.get(functionName);
    return entry && { model: entry.model, html: entry.panel.webview.html, visible: entry.panel.visible };
  }

  /** Runs what a button or link of the function's panel asks for, as a click would. */
  async act(functionName: string, message: ResultMessage): Promise<unknown> {
    const entry = this.shown.get(functionName);
    if (!entry) throw new Error(`no result panel of ${functionName} is open`);
    return this.onMessage(entry, message);
  }

  dispose(): void {
    for (const { panel } of [...this.shown.values()]) panel.dispose();
    this.shown.clear();
  }

  private async onMessage(entry: Shown, message: ResultMessage): Promise<unknown> {
    const { functionName, payload } = entry.model;
    try {
      switch (message.command) {
        case 'invokeAgain':
          return await vscode.commands.executeCommand(RESULT_ACTIONS.invokeAgain, functionName, payload);
        case 'debug':
          if (!(await vscode.commands.getCommands(true)).includes(RESULT_ACTIONS.debug)) {
            void vscode.window.showWarningMessage('Debugging functions is not available in this build of Lambda Dock.');
            return undefined;
          }
          return await vscode.commands.executeCommand(RESULT_ACTIONS.debug, functionName, payload);
        case 'savePayload':
          return await vscode.commands.executeCommand(RESULT_ACTIONS.savePayload, message.name, { functionName, payload });
        case 'showLogs':
          return await vscode.commands.executeCommand(RESULT_ACTIONS.showLogs, functionName);
        case 'open': {
          const position = new vscode.Position(Math.max(0, message.line - 1), Math.max(0, message.column - 1));
          const document = await vscode.workspace.openTextDocument(vscode.Uri.file(message.file));
          // In another group than the panel's, so the result stays in view beside the source.
          const column = entry.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
          await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position), viewColumn: column });
          return message.file;
        }
      }
    } catch (error) {
      this.log.error(`[results] ${message.command} failed: ${errorMessage(error)}`, error);
      void vscode.window.showErrorMessage(`Lambda Dock: ${errorMessage(error)}`);
    }
    return undefined;
  }
}
