import { InvokeApiServer } from '../../core/api/server';
import { errorMessage } from '../../core/errors';
import { ApiGatewayServer, type ServedRoute } from '../../core/gateway/apiGatewayServer';
import type { FunctionHost } from '../../core/runtime/functionHost';
import type { FunctionLogEvent } from '../../core/runtime/functionPool';
import type { WorkspaceDeployReport } from '../../core/workspace/workspaceDeployer';
import { stringOption, untilAborted, untilInterrupted, type CliCommand, type CommandContext } from '../command';
import { debugOptionsOf, printDebugTarget } from '../debugTarget';
import { functionNotFound } from '../../core/runtime/invokeErrors';
import type { DebugTarget } from '../../core/debug/debugTarget';
import { printDeployReport } from '../deployReport';
import { DEFAULT_API_PORT, DEFAULT_INVOKE_API_PORT, portOption } from '../ports';
import { printRoutes } from '../routeListing';
import { DISCOVERY_USAGE, STANDBY_OPTIONS, STANDBY_USAGE, standbyOption } from '../startHost';
import { DEPLOY_OPTIONS, startDeployer } from './deploy';
import { CLI_ERRORS, cliError } from '../errors';

/** What serve prints (and prints again, with --json, after each redeploy). */
interface ServeState {
  endpoint: string;
  apiUrl: string;
  functions: string[];
  functionUrls: Record<string, string>;
  routes: ServedRoute[];
}

function stateOf(server: InvokeApiServer, apis: ApiGatewayServer, host: FunctionHost): ServeState {
  const functionUrls: Record<string, string> = {};
  for (const { functionName, url } of server.functionUrls.all()) functionUrls[functionName] = url;
  return { endpoint: server.endpoint, apiUrl: apis.url, functions: host.functions().map((fn) => fn.name), functionUrls, routes: apis.routes() };
}

function printServed(context: CommandContext, state: ServeState): void {
  const urls = Object.entries(state.functionUrls).map(([functionName, url]) => ({ functionName, url }));
  if (state.routes.length === 0 && urls.length === 0) return;
  context.out('Routes:');
  printRoutes({ ...context, out: (text) => context.out(`  ${text}`) }, state.routes, urls);
}

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Serve the workspace\'s HTTP APIs (API Gateway REST and HTTP APIs) and Function URLs, and the Lambda Invoke API, on 127.0.0.1; redeploys on save',
  usage:
    `lambda-dock serve [--api-port N] [--port N] [--function-url-port N] [--no-watch] [--prewarm] ${STANDBY_USAGE} [--debug FUNCTION [--debug-port N]] ${DISCOVERY_USAGE} [--workspace DIR] [--json]\n` +
    `       (--api-port defaults to ${DEFAULT_API_PORT}, --port (the Invoke API) to ${DEFAULT_INVOKE_API_PORT}; Function URLs take the ports after --port; 0 picks free ports;\n` +
    '        --debug: every invocation of FUNCTION, from any caller, waits for a debugger on 127.0.0.1:--debug-port, 0 or none: a free port)',
  options: {
    ...DEPLOY_OPTIONS,
    ...STANDBY_OPTIONS,
    port: { type: 'string', short: 'p' },
    'api-port': { type: 'string' },
    'function-url-port': { type: 'string' },
    'no-watch': { type: 'boolean' },
    debug: { type: 'string' },
    'debug-port': { type: 'string' },
  },
  async run(context) {
    const port = portOption(context, 'port', DEFAULT_INVOKE_API_PORT);
    const apiPort = portOption(context, 'api-port', DEFAULT_API_PORT);
    const functionUrlBasePort = portOption(context, 'function-url-port', port === 0 ? 0 : port + 1);
    const watch = context.values['no-watch'] !== true;
    const debugFunction = stringOption(context, 'debug');
    const debug = debugOptionsOf(context);
    if (debug && !debugFunction) throw cliError(CLI_ERRORS.usage, '--debug-port needs --debug FUNCTION: the function whose invocations wait for a debugger.');
    standbyOption(context);
    const { host, deployer } = await startDeployer(context, true);
    // The same region and account as the invokedFunctionArn FunctionHost gives handlers.
    const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
    const onDebugTarget = (target: DebugTarget) => printDebugTarget(target, deployer.definition(target.functionName));
    host.on('debugTarget', onDebugTarget);
    // Every caller's log as it arrives (answers do not wait for it), as `sam local` prints it.
    const onLog = (event: FunctionLogEvent) => process.stderr.write(event.text);
    host.on('log', onLog);
    const server = new InvokeApiServer({
      invoker: host,
      port,
      functionUrlBasePort,
      scope: { region, accountId: '000000000000' },
      log: (message) => context.log.warn(message),
    });
    const apis = new ApiGatewayServer({ invoker: host, port: apiPort, region, log: (message) => context.log.warn(message) });
    const settled = server.onAsyncInvocationSettled((outcome) => {
      if (outcome.failure) context.log.warn(`Event invocation of ${outcome.functionName} could not run: ${outcome.failure}`);
      else if (outcome.result?.status === 'error') {
        context.log.warn(`Event invocation of ${outcome.functionName} failed after ${outcome.attempts} attempt(s): ${outcome.result.error?.errorMessage ?? ''}`);
      }
    });
    // A redeploy can add or remove functions, URLs and routes: they follow before the report is printed.
    deployer.on('deployed', (report: WorkspaceDeployReport) => {
      apis.refresh();
      void server.refresh().then(
        () => {
          printDeployReport(context, report);
          const state = stateOf(server, apis, host);
          if (context.json) context.out(JSON.stringify(state));
          else printServed(context, state);
        },
        (error: unknown) => context.log.error('opening Function URLs failed', error),
      );
    });
    deployer.on('error', (error: unknown) => context.log.error('redeploy failed', error));
    try {
      const first = watch ? await deployer.watch(context.signal) : await deployer.deploy(context.signal);
      if (first) printDeployReport(context, first);
      if (debugFunction) {
        if (!host.getFunction(debugFunction)) throw functionNotFound(debugFunction, host.functions().map((fn) => fn.name));
        host.setDebugMode(debugFunction, { port: debug?.port ?? 0 });
        context.log.warn(`Every invocation of ${debugFunction} waits for a debugger on 127.0.0.1:${debug?.port || '(a free port, printed when it starts)'}.`);
      }
      apis.refresh();
      await untilAborted(Promise.all([server.start(), apis.start()]), context.signal);
      const state = stateOf(server, apis, host);
      if (context.json) {
        context.out(JSON.stringify(state));
      } else {
        context.out(`HTTP APIs: ${state.apiUrl}`);
        context.out(`Invoke API: ${state.endpoint}`);
        context.out(`  aws lambda invoke --endpoint-url ${state.endpoint} --function-name NAME out.json`);
        context.out(`  new LambdaClient({ endpoint: '${state.endpoint}' })`);
        printServed(context, state);
        context.out(watch ? `Watching ${context.workspace} for saves; Ctrl-C stops.` : 'Ctrl-C stops.');
      }
      await untilInterrupted(context.signal);
      return 0;
    } catch (error) {
      if (context.signal.aborted) return 0;
      throw error;
    } finally {
      settled.dispose();
      host.off('debugTarget', onDebugTarget);
      host.off('log', onLog);
      await deployer.dispose();
      await Promise.all([
        server.close().catch((error: unknown) => context.log.warn(`closing the Invoke API: ${errorMessage(error)}`)),
        apis.close().catch((error: unknown) => context.log.warn(`closing the HTTP APIs: ${errorMessage(error)}`)),
      ]);
      await host.dispose();
    }
  },
};
