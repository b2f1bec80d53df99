import type { HttpRouteDefinition } from '../functions/routes';
import { routeKeyOf } from '../functions/routes';
import type { EventScope } from './eventContext';
import { type GatewayRequest, headerValue, isBinaryMediaType, isTextContentType } from './gatewayRequest';
import { payloadV1Event } from './payloadV1';
import { payloadV2Event } from './payloadV2';
import type { RouteMatch } from './routeTable';

/** The account id events name when none is configured (API Gateway's own is the caller's account). */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** What the event says about the route a request matched: its API, stage, resource, route key, parameters. */
export function eventScopeOf(match: RouteMatch, request: GatewayRequest, accountId: string): EventScope {
  const { route } = match.compiled;
  const contentType = headerValue(request, 'content-type');
  return {
    apiId: route.api.id,
    stage: route.api.stage,
    accountId,
    resourcePath: route.path === '$default' ? '$default' : route.path,
    routeKey: routeKeyOf(route),
    pathParameters: match.pathParameters,
    stageVariables: route.api.stageVariables,
    binaryBody: route.api.kind === 'rest' ? isBinaryMediaType(contentType, route.api.binaryMediaTypes) : !isTextContentType(contentType),
    forwardedHeaders: true,
    ...(route.operationName && route.api.kind === 'rest' ? { operationName: route.operationName } : {}),
  };
}

/** The event the route's function receives for the request: payload format 1.0 or 2.0, as the route asks. */
export function routeEvent(route: HttpRouteDefinition, request: GatewayRequest, scope: EventScope): Record<string, unknown> {
  return route.payloadFormat === '1.0' ? payloadV1Event(request, scope, route.api.kind === 'http') : payloadV2Event(request, scope);
}
