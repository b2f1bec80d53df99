import * as vscode from 'vscode';

export const LOG_SCHEME = 'lambda-dock-logs';

/** A log document being written: append as the log grows; the signal aborts when the document is closed. */
export interface FollowedLog {
  readonly uri: vscode.Uri;
  readonly signal: AbortSignal;
  append(text: string): void;
  /** Opens the document beside the editor (read-only). */
  show(): Thenable<vscode.TextEditor>;
}

/**
 * Read-only documents for container logs that follow the log live (a TextDocumentContentProvider whose
 * content grows; VS Code re-reads it on onDidChange). Closing a document stops following it; only the most
 * recent ones are kept in memory.
 */
export class LogDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly followers = new Map<string, AbortController>();
  private readonly pending = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  private readonly subscriptions: vscode.Disposable[];
  private counter = 0;
  readonly onDidChange = this.emitter.event;

  constructor(private readonly keep = 20) {
    this.subscriptions = [
      vscode.workspace.registerTextDocumentContentProvider(LOG_SCHEME, this),
      vscode.workspace.onDidCloseTextDocument((document) => this.stop(document.uri.toString())),
    ];
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? 'This log is no longer kept: show it again.';
  }

  /** A finished document (an HTTP exchange): the text under a new URI (name.md, so Markdown colours it), shown beside. */
  open(name: string, text: string): Thenable<vscode.TextEditor> {
    const log = this.follow(`${name}.md`);
    log.append(text);
    this.stop(log.uri.toString());
    return log.show();
  }

  follow(name: string): FollowedLog {
    this.counter += 1;
    const uri = vscode.Uri.from({ scheme: LOG_SCHEME, path: `/${this.counter}/${name.replace(/[^\w.-]/g, '_')}` });
    const key = uri.toString();
    const controller = new AbortController();
    this.contents.set(key, '');
    this.followers.set(key, controller);
    while (this.contents.size > this.keep) this.stop(this.contents.keys().next().value as string, true);
    return {
      uri,
      signal: controller.signal,
      append: (text) => {
        if (!this.contents.has(key) || !text) return;
        this.contents.set(key, this.contents.get(key) + text);
        this.changed(key);
      },
      show: async () => {
        const document = await vscode.workspace.openTextDocument(uri);
        return vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
      },
    };
  }

  dispose(): void {
    for (const key of [...this.followers.keys()]) this.stop(key);
    clearTimeout(this.flushTimer);
    for (const subscription of this.subscriptions) subscription.dispose();
    this.emitter.dispose();
    this.contents.clear();
  }

  /** Changes are told to VS Code together, so a chatty container does not make it re-read per line. */
  private changed(key: string): void {
    this.pending.add(key);
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      for (const changed of this.pending) this.emitter.fire(vscode.Uri.parse(changed));
      this.pending.clear();
    }, 50);
  }

  private stop(key: string, forget = false): void {
    this.followers.get(key)?.abort();
    this.followers.delete(key);
    if (forget) this.contents.delete(key);
  }
}
