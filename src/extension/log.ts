import * as vscode from 'vscode';
import { tagged, type Logger } from '../core/log';

/** The extension's one log channel ("Lambda Dock", a LogOutputChannel); components tag their lines. */
export class ExtensionLog implements Logger, vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor() {
    this.channel = vscode.window.createOutputChannel('Lambda Dock', { log: true });
  }

  component(tag: string): Logger {
    return tagged(this, tag);
  }

  debug(message: string): void {
    this.channel.debug(message);
  }

  info(message: string): void {
    this.channel.info(message);
  }

  warn(message: string): void {
    this.channel.warn(message);
  }

  error(message: string, error?: unknown): void {
    if (error instanceof Error) this.channel.error(`${message}\n${error.stack ?? error.message}`);
    else if (error !== undefined) this.channel.error(`${message}: ${String(error)}`);
    else this.channel.error(message);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
