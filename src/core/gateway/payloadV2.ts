import type { EventScope } from './eventContext';
import { withForwardedHeaders } from './eventContext';
import { type GatewayRequest, queryPairs, requestTime } from './gatewayRequest';

/**
 * The payload format 2.0 event (HTTP APIs and Function URLs): lower-case headers with repeated values
 * joined by commas, cookies in their own list, the query joined the same way, and requestContext.http.
 */
export function payloadV2Event(request: GatewayRequest, scope: EventScope): Record<string, unknown> {
  const rawHeaders = scope.forwardedHeaders ? withForwardedHeaders(request.rawHeaders, request.sourceIp, request.domainName) : request.rawHeaders;
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    const value = rawHeaders[i + 1];
    if (name === 'cookie') {
      for (const cookie of value.split(';')) {
        const trimmed = cookie.trim();
        if (trimmed.length > 0) (cookies ??= []).push(trimmed);
      }
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey: scope.routeKey,
    rawPath: request.rawPath,
    rawQueryString: request.rawQuery,
  };
  if (cookies !== undefined) event.cookies = cookies;
  event.headers = headers;
  const pairs = queryPairs(request.rawQuery);
  if (pairs.length > 0) {
    const params: Record<string, string> = {};
    for (const [key, value] of pairs) params[key] = params[key] === undefined ? value : `${params[key]},${value}`;
    event.queryStringParameters = params;
  }
  const requestContext: Record<string, unknown> = {
    accountId: scope.accountId,
    apiId: scope.apiId,
    ...(scope.authorizer ? { authorizer: scope.authorizer } : {}),
    domainName: request.domainName,
    domainPrefix: request.domainName.split(/[.:]/, 1)[0],
    http: {
      method: request.method,
      path: request.rawPath,
      protocol: request.protocol,
      sourceIp: request.sourceIp,
      userAgent: headers['user-agent'] ?? '',
    },
    requestId: request.requestId,
    routeKey: scope.routeKey,
    stage: scope.stage,
    time: requestTime(request.time),
    timeEpoch: request.time.getTime(),
  };
  event.requestContext = requestContext;
  if (request.body.length > 0) event.body = scope.binaryBody ? request.body.toString('base64') : request.body.toString('utf8');
  if (scope.pathParameters) event.pathParameters = scope.pathParameters;
  event.isBase64Encoded = request.body.length > 0 && scope.binaryBody;
  if (scope.stageVariables) event.stageVariables = scope.stageVariables;
  return event;
}
