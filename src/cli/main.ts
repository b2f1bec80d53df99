import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { errorMessage, LambdaDockError } from '../core/errors';
import type { Logger } from '../core/log';
import type { CliCommand, CommandContext, OptionSpec } from './command';
import { COMMANDS } from './commands';
import { CLI_ERRORS, cliError } from './errors';

const COMMON_OPTIONS: OptionSpec = {
  workspace: { type: 'string', short: 'w' },
  json: { type: 'boolean' },
  engine: { type: 'string' },
  'aws-runtime-client': { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
};

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: lambda-dock COMMAND [options]',
    '',
    'Run AWS Lambda functions from a workspace in local Docker or Podman containers.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Common options:',
    '  --workspace DIR   the workspace (default: the current folder)',
    '  --json            machine-readable output',
    '  --engine NAME     docker or podman (default: LAMBDA_DOCK_CONTAINER_CLI, else detected)',
    "  --aws-runtime-client  run the official images' own entrypoint and AWS's runtime client",
    "                    (default: Lambda Dock's client on the image's Node.js or Python and AWS SDK)",
    '  --verbose         log what the engine does',
  ].join('\n');
}

function stderrLogger(verbose: boolean): Logger {
  const write = (level: string, message: string) => process.stderr.write(`lambda-dock: ${level}${message}\n`);
  return {
    debug: (m) => verbose && write('', m),
    info: (m) => verbose && write('', m),
    warn: (m) => write('warning: ', m),
    error: (m, e) => write('error: ', e ? `${m}: ${errorMessage(e)}` : m),
  };
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  const command: CliCommand | undefined = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`lambda-dock: unknown command "${name}".\n\n${usage()}\n`);
    return 2;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options: { ...COMMON_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    process.stderr.write(`lambda-dock ${command.name}: ${errorMessage(error)}\nUsage: ${command.usage}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${command.summary}\n\nUsage: ${command.usage}\n`);
    return 0;
  }
  const controller = new AbortController();
  const interrupt = () => controller.abort(cliError(CLI_ERRORS.interrupted, 'interrupted'));
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const context: CommandContext = {
    positionals: parsed.positionals,
    values: parsed.values,
    workspace: path.resolve(typeof parsed.values.workspace === 'string' ? parsed.values.workspace : process.cwd()),
    json: parsed.values.json === true,
    out: (text) => process.stdout.write(`${text}\n`),
    log: stderrLogger(parsed.values.verbose === true),
    signal: controller.signal,
  };
  try {
    return await command.run(context);
  } catch (error) {
    if (controller.signal.aborted) return 130;
    if (error instanceof LambdaDockError) {
      process.stderr.write(`lambda-dock: ${error.message}\n`);
      return error.code === CLI_ERRORS.usage ? 2 : 1;
    }
    process.stderr.write(`lambda-dock: unexpected failure: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
