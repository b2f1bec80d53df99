/** What an event says about where a request arrived, beyond the request itself. */
export interface EventScope {
  apiId: string;
  stage: string;
  accountId: string;
  /** '/orders/{id}' (payload 1.0's resource) or '$default'. */
  resourcePath: string;
  routeKey: string;
  pathParameters: Record<string, string> | undefined;
  stageVariables: Record<string, string> | undefined;
  /** Whether the body goes to the function base64-encoded. */
  binaryBody: boolean;
  /** requestContext.authorizer, when an authorizer ran or passed the request. */
  authorizer?: Record<string, unknown>;
  /** REST APIs add the X-Forwarded-* headers; HTTP APIs also do, Function URLs do not. */
  forwardedHeaders: boolean;
  /** requestContext.operationName: REST API methods that have one. */
  operationName?: string;
}

/** The X-Forwarded-* headers API Gateway adds, unless the client sent its own. */
export function withForwardedHeaders(rawHeaders: string[], sourceIp: string, domainName: string): string[] {
  let hasFor = false;
  let hasPort = false;
  let hasProto = false;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (name === 'x-forwarded-for') hasFor = true;
    else if (name === 'x-forwarded-port') hasPort = true;
    else if (name === 'x-forwarded-proto') hasProto = true;
  }
  if (hasFor && hasPort && hasProto) return rawHeaders;
  const extra: string[] = [];
  if (!hasFor) extra.push('X-Forwarded-For', sourceIp);
  if (!hasPort) extra.push('X-Forwarded-Port', domainName.includes(':') ? domainName.slice(domainName.lastIndexOf(':') + 1) : '80');
  if (!hasProto) extra.push('X-Forwarded-Proto', 'http');
  return [...rawHeaders, ...extra];
}
