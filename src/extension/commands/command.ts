import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import type { LambdaDockContext } from '../context';
import type { Views } from '../views/registerViews';

/** What every command gets: the context that owns the services, and the views. */
export interface CommandEnv {
  ctx: LambdaDockContext;
  views: Views;
}

export interface CommandSpec {
  id: string;
  /** The title used in failure messages ("Invoke Function failed: ..."). */
  title: string;
  run(env: CommandEnv, ...args: unknown[]): Promise<unknown> | unknown;
}

/** Thrown when the user dismisses a quick pick or an input box: the command stops silently. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

export function isCancellation(error: unknown): boolean {
  return error instanceof Cancelled || error instanceof vscode.CancellationError || (error instanceof Error && error.name === 'AbortError');
}

/** A value the user picked or typed, or Cancelled when they dismissed the prompt. */
export function picked<T>(value: T | undefined): T {
  if (value === undefined) throw new Cancelled();
  return value;
}

/**
 * Registers the table of commands, each wrapped once: a failure is logged with its stack and shown as one
 * message with "Show Log"; a cancellation is silent. The command's result is returned to the caller.
 */
export function registerCommandTable(env: CommandEnv, specs: CommandSpec[]): void {
  for (const spec of specs) {
    env.ctx.own(
      vscode.commands.registerCommand(spec.id, async (...args: unknown[]) => {
        try {
          return await spec.run(env, ...args);
        } catch (error) {
          if (isCancellation(error)) return undefined;
          env.ctx.log.error(`[commands] ${spec.title} failed: ${errorMessage(error)}`, error);
          void vscode.window.showErrorMessage(`${spec.title}: ${errorMessage(error)}`, 'Show Log').then((choice) => {
            if (choice) env.ctx.showLog();
          });
          return undefined;
        }
      }),
    );
  }
}

/** Runs long work with a notification that can be cancelled. */
export function withProgress<T>(title: string, work: (signal: AbortSignal) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (_progress, token) => {
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    try {
      return await work(controller.signal);
    } finally {
      subscription.dispose();
    }
  });
}
