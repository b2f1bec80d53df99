import * as vscode from 'vscode';
import { statusText, type StatusInput } from './statusText';

/** The status bar item: engine and deploy state, and the time of the last deploy. */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('lambdaDock.status', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'Lambda Dock';
    this.item.command = 'workbench.view.extension.lambda-dock';
  }

  update(input: StatusInput): void {
    const text = statusText(input);
    this.item.text = text.text;
    this.item.tooltip = text.tooltip;
    this.item.backgroundColor = text.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    if (input.engine.kind === 'idle' && !input.last) this.item.hide();
    else this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
