import * as vscode from 'vscode';

/** One output channel per function ("Lambda Dock: HelloFunction") for what the function writes. */
export class FunctionOutputs implements vscode.Disposable {
  private readonly channels = new Map<string, vscode.OutputChannel>();

  channel(functionName: string): vscode.OutputChannel {
    let channel = this.channels.get(functionName);
    if (!channel) {
      channel = vscode.window.createOutputChannel(`Lambda Dock: ${functionName}`);
      this.channels.set(functionName, channel);
    }
    return channel;
  }

  /** Appends a piece of the function's log as it arrives (pieces need not end a line). */
  append(functionName: string, text: string): void {
    if (!text) return;
    this.channel(functionName).append(text);
  }

  show(functionName: string): void {
    this.channel(functionName).show(true);
  }

  dispose(): void {
    for (const channel of this.channels.values()) channel.dispose();
    this.channels.clear();
  }
}
