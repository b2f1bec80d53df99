import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse, createServer } from 'node:http';
import { closeServer } from '../api/functionUrls';
import { readBody } from '../api/http';
import { listen } from '../api/listen';
import { errorMessage, isLambdaDockError } from '../errors';
import type { HttpRouteDefinition } from '../functions/routes';
import { routeKeyOf } from '../functions/routes';
import { INVOKE_ERROR_CODES, MAX_SYNC_PAYLOAD_BYTES, type FunctionInvoker } from '../runtime/invoker';
import type { InvokeResult } from '../runtime/invokeResult';
import { RouteAuthorization } from './authorizers';
import { corsHeaders, isPreflightRequest, restPreflightHeaders } from './cors';
import { answersFor, HTTP_API_ANSWERS, REST_ANSWERS } from './gatewayAnswers';
import { gatewayRequest, headerValue, isBinaryMediaType } from './gatewayRequest';
import { type HttpAnswer, payloadV2Answer, sendAnswer } from './httpAnswer';
import { payloadV1Answer } from './payloadV1Response';
import { eventScopeOf, LOCAL_ACCOUNT_ID, routeEvent } from './routeEvent';
import { RouteTable } from './routeTable';

export interface ApiGatewayOptions {
  invoker: FunctionInvoker;
  /** 0: a free port. */
  port: number;
  /** Loopback unless a caller decides otherwise: the APIs have no authentication of their own. */
  host?: string;
  region?: string;
  accountId?: string;
  log?: (message: string) => void;
}

/** A route as listed for people: method, path, the URL to call, the function. */
export interface ServedRoute {
  method: string;
  path: string;
  url: string;
  functionName: string;
  apiId: string;
  apiKind: 'rest' | 'http';
  stage: string;
  payloadFormat: '1.0' | '2.0';
  source: { file: string; line: number };
}

/** One request the gateway answered: for the editor's Send Request, which shows the function's log beside the answer. */
export interface ServedRequest {
  requestId: string;
  functionName?: string;
  statusCode: number;
  /**
   * The function's log of this request once all of it has arrived ('' when it did not run: no route, refused,
   * timed out): the answer does not wait for it.
   */
  logs: Promise<string>;
}

/** Lists every route of `functions` with the URL it has on `baseUrl` (the API server's). */
export function servedRoutes(table: RouteTable, baseUrl: string): ServedRoute[] {
  return table.routes.map(({ route, functionName }) => servedRoute(route, functionName, baseUrl));
}

function servedRoute(route: HttpRouteDefinition, functionName: string, baseUrl: string): ServedRoute {
  return {
    method: route.path === '$default' ? 'ANY' : route.method,
    path: route.path,
    url: `${baseUrl}${route.path === '$default' ? '/' : route.path}`,
    functionName,
    apiId: route.api.id,
    apiKind: route.api.kind,
    stage: route.api.stage,
    payloadFormat: route.payloadFormat,
    source: route.source,
  };
}

/**
 * The workspace's API Gateway REST and HTTP APIs on one local port: each request matched to its route as
 * API Gateway does, authorized, turned into the payload 1.0 or 2.0 event, run on the function's warm
 * instances, and its result mapped back to the HTTP response API Gateway would send.
 */
export class ApiGatewayServer {
  private readonly server: Server;
  private readonly host: string;
  private readonly region: string;
  private readonly accountId: string;
  private readonly authorization: RouteAuthorization;
  private readonly listeners = new Set<(request: ServedRequest) => void>();
  private table: RouteTable;
  private port = 0;

  constructor(private readonly options: ApiGatewayOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
    this.accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
    this.table = new RouteTable(options.invoker.functions());
    this.authorization = new RouteAuthorization(options.invoker, {
      region: this.region,
      accountId: this.accountId,
      warn: (message) => options.log?.(message),
    });
    this.server = createServer({ keepAliveTimeout: 65_000, noDelay: true }, (req, res) => {
      void this.serve(req, res);
    });
    this.server.headersTimeout = 70_000;
  }

  async start(): Promise<string> {
    this.port = await listen(this.server, this.host, this.options.port, 'the HTTP APIs');
    return this.url;
  }

  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  /** Call after a deploy: routes follow the functions' definitions, and cached authorizer answers are dropped. */
  refresh(): void {
    this.table = new RouteTable(this.options.invoker.functions());
    this.authorization.clear();
  }

  routes(): ServedRoute[] {
    return servedRoutes(this.table, this.url);
  }

  onDidServe(listener: (request: ServedRequest) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await closeServer(this.server);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const answer = (a: HttpAnswer, extra: OutgoingHttpHeaders, functionName?: string, logs = Promise.resolve('')): void => {
      sendAnswer(res, a, extra);
      if (this.listeners.size > 0) for (const listener of this.listeners) listener({ requestId, functionName, statusCode: a.statusCode, logs });
    };
    const table = this.table;
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?', 1)[0];
    const preflight = isPreflightRequest(method, req.headers['access-control-request-method'] as string | undefined);
    const match = table.match(method, path) ?? (preflight ? table.match(method, path, true) : undefined);
    if (match === undefined) {
      // Which API's answer: REST's only when every route is a REST API's.
      const rest = table.routes.length > 0 && table.routes.every((r) => r.route.api.kind === 'rest');
      req.resume();
      answer(rest ? REST_ANSWERS.noRoute : HTTP_API_ANSWERS.noRoute, idHeaders(rest ? 'rest' : 'http', requestId));
      return;
    }
    const { route } = match.compiled;
    const api = route.api;
    const ids = idHeaders(api.kind, requestId);
    const answers = answersFor(api.kind);
    const origin = req.headers.origin;
    if (api.cors && preflight && (api.kind === 'http' || match.compiled.route.method !== 'OPTIONS')) {
      // The API answers preflights itself: HTTP APIs with 204, REST APIs with their generated OPTIONS method.
      req.resume();
      if (api.kind === 'http') answer({ statusCode: 204, headers: {}, body: Buffer.alloc(0) }, { ...ids, ...corsHeaders(api.cors, origin, true) });
      else answer({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.alloc(0) }, { ...ids, ...restPreflightHeaders(api.cors, table.methodsOf(path)) });
      return;
    }
    if (preflight && match.compiled.route.method !== 'OPTIONS' && match.compiled.route.method !== 'ANY') {
      req.resume();
      answer(answers.noRoute, ids);
      return;
    }
    const cors = api.kind === 'http' && api.cors ? corsHeaders(api.cors, origin, false) : {};
    const extra = { ...ids, ...cors };
    let body: Buffer = EMPTY;
    if (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) {
      try {
        body = await readBody(req, MAX_SYNC_PAYLOAD_BYTES, 'API request');
      } catch {
        answer(answers.tooLarge, extra);
        return;
      }
    } else {
      // No body framing: the request has none, and waiting for its 'end' would only cost turns of the loop.
      req.resume();
    }
    const request = gatewayRequest(req, body, requestId, `${this.host}:${this.port}`);
    const scope = eventScopeOf(match, request, this.accountId);
    const auth = await this.authorization.authorize(match, request, scope);
    if (!auth.allowed) {
      answer(auth.answer, extra);
      return;
    }
    if (auth.authorizer !== undefined) scope.authorizer = auth.authorizer;
    const event = routeEvent(route, request, scope);
    const functionName = match.compiled.functionName;
    const result = await this.invokeWithin(functionName, Buffer.from(JSON.stringify(event)), route.timeoutMs);
    if (result === 'timeout') {
      answer(answers.timedOut, extra, functionName);
      return;
    }
    if (!('status' in result)) {
      this.options.log?.(`${routeKeyOf(route)}: ${functionName} could not be invoked: ${errorMessage(result.error)}`);
      answer(isLambdaDockError(result.error, INVOKE_ERROR_CODES.payloadTooLarge) ? answers.tooLarge : answers.functionFailed, extra, functionName);
      return;
    }
    if (result.status === 'error') this.options.log?.(`${routeKeyOf(route)}: ${functionName} failed: ${result.error?.errorType ?? 'Error'}: ${result.error?.errorMessage ?? ''}`);
    const mapped = route.payloadFormat === '2.0'
      ? payloadV2Answer(result, answers.functionFailed)
      : payloadV1Answer(result, answers.functionFailed, (contentType) =>
        api.kind === 'http' || isBinaryMediaType(contentType, api.binaryMediaTypes) || isBinaryMediaType(headerValue(request, 'accept'), api.binaryMediaTypes));
    if (mapped === answers.functionFailed && result.status === 'ok') this.options.log?.(`${routeKeyOf(route)}: ${functionName} returned a response API Gateway refuses (${describe(result)}); answered ${mapped.statusCode}`);
    answer(mapped, extra, functionName, result.logComplete ?? Promise.resolve(result.logs));
  }

  /** The invocation, unless the integration timeout passes first (the function runs on, as behind API Gateway). */
  private invokeWithin(name: string, payload: Buffer, timeoutMs: number): Promise<InvokeResult | 'timeout' | { error: unknown }> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), timeoutMs);
      this.options.invoker.invoke(name, payload, { wantsLog: false }).then(
        (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        (error: unknown) => {
          clearTimeout(timer);
          resolve({ error });
        },
      );
    });
  }
}

const EMPTY = Buffer.alloc(0);

function idHeaders(kind: 'rest' | 'http', requestId: string): OutgoingHttpHeaders {
  return kind === 'rest' ? { 'x-amzn-requestid': requestId } : { 'apigw-requestid': requestId };
}

function describe(result: InvokeResult): string {
  const text = result.payload.toString('utf8');
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
