import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { FunctionInvoker } from '../runtime/invoker';
import { type ArnScope, DEFAULT_ARN_SCOPE } from './arn';
import { AsyncInvocations, type AsyncInvocationOutcome, type AsyncRetryPolicy, DEFAULT_ASYNC_RETRY } from './asyncInvocations';
import { apiErrors, toApiException } from './errors';
import {
  handleGetFunction,
  handleGetFunctionConfiguration,
  handleGetFunctionUrlConfig,
  handleListFunctions,
} from './functionRoutes';
import { FunctionUrls, closeServer } from './functionUrls';
import { sendException, splitTarget } from './http';
import { handleInvoke } from './invokeRoute';
import { listen } from './listen';
import { handleInvokeWithResponseStream } from './streamRoute';

export interface InvokeApiOptions {
  invoker: FunctionInvoker;
  /** The API's port; 0 for an ephemeral one. */
  port: number;
  /** Always loopback unless a caller decides otherwise: the API has no authentication. */
  host?: string;
  scope?: ArnScope;
  /** First port for Function URLs (N, N+1, ...); 0 for ephemeral ports. Default 0. */
  functionUrlBasePort?: number;
  asyncRetry?: AsyncRetryPolicy;
  log?: (message: string) => void;
}

const FUNCTIONS_2015 = '/2015-03-31/functions';
const FUNCTIONS_2021_STREAM = '/2021-11-15/functions/';
const FUNCTIONS_2021_URL = '/2021-10-31/functions/';

function decodeName(raw: string): string {
  if (raw.indexOf('%') === -1) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    throw apiErrors.badParameter(`FunctionName '${raw}' is not correctly URL-encoded`);
  }
}

/**
 * The Lambda Invoke API on 127.0.0.1 over a FunctionInvoker, so the AWS SDK and CLI run unchanged
 * against local functions (`--endpoint-url http://127.0.0.1:PORT`), plus each function's local URL.
 */
export class InvokeApiServer {
  private readonly server: Server;
  private readonly scope: ArnScope;
  private readonly host: string;
  readonly asyncInvocations: AsyncInvocations;
  readonly functionUrls: FunctionUrls;
  private port = 0;

  constructor(private readonly options: InvokeApiOptions) {
    this.scope = options.scope ?? DEFAULT_ARN_SCOPE;
    this.host = options.host ?? '127.0.0.1';
    this.asyncInvocations = new AsyncInvocations(options.invoker, options.asyncRetry ?? DEFAULT_ASYNC_RETRY);
    this.functionUrls = new FunctionUrls(options.invoker, this.scope, {
      host: this.host,
      basePort: options.functionUrlBasePort ?? 0,
      log: options.log,
    });
    // Keep-alive well past the SDK's idle sockets, so a warm client never pays a new connection.
    this.server = createServer({ keepAliveTimeout: 65_000, noDelay: true }, (req, res) => this.route(req, res));
    this.server.headersTimeout = 70_000;
  }

  /** Listens, opens the Function URLs, and resolves with the endpoint for --endpoint-url. */
  async start(): Promise<string> {
    this.port = await listen(this.server, this.host, this.options.port, 'the Invoke API');
    await this.functionUrls.sync();
    return this.endpoint;
  }

  get endpoint(): string {
    return `http://${this.host}:${this.port}`;
  }

  /** Call after the set of functions changed (a deploy): opens and closes Function URL listeners. */
  refresh(): Promise<void> {
    return this.functionUrls.sync();
  }

  onAsyncInvocationSettled(listener: (outcome: AsyncInvocationOutcome) => void): { dispose(): void } {
    return this.asyncInvocations.onDidSettle(listener);
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const { path, query } = splitTarget(req.url ?? '/');
    const method = req.method;
    const { invoker } = this.options;
    const scope = this.scope;
    try {
      if (path.startsWith(FUNCTIONS_2015)) {
        const rest = path.slice(FUNCTIONS_2015.length);
        if (rest === '/' || rest === '') {
          if (method === 'GET') return handleListFunctions(invoker, scope, res, query);
        } else if (rest.charCodeAt(0) === 47 /* / */) {
          const slash = rest.indexOf('/', 1);
          const name = decodeName(slash === -1 ? rest.slice(1) : rest.slice(1, slash));
          const suffix = slash === -1 ? '' : rest.slice(slash);
          if (method === 'POST' && suffix === '/invocations') {
            void handleInvoke(invoker, scope, this.asyncInvocations, req, res, name, query);
            return;
          }
          if (method === 'GET' && (suffix === '' || suffix === '/')) return handleGetFunction(invoker, scope, res, name, query);
          if (method === 'GET' && suffix === '/configuration') {
            return handleGetFunctionConfiguration(invoker, scope, res, name, query);
          }
        }
      } else if (path.startsWith(FUNCTIONS_2021_STREAM) && method === 'POST') {
        const rest = path.slice(FUNCTIONS_2021_STREAM.length);
        const slash = rest.indexOf('/');
        if (slash !== -1 && rest.slice(slash) === '/response-streaming-invocations') {
          void handleInvokeWithResponseStream(invoker, scope, req, res, decodeName(rest.slice(0, slash)), query);
          return;
        }
      } else if (path.startsWith(FUNCTIONS_2021_URL) && method === 'GET') {
        const rest = path.slice(FUNCTIONS_2021_URL.length);
        const slash = rest.indexOf('/');
        if (slash !== -1 && rest.slice(slash) === '/url') {
          return handleGetFunctionUrlConfig(invoker, scope, this.functionUrls, res, decodeName(rest.slice(0, slash)), query);
        }
      }
      sendException(res, apiErrors.unknownOperation(method ?? '?', path));
    } catch (error) {
      sendException(res, toApiException(error, path));
    }
  }

  /** Stops listening, closes the Function URLs and cancels Event invocations still retrying. */
  async close(): Promise<void> {
    await Promise.all([closeServer(this.server), this.functionUrls.close(), this.asyncInvocations.dispose()]);
  }
}
