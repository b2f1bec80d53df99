import { launchJsonConfiguration } from '../core/debug/attachConfiguration';
import type { DebugOptions, DebugTarget } from '../core/debug/debugTarget';
import type { LambdaDockError } from '../core/errors';
import type { FunctionDefinition } from '../core/functions/definition';
import type { CommandContext } from './command';
import { portOption } from './ports';
import { CLI_ERRORS, cliError } from './errors';

/** --debug-port PORT: the invocation waits for a debugger on 127.0.0.1:PORT (0: a free port, printed). */
export function debugOptionsOf(context: CommandContext): { port: number } | undefined {
  const port = portOption(context, 'debug-port');
  return port === undefined ? undefined : { port };
}

/**
 * How to attach, on stderr (stdout stays the command's result): the inspector's ws:// URL for any
 * inspector-protocol client, and a launch.json configuration for VS Code.
 */
export function printDebugTarget(target: DebugTarget, definition: FunctionDefinition | undefined, write: (text: string) => void = (text) => process.stderr.write(text)): void {
  const configuration = launchJsonConfiguration(target, definition, `Attach to ${target.functionName} (Lambda Dock)`);
  const snippet = JSON.stringify(configuration, null, 2).split('\n').map((line) => `    ${line}`).join('\n');
  write(
    `${target.functionName} waits for a debugger on ${target.address}:${target.port}; the handler runs once one attaches.\n` +
      `  Inspector: ${target.webSocketUrl}\n` +
      '  Chrome: chrome://inspect, then Configure... and add ' + `${target.address}:${target.port}\n` +
      `  VS Code (launch.json "configurations"):\n${snippet}\n`,
  );
}

/** The debug options of one invocation run from the command line: announce the target as it listens. */
export function debugInvokeOptions(port: number, definition: FunctionDefinition | undefined): DebugOptions {
  return { port, onTarget: (target) => printDebugTarget(target, definition) };
}

export function debugNeedsOneFunction(): LambdaDockError {
  return cliError(CLI_ERRORS.usage, '--debug-port debugs one invocation: name one function (lambda-dock invoke FUNCTION --debug-port PORT), not --all.');
}
