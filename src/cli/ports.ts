import { stringOption, type CommandContext } from './command';
import { CLI_ERRORS, cliError } from './errors';

/** The Invoke API's port when --port is not given. */
export const DEFAULT_INVOKE_API_PORT = 3001;
/** The HTTP APIs' port when --api-port is not given. */
export const DEFAULT_API_PORT = 3000;

/** A port option: a number from 0 to 65535 (0: a free one), or `fallback` when not given. */
export function portOption(context: CommandContext, name: string, fallback: number): number;
export function portOption(context: CommandContext, name: string): number | undefined;
export function portOption(context: CommandContext, name: string, fallback?: number): number | undefined {
  const raw = stringOption(context, name);
  if (raw === undefined) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw cliError(CLI_ERRORS.usage, `--${name} ${raw} is not a port: give a number from 0 to 65535 (0 picks a free one)`);
  }
  return port;
}
