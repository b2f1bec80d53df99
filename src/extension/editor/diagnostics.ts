import * as vscode from 'vscode';
import type { PlainDiagnostic } from './problemDiagnostics';

/** Workspace problems and build failures in the Problems panel, replaced as a whole on every deploy. */
export class Diagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('lambda-dock');

  set(diagnostics: PlainDiagnostic[]): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const d of diagnostics) {
      const range = new vscode.Range(d.line, d.column, d.line, Number.MAX_SAFE_INTEGER);
      const diagnostic = new vscode.Diagnostic(range, d.message, vscode.DiagnosticSeverity.Error);
      diagnostic.source = 'Lambda Dock';
      diagnostic.code = d.code;
      const list = byFile.get(d.file) ?? [];
      list.push(diagnostic);
      byFile.set(d.file, list);
    }
    this.collection.clear();
    for (const [file, list] of byFile) this.collection.set(vscode.Uri.file(file), list);
  }

  dispose(): void {
    this.collection.dispose();
  }
}
