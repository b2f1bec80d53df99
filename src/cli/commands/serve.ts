import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvokeApiServer } from '../../core/api/server';
import { errorMessage, LambdaDockError } from '../../core/errors';
import type { FunctionDefinition } from '../../core/functions/definition';
import type { FunctionHost } from '../../core/runtime/functionHost';
import { stringOption, untilAborted, type CliCommand, type CommandContext } from '../command';
import { discover, startHost } from '../startHost';

const DEFAULT_PORT = 3001;
const REDEPLOY_DEBOUNCE_MS = 300;
const IGNORED_DIRS = new Set(['node_modules', '.git', 'dist', '.aws-sam', '.serverless']);

function portOption(context: CommandContext, name: string, fallback: number): number {
  const raw = stringOption(context, name);
  if (raw === undefined) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new LambdaDockError('USAGE', `--${name} ${raw} is not a port: give a number from 0 to 65535 (0 picks a free one)`);
  }
  return port;
}

/**
 * Registers the workspace's functions and reports what changed. One function at a time: FunctionHost packages
 * a deploy's functions in parallel, and functions sharing a CodeUri then race into one content-cache entry.
 */
async function deployAll(host: FunctionHost, functions: FunctionDefinition[]): Promise<string[]> {
  const changes: string[] = [];
  for (const fn of functions) {
    const report = await host.deploy([fn], { removeMissing: false });
    for (const f of report.functions) if (f.change !== 'unchanged') changes.push(`${f.name} (${f.change})`);
  }
  const report = await host.deploy(functions);
  return [...changes, ...report.removed.map((name) => `${name} (removed)`)];
}

function describe(server: InvokeApiServer, host: FunctionHost): { endpoint: string; functions: string[]; functionUrls: Record<string, string> } {
  const functionUrls: Record<string, string> = {};
  for (const { functionName, url } of server.functionUrls.all()) functionUrls[functionName] = url;
  return { endpoint: server.endpoint, functions: host.functions().map((fn) => fn.name), functionUrls };
}

function printUrls(context: CommandContext, server: InvokeApiServer): void {
  const urls = server.functionUrls.all();
  if (urls.length === 0) return;
  context.out('Function URLs:');
  const width = Math.max(...urls.map((u) => u.functionName.length));
  for (const { functionName, url } of urls) context.out(`  ${functionName.padEnd(width)}  ${url}`);
}

/** Redeploys on a save under the workspace, debounced, until the signal stops it. */
function watchWorkspace(context: CommandContext, onChange: () => Promise<void>): fs.FSWatcher {
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const watcher = fs.watch(context.workspace, { recursive: true }, (_event, file) => {
    const first = file ? String(file).split(path.sep)[0] : '';
    if (IGNORED_DIRS.has(first)) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      running = running.then(onChange).catch((error: unknown) => context.log.error('redeploy failed', error));
    }, REDEPLOY_DEBOUNCE_MS);
  });
  watcher.on('close', () => clearTimeout(timer));
  return watcher;
}

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Serve the Lambda Invoke API on 127.0.0.1 for the AWS SDK and CLI, with Function URLs; redeploys on save',
  usage:
    'lambda-dock serve [--port N] [--function-url-port N] [--no-watch] [--workspace DIR] [--json]\n' +
    `       (--port defaults to ${DEFAULT_PORT}; Function URLs take the ports after it; 0 picks free ports)`,
  options: {
    port: { type: 'string', short: 'p' },
    'function-url-port': { type: 'string' },
    'no-watch': { type: 'boolean' },
  },
  async run(context) {
    const port = portOption(context, 'port', DEFAULT_PORT);
    const functionUrlBasePort = portOption(context, 'function-url-port', port === 0 ? 0 : port + 1);
    const { functions } = await discover(context);
    const host = await startHost(context);
    const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
    const server = new InvokeApiServer({
      invoker: host,
      port,
      functionUrlBasePort,
      scope: { region, accountId: '000000000000' },
      log: (message) => context.log.warn(message),
    });
    const settled = server.onAsyncInvocationSettled((outcome) => {
      if (outcome.failure) context.log.warn(`Event invocation of ${outcome.functionName} could not run: ${outcome.failure}`);
      else if (outcome.result?.status === 'error') {
        context.log.warn(`Event invocation of ${outcome.functionName} failed after ${outcome.attempts} attempts: ${outcome.result.error?.errorMessage ?? ''}`);
      }
    });
    let watcher: fs.FSWatcher | undefined;
    try {
      await untilAborted(deployAll(host, functions), context.signal);
      await untilAborted(server.start(), context.signal);
      const state = describe(server, host);
      if (context.json) {
        context.out(JSON.stringify(state));
      } else {
        context.out(`Invoke API: ${state.endpoint}`);
        context.out(`  aws lambda invoke --endpoint-url ${state.endpoint} --function-name NAME out.json`);
        context.out(`  new LambdaClient({ endpoint: '${state.endpoint}' })`);
        context.out(`Functions: ${state.functions.length > 0 ? state.functions.join(', ') : 'none yet'}`);
        printUrls(context, server);
      }
      if (context.values['no-watch'] !== true) {
        watcher = watchWorkspace(context, async () => {
          const next = await discover(context);
          const changes = await deployAll(host, next.functions);
          await server.refresh();
          if (changes.length === 0) return;
          if (context.json) context.out(JSON.stringify({ redeployed: changes, ...describe(server, host) }));
          else {
            context.out(`Redeployed: ${changes.join(', ')}`);
            printUrls(context, server);
          }
        });
        if (!context.json) context.out(`Watching ${context.workspace} for saves; Ctrl-C stops.`);
      } else if (!context.json) {
        context.out('Ctrl-C stops.');
      }
      await new Promise<void>((resolve) => {
        if (context.signal.aborted) resolve();
        context.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      return 0;
    } catch (error) {
      if (context.signal.aborted) return 0;
      throw error;
    } finally {
      watcher?.close();
      settled.dispose();
      await server.close().catch((error: unknown) => context.log.warn(`closing the Invoke API: ${errorMessage(error)}`));
      await host.dispose();
    }
  },
};
