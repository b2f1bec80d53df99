import * as vscode from 'vscode';
import { errorMessage, isLambdaDockError } from '../../core/errors';
import { ENGINE_ERRORS } from '../../core/engine/errors';
import { EXTENSION_ERRORS } from '../errors';
import type { LambdaDockContext } from '../context';
import type { Views } from '../views/registerViews';
import { untilDoneOrCancelled } from '../util/untilDoneOrCancelled';

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
 * Registers the table of commands, each wrapped once: a failure is shown as one message with the action that
 * fixes it (Select Engine..., Manage Workspace Trust) and "Show Log"; it is logged in one line when it is a
 * condition the user can act on (a LambdaDockError), with its stack otherwise. A cancellation is silent.
 * The command's result is returned to the caller.
 */
export function registerCommandTable(env: CommandEnv, specs: CommandSpec[]): void {
  for (const spec of specs) {
    env.ctx.own(
      vscode.commands.registerCommand(spec.id, async (...args: unknown[]) => {
        try {
          return await spec.run(env, ...args);
        } catch (error) {
          if (isCancellation(error)) return undefined;
          reportFailure(env, spec.title, error);
          return undefined;
        }
      }),
    );
  }
}

/** The one message a failed command shows, with the action that fixes it first. */
export function reportFailure(env: CommandEnv, title: string, error: unknown): void {
  if (isLambdaDockError(error)) env.ctx.log.warn(`[commands] ${title}: ${errorMessage(error)}`);
  else env.ctx.log.error(`[commands] ${title} failed: ${errorMessage(error)}`, error);
  const fix = fixFor(error);
  const actions = fix ? [fix.label, 'Show Log'] : ['Show Log'];
  void vscode.window.showErrorMessage(`${title}: ${errorMessage(error)}`, ...actions).then((choice) => {
    if (choice === 'Show Log') env.ctx.showLog();
    else if (choice && fix) void vscode.commands.executeCommand(fix.command);
  });
}

const ENGINE_CODES: ReadonlySet<string> = new Set([ENGINE_ERRORS.notFound, ENGINE_ERRORS.notRunning, ENGINE_ERRORS.badChoice]);

function fixFor(error: unknown): { label: string; command: string } | undefined {
  if (!isLambdaDockError(error)) return undefined;
  if (ENGINE_CODES.has(error.code)) return { label: 'Select Engine...', command: 'lambdaDock.selectEngine' };
  if (error.code === EXTENSION_ERRORS.untrusted) return { label: 'Manage Workspace Trust', command: 'workbench.trust.manage' };
  return undefined;
}

/**
 * Runs long work with a notification that can be cancelled. The notification ends when the work ends, by
 * success or failure, or at once when the user cancels (the work's signal is aborted; the command ends silently).
 * Every progress notification of the extension goes through here.
 */
export function withProgress<T>(title: string, work: (signal: AbortSignal) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) =>
    untilDoneOrCancelled(work, (listener) => token.onCancellationRequested(listener)),
  );
}
