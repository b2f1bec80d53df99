import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

/**
 * Payloads opened in an editor to change before sending: a template or typed JSON in a draft file of the
 * extension's workspace storage (one per function, kept between uses), a saved event or events/<F>.json as
 * the file itself. The editor's title offers "Invoke" while a draft is the active editor
 * (context key lambdaDock.payloadDraft).
 */
export class PayloadDrafts implements vscode.Disposable {
  /** Open draft documents (by URI) and the function each one is for. */
  private readonly drafts = new Map<string, string>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly storageDir: string) {
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor((editor) => void this.updateContext(editor)),
      vscode.workspace.onDidCloseTextDocument((document) => {
        this.drafts.delete(document.uri.toString());
      }),
    );
  }

  /** Opens `text` in the function's draft file (replacing what it held), or `file` itself, for editing. */
  async open(functionName: string, source: { text: string } | { file: string }): Promise<vscode.TextEditor> {
    let uri: vscode.Uri;
    let text: string | undefined;
    if ('file' in source) uri = vscode.Uri.file(source.file);
    else {
      const file = path.join(this.storageDir, 'payloads', `${functionName.replace(/[^\w.-]/g, '_')}.json`);
      text = source.text.endsWith('\n') ? source.text : `${source.text}\n`;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      uri = vscode.Uri.file(file);
      if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) fs.writeFileSync(file, text);
    }
    this.drafts.set(uri.toString(), functionName);
    const document = await vscode.workspace.openTextDocument(uri);
    if (text !== undefined && document.getText() !== text) {
      // The draft is open already: replace its text in the editor, as a user's edit (undo works).
      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), text);
      await vscode.workspace.applyEdit(edit);
      await document.save();
    }
    const editor = await vscode.window.showTextDocument(document, { preview: false });
    await this.updateContext(editor);
    return editor;
  }

  /** The function the document is a draft for, if it is one. */
  functionOf(document: vscode.TextDocument): string | undefined {
    return this.drafts.get(document.uri.toString());
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.drafts.clear();
  }

  private async updateContext(editor: vscode.TextEditor | undefined): Promise<void> {
    const draftFor = editor ? this.functionOf(editor.document) : undefined;
    await vscode.commands.executeCommand('setContext', 'lambdaDock.payloadDraft', draftFor !== undefined);
  }
}
