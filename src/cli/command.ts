import type { ParseArgsConfig } from 'node:util';
import type { Logger } from '../core/log';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** What every command gets: its parsed arguments, where to write, and the common options. */
export interface CommandContext {
  positionals: string[];
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  workspace: string;
  json: boolean;
  out: (text: string) => void;
  log: Logger;
  /** Aborted on Ctrl-C / SIGTERM: long-running commands stop and clean up. */
  signal: AbortSignal;
}

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  options?: OptionSpec;
  /** Resolves with the process exit code. */
  run(context: CommandContext): Promise<number>;
}

export function stringOption(context: CommandContext, name: string): string | undefined {
  const value = context.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** Settles with the promise, or rejects as soon as the command is interrupted (so cleanup runs at once). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Resolves when the command is interrupted (Ctrl-C, SIGTERM): how long-running commands wait. */
export function untilInterrupted(signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
