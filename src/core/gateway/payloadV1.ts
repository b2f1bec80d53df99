import type { EventScope } from './eventContext';
import { withForwardedHeaders } from './eventContext';
import { type GatewayRequest, queryPairs, requestTime } from './gatewayRequest';

/**
 * The payload format 1.0 event (REST APIs, and HTTP APIs that ask for 1.0): headers as sent with the last
 * value of each in `headers` and all of them in `multiValueHeaders`; the same for the query; null where
 * API Gateway sends null.
 */
export function payloadV1Event(request: GatewayRequest, scope: EventScope, httpApi: boolean): Record<string, unknown> {
  const rawHeaders = scope.forwardedHeaders ? withForwardedHeaders(request.rawHeaders, request.sourceIp, request.domainName) : request.rawHeaders;
  let headers: Record<string, string> | null = null;
  let multiValueHeaders: Record<string, string[]> | null = null;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    const value = rawHeaders[i + 1];
    (headers ??= {})[name] = value;
    const list = (multiValueHeaders ??= {})[name];
    if (list) list.push(value);
    else multiValueHeaders[name] = [value];
  }
  let query: Record<string, string> | null = null;
  let multiValueQuery: Record<string, string[]> | null = null;
  for (const [key, value] of queryPairs(request.rawQuery)) {
    (query ??= {})[key] = value;
    const list = (multiValueQuery ??= {})[key];
    if (list) list.push(value);
    else multiValueQuery[key] = [value];
  }
  const userAgent = headers === null ? undefined : Object.entries(headers).find(([k]) => k.toLowerCase() === 'user-agent')?.[1];
  const requestContext: Record<string, unknown> = {
    accountId: scope.accountId,
    apiId: scope.apiId,
    ...(scope.authorizer ? { authorizer: scope.authorizer } : {}),
    domainName: request.domainName,
    domainPrefix: request.domainName.split(/[.:]/, 1)[0],
    extendedRequestId: request.requestId,
    httpMethod: request.method,
    identity: {
      accessKey: null,
      accountId: null,
      caller: null,
      cognitoAuthenticationProvider: null,
      cognitoAuthenticationType: null,
      cognitoIdentityId: null,
      cognitoIdentityPoolId: null,
      principalOrgId: null,
      sourceIp: request.sourceIp,
      user: null,
      userAgent: userAgent ?? null,
      userArn: null,
    },
    ...(scope.operationName ? { operationName: scope.operationName } : {}),
    // REST APIs name the stage in the path they report; HTTP APIs report the path as requested.
    path: httpApi || scope.stage === '$default' ? request.rawPath : `/${scope.stage}${request.rawPath}`,
    protocol: request.protocol,
    requestId: request.requestId,
    requestTime: requestTime(request.time),
    requestTimeEpoch: request.time.getTime(),
    resourceId: httpApi ? scope.routeKey : resourceIdOf(scope.resourcePath),
    resourcePath: scope.resourcePath,
    stage: scope.stage,
  };
  if (httpApi) requestContext.routeKey = scope.routeKey;
  const event: Record<string, unknown> = {};
  if (httpApi) event.version = '1.0';
  event.resource = scope.resourcePath;
  event.path = request.rawPath;
  event.httpMethod = request.method;
  event.headers = headers;
  event.multiValueHeaders = multiValueHeaders;
  event.queryStringParameters = query;
  event.multiValueQueryStringParameters = multiValueQuery;
  event.requestContext = requestContext;
  event.pathParameters = scope.pathParameters ?? null;
  event.stageVariables = scope.stageVariables ?? null;
  if (request.body.length === 0) {
    event.body = null;
    event.isBase64Encoded = false;
  } else {
    event.body = scope.binaryBody ? request.body.toString('base64') : request.body.toString('utf8');
    event.isBase64Encoded = scope.binaryBody;
  }
  return event;
}

/** A stable short id per resource path, in the shape of a REST API resource id. */
function resourceIdOf(resourcePath: string): string {
  let hash = 0;
  for (let i = 0; i < resourcePath.length; i++) hash = (hash * 31 + resourcePath.charCodeAt(i)) >>> 0;
  return hash.toString(36).padStart(6, '0').slice(-6);
}
