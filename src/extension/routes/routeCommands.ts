import * as vscode from 'vscode';
import type { ServedRequest } from '../../core/gateway/apiGatewayServer';
import { picked, withProgress, type CommandSpec } from '../commands/command';
import type { LambdaDockContext } from '../context';
import type { RouteRecord } from '../model/records';
import { exchange } from './httpExchange';
import { askRequest, type RequestInput, requestInputOf } from './requestInput';
import { formatExchange } from './responseFormat';
import { fillPath, pathParameterNames, routeKeyOf, routeRecords } from './routeRecords';

/** What Send Request returns to a caller of the command (tests, other extensions). */
export interface SendRequestSummary {
  url: string;
  method: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  functionName?: string;
  logs: string;
  /** The read-only response document. */
  document: string;
}

/** The route a command is about: its argument (a route node or { functionName, method, path }), else a quick pick. */
async function pickRoute(ctx: LambdaDockContext, arg: unknown, placeHolder: string, only?: (route: RouteRecord) => boolean): Promise<RouteRecord> {
  await ctx.deploys.ensureDiscovered();
  const routes = ctx.deploys.definitions.flatMap(routeRecords).filter((r) => !only || only(r));
  const key = routeKeyOf(arg);
  if (key) {
    const route = routes.find((r) => r.functionName === key.functionName && r.method === key.method && r.path === key.path && (key.apiId === undefined || r.apiId === key.apiId));
    if (!route) throw new Error(`${key.functionName} has no route ${key.method} ${key.path}: check its events in the template.`);
    return route;
  }
  if (routes.length === 0) throw new Error('No function of this workspace has an API route: add an Api or HttpApi event (SAM), or an http or httpApi event (serverless.yml).');
  const choice = await vscode.window.showQuickPick(
    routes.map((route) => ({ label: `${route.method} ${route.path}`, description: route.functionName, detail: `${route.apiKind === 'rest' ? 'REST API' : 'HTTP API'} ${route.apiId}`, route })),
    { placeHolder, matchOnDescription: true },
  );
  return picked(choice).route;
}

/**
 * Starts the HTTP APIs on first use over the running engine, with every function a route or an authorizer
 * needs deployed; resolves with the APIs' URL.
 */
export async function ensureApis(ctx: LambdaDockContext): Promise<string> {
  await ctx.deploys.ensureDiscovered();
  const host = await ctx.ensureHost();
  const needed = new Set<string>();
  for (const definition of ctx.deploys.definitions) {
    for (const route of definition.routes ?? []) {
      needed.add(definition.name);
      if (route.authorizer?.kind === 'lambda') needed.add(route.authorizer.functionName);
    }
  }
  const deployed = new Set(host.functions().map((d) => d.name));
  const missing = [...needed].filter((name) => !deployed.has(name));
  if (missing.length > 0) {
    const outcome = await ctx.deploys.deployFunctions(missing);
    for (const failed of outcome.failed) ctx.log.warn(`[http-apis] ${failed.name} could not be deployed: ${failed.error}`);
  }
  const url = await ctx.apiGateway.ensure(host);
  ctx.apiGateway.refresh();
  return url;
}

async function urlOf(ctx: LambdaDockContext, route: RouteRecord, input: RequestInput): Promise<string> {
  const base = await ensureApis(ctx);
  return `${base}${fillPath(route.path, input.pathParameters)}${input.query ? `?${input.query.replace(/^\?/, '')}` : ''}`;
}

/** Lambda Dock: Send Request (a route): asks path parameters, query and body, sends it, shows the answer and the log. */
export const sendRequest: CommandSpec = {
  id: 'lambdaDock.sendRequest',
  title: 'Send Request',
  async run({ ctx }, routeArg, inputArg) {
    ctx.requireWorkspace();
    const route = await pickRoute(ctx, routeArg, 'The route to send a request to');
    const input = requestInputOf(inputArg) ?? (await askRequest(route));
    const url = await urlOf(ctx, route, input);
    const method = input.method ?? (route.method === 'ANY' ? 'GET' : route.method);
    const headers: Record<string, string> = { 'user-agent': 'lambda-dock', ...input.headers };
    if (input.body.length > 0 && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['content-type'] = /^\s*[[{]/.test(input.body) ? 'application/json' : 'text/plain';
    }
    const served: ServedRequest[] = [];
    const subscription = ctx.apiGateway.onDidServe((request) => served.push(request));
    let result;
    try {
      result = await withProgress(`Lambda Dock: ${method} ${route.path}`, (signal) => exchange(method, url, headers, input.body, signal));
    } finally {
      subscription.dispose();
    }
    const requestId = String(result.headers['x-amzn-requestid'] ?? result.headers['apigw-requestid'] ?? '');
    const record = served.find((s) => s.requestId === requestId);
    const logs = record ? await record.logs : '';
    // The function's output channel has this invocation's log already: the host streams every caller's.
    ctx.log.info(`[http-apis] ${method} ${url}: ${result.status} in ${result.durationMs.toFixed(1)} ms`);
    const editor = await ctx.logDocuments.open(`${method}-${route.functionName}-${result.status}`, formatExchange(result, record?.functionName, logs));
    const summary: SendRequestSummary = {
      url,
      method,
      status: result.status,
      headers: result.headers,
      body: result.body.toString('utf8'),
      ...(record?.functionName ? { functionName: record.functionName } : {}),
      logs,
      document: editor.document.uri.toString(),
    };
    return summary;
  },
};

/** Lambda Dock: Copy URL (a route): its URL on the local HTTP APIs, parameters left as {name}. */
export const copyRouteUrl: CommandSpec = {
  id: 'lambdaDock.copyRouteUrl',
  title: 'Copy URL',
  async run({ ctx }, routeArg) {
    const route = await pickRoute(ctx, routeArg, 'The route whose URL to copy');
    const base = await ensureApis(ctx);
    const url = `${base}${route.path === '$default' ? '/' : route.path}`;
    await vscode.env.clipboard.writeText(url);
    void vscode.window.setStatusBarMessage(`Copied ${url}`, 3000);
    return url;
  },
};

/** Lambda Dock: Open in Browser (a GET route): asks its path parameters, then opens the URL. */
export const openRouteInBrowser: CommandSpec = {
  id: 'lambdaDock.openRouteInBrowser',
  title: 'Open in Browser',
  async run({ ctx }, routeArg, inputArg) {
    const route = await pickRoute(ctx, routeArg, 'The GET route to open', (r) => r.method === 'GET' || r.method === 'ANY');
    const given = requestInputOf(inputArg);
    const pathParameters: Record<string, string> = given?.pathParameters ?? {};
    if (!given) {
      for (const name of pathParameterNames(route.path)) {
        pathParameters[name] = picked(await vscode.window.showInputBox({ prompt: `${route.method} ${route.path}: the value of {${name}}`, ignoreFocusOut: true }));
      }
    }
    const url = await urlOf(ctx, route, { pathParameters, query: given?.query ?? '', body: '', headers: {} });
    await vscode.env.openExternal(vscode.Uri.parse(url));
    return url;
  },
};
