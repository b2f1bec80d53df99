import * as vscode from 'vscode';
import type { LambdaDockContext } from '../context';
import { handlerLocation } from '../invoke/handlerLocation';

/** "Invoke | Debug" above each handler's export, in the handler's own source file (the .ts before a build). */
export class HandlerCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: { dispose(): void };

  constructor(private readonly ctx: LambdaDockContext) {
    this.subscription = ctx.deploys.onDidChange(() => this.changed.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const lenses: vscode.CodeLens[] = [];
    for (const definition of this.ctx.deploys.definitions) {
      if (definition.image || !definition.runtime?.startsWith('nodejs')) continue;
      const location = handlerLocation(definition);
      if (location.file !== document.uri.fsPath) continue;
      const range = new vscode.Range(location.line, 0, location.line, 0);
      lenses.push(
        new vscode.CodeLens(range, { title: 'Invoke', tooltip: `Invoke ${definition.name}`, command: 'lambdaDock.invokeFunction', arguments: [definition.name] }),
        new vscode.CodeLens(range, { title: 'Debug', tooltip: `Debug ${definition.name}: stop at its breakpoints`, command: 'lambdaDock.debugFunction', arguments: [definition.name] }),
      );
    }
    return lenses;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
