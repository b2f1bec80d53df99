import * as vscode from 'vscode';

export const LOG_SCHEME = 'lambda-dock-logs';

/**
 * Read-only documents for container logs (a TextDocumentContentProvider: VS Code opens them read-only).
 * Each gets its own URI; only the most recent ones are kept in memory.
 */
export class LogDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  private readonly registration: vscode.Disposable;
  private counter = 0;
  readonly onDidChange = this.emitter.event;

  constructor(private readonly keep = 50) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(LOG_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? 'These logs are no longer kept: show them again.';
  }

  /** Stores the text under a new URI (name.md, so Markdown colours it) and opens it beside the editor. */
  async open(name: string, text: string): Promise<vscode.TextEditor> {
    this.counter += 1;
    const uri = vscode.Uri.from({ scheme: LOG_SCHEME, path: `/${this.counter}/${name.replace(/[^\w.-]/g, '_')}.md` });
    this.contents.set(uri.toString(), text);
    while (this.contents.size > this.keep) this.contents.delete(this.contents.keys().next().value as string);
    const document = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
  }

  dispose(): void {
    this.registration.dispose();
    this.emitter.dispose();
    this.contents.clear();
  }
}
