import { randomUUID } from 'node:crypto';
import type { HttpRouteDefinition } from '../functions/routes';
import type { GatewayRequest } from './gatewayRequest';
import { eventScopeOf, LOCAL_ACCOUNT_ID, routeEvent } from './routeEvent';
import { RouteTable } from './routeTable';

export interface RouteSampleOptions {
  /** host:port the sample request addresses (the local HTTP APIs' address). */
  domainName: string;
  now?: Date;
  accountId?: string;
}

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** A request to the route as a client would send it: ANY as GET, `{id}` as `sample-id`, `{proxy+}` as `sample-proxy/path`. */
export function sampleRouteRequest(route: HttpRouteDefinition, options: RouteSampleOptions): GatewayRequest {
  const method = route.method === 'ANY' ? 'GET' : route.method;
  const rawPath = route.path === '$default' ? '/' : route.path.replace(/\{([^}]+?)(\+?)\}/g, (_whole, name: string, greedy: string) =>
    encodeURIComponent(`sample-${name}`) + (greedy ? '/path' : ''));
  const body = METHODS_WITH_BODY.has(method) ? Buffer.from('{}') : Buffer.alloc(0);
  const rawHeaders = ['Host', options.domainName, 'User-Agent', 'lambda-dock', 'Accept', '*/*'];
  if (body.length > 0) rawHeaders.push('Content-Type', 'application/json', 'Content-Length', String(body.length));
  return {
    method,
    rawPath,
    rawQuery: '',
    rawHeaders,
    body,
    sourceIp: '127.0.0.1',
    protocol: 'HTTP/1.1',
    requestId: randomUUID(),
    domainName: options.domainName,
    time: options.now ?? new Date(),
  };
}

/**
 * The event the function gets for a sample request to one of its routes, built by the gateway's own code
 * (matching, event scope, payload 1.0 or 2.0), so a template cannot drift from what a real request brings.
 */
export function sampleRouteEvent(functionName: string, route: HttpRouteDefinition, options: RouteSampleOptions): Record<string, unknown> {
  const request = sampleRouteRequest(route, options);
  const table = new RouteTable([{ name: functionName, routes: [route] }]);
  const match = table.match(request.method, request.rawPath);
  if (!match) throw new Error(`the sample request ${request.method} ${request.rawPath} does not match its route ${route.method} ${route.path}`);
  return routeEvent(route, request, eventScopeOf(match, request, options.accountId ?? LOCAL_ACCOUNT_ID));
}
