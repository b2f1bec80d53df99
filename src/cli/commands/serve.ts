import { InvokeApiServer } from '../../core/api/server';
import { errorMessage, LambdaDockError } from '../../core/errors';
import type { FunctionHost } from '../../core/runtime/functionHost';
import type { WorkspaceDeployReport } from '../../core/workspace/workspaceDeployer';
import { stringOption, untilAborted, untilInterrupted, type CliCommand, type CommandContext } from '../command';
import { printDeployReport } from '../deployReport';
import { DISCOVERY_USAGE } from '../startHost';
import { DEPLOY_OPTIONS, startDeployer } from './deploy';

const DEFAULT_PORT = 3001;

function portOption(context: CommandContext, name: string, fallback: number): number {
  const raw = stringOption(context, name);
  if (raw === undefined) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new LambdaDockError('USAGE', `--${name} ${raw} is not a port: give a number from 0 to 65535 (0 picks a free one)`);
  }
  return port;
}

/** What serve prints (and prints again, with --json, after each redeploy). */
interface ServeState {
  endpoint: string;
  functions: string[];
  functionUrls: Record<string, string>;
}

function stateOf(server: InvokeApiServer, host: FunctionHost): ServeState {
  const functionUrls: Record<string, string> = {};
  for (const { functionName, url } of server.functionUrls.all()) functionUrls[functionName] = url;
  return { endpoint: server.endpoint, functions: host.functions().map((fn) => fn.name), functionUrls };
}

function printUrls(context: CommandContext, state: ServeState): void {
  const urls = Object.entries(state.functionUrls);
  if (urls.length === 0) return;
  context.out('Function URLs:');
  const width = Math.max(...urls.map(([name]) => name.length));
  for (const [name, url] of urls) context.out(`  ${name.padEnd(width)}  ${url}`);
}

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Serve the Lambda Invoke API on 127.0.0.1 for the AWS SDK and CLI, with Function URLs; redeploys on save',
  usage:
    `lambda-dock serve [--port N] [--function-url-port N] [--no-watch] [--prewarm] ${DISCOVERY_USAGE} [--workspace DIR] [--json]\n` +
    `       (--port defaults to ${DEFAULT_PORT}; Function URLs take the ports after it; 0 picks free ports)`,
  options: {
    ...DEPLOY_OPTIONS,
    port: { type: 'string', short: 'p' },
    'function-url-port': { type: 'string' },
    'no-watch': { type: 'boolean' },
  },
  async run(context) {
    const port = portOption(context, 'port', DEFAULT_PORT);
    const functionUrlBasePort = portOption(context, 'function-url-port', port === 0 ? 0 : port + 1);
    const watch = context.values['no-watch'] !== true;
    const { host, deployer } = await startDeployer(context);
    const server = new InvokeApiServer({
      invoker: host,
      port,
      functionUrlBasePort,
      // The same region and account as the invokedFunctionArn FunctionHost gives handlers.
      scope: { region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1', accountId: '000000000000' },
      log: (message) => context.log.warn(message),
    });
    const settled = server.onAsyncInvocationSettled((outcome) => {
      if (outcome.failure) context.log.warn(`Event invocation of ${outcome.functionName} could not run: ${outcome.failure}`);
      else if (outcome.result?.status === 'error') {
        context.log.warn(`Event invocation of ${outcome.functionName} failed after ${outcome.attempts} attempt(s): ${outcome.result.error?.errorMessage ?? ''}`);
      }
    });
    // A redeploy can add or remove functions with URLs: the listeners follow before the report is printed.
    deployer.on('deployed', (report: WorkspaceDeployReport) => {
      void server.refresh().then(
        () => {
          printDeployReport(context, report);
          const state = stateOf(server, host);
          if (context.json) context.out(JSON.stringify(state));
          else printUrls(context, state);
        },
        (error: unknown) => context.log.error('opening Function URLs failed', error),
      );
    });
    deployer.on('error', (error: unknown) => context.log.error('redeploy failed', error));
    try {
      const first = watch ? await deployer.watch(context.signal) : await deployer.deploy(context.signal);
      if (first) printDeployReport(context, first);
      await untilAborted(server.start(), context.signal);
      const state = stateOf(server, host);
      if (context.json) {
        context.out(JSON.stringify(state));
      } else {
        context.out(`Invoke API: ${state.endpoint}`);
        context.out(`  aws lambda invoke --endpoint-url ${state.endpoint} --function-name NAME out.json`);
        context.out(`  new LambdaClient({ endpoint: '${state.endpoint}' })`);
        printUrls(context, state);
        context.out(watch ? `Watching ${context.workspace} for saves; Ctrl-C stops.` : 'Ctrl-C stops.');
      }
      await untilInterrupted(context.signal);
      return 0;
    } catch (error) {
      if (context.signal.aborted) return 0;
      throw error;
    } finally {
      settled.dispose();
      await deployer.dispose();
      await server.close().catch((error: unknown) => context.log.warn(`closing the Invoke API: ${errorMessage(error)}`));
      await host.dispose();
    }
  },
};
