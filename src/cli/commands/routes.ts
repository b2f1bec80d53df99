import { servedRoutes } from '../../core/gateway/apiGatewayServer';
import { RouteTable } from '../../core/gateway/routeTable';
import type { CliCommand } from '../command';
import { DEFAULT_API_PORT, DEFAULT_INVOKE_API_PORT, portOption } from '../ports';
import { printRoutes, type ListedFunctionUrl } from '../routeListing';
import { discover, DISCOVERY_OPTIONS, DISCOVERY_USAGE } from '../startHost';

export const routesCommand: CliCommand = {
  name: 'routes',
  summary: 'List the HTTP routes (API Gateway REST and HTTP APIs, Function URLs) serve would serve, without serving',
  usage: `lambda-dock routes [--api-port N] [--port N] [--function-url-port N] ${DISCOVERY_USAGE} [--workspace DIR] [--json]\n` +
    '       (the URLs use the ports serve would take with the same options)',
  options: {
    ...DISCOVERY_OPTIONS,
    'api-port': { type: 'string' },
    port: { type: 'string', short: 'p' },
    'function-url-port': { type: 'string' },
  },
  async run(context) {
    const apiPort = portOption(context, 'api-port', DEFAULT_API_PORT);
    const invokePort = portOption(context, 'port', DEFAULT_INVOKE_API_PORT);
    const urlBase = portOption(context, 'function-url-port', invokePort === 0 ? 0 : invokePort + 1);
    const { functions } = await discover(context);
    const routes = servedRoutes(new RouteTable(functions), `http://127.0.0.1:${apiPort === 0 ? 'PORT' : apiPort}`);
    // Function URLs take the ports from --function-url-port on, in the workspace's order, as serve opens them.
    const functionUrls: ListedFunctionUrl[] = functions
      .filter((fn) => fn.functionUrl !== undefined)
      .map((fn, index) => ({ functionName: fn.name, url: `http://127.0.0.1:${urlBase === 0 ? 'PORT' : urlBase + index}/` }));
    if (context.json) {
      context.out(JSON.stringify({ routes, functionUrls }, null, 2));
      return 0;
    }
    printRoutes(context, routes, functionUrls);
    return 0;
  },
};
