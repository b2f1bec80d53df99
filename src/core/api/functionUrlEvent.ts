import type { IncomingMessage } from 'node:http';
import { gatewayRequest, headerValue, isTextContentType } from '../gateway/gatewayRequest';
import { payloadV2Event } from '../gateway/payloadV2';

/** What the event names about the URL the request came in on. */
export interface FunctionUrlEventScope {
  urlId: string;
  domainName: string;
  requestId: string;
  authType: 'NONE' | 'AWS_IAM';
}

/** The Function URL event (payload format 2.0, route $default) for one HTTP request. */
export function functionUrlEvent(req: IncomingMessage, body: Buffer, scope: FunctionUrlEventScope): Record<string, unknown> {
  const request = gatewayRequest(req, body, scope.requestId, scope.domainName);
  let authorizer: Record<string, unknown> | undefined;
  if (scope.authType === 'AWS_IAM') {
    const accessKey = /Credential=([^/]+)\//.exec(headerValue(request, 'authorization') ?? '')?.[1] ?? '';
    authorizer = { iam: { accessKey, accountId: '000000000000', callerId: accessKey, userArn: '', userId: accessKey } };
  }
  const event = payloadV2Event(request, {
    apiId: scope.urlId,
    stage: '$default',
    accountId: 'anonymous',
    resourcePath: '$default',
    routeKey: '$default',
    pathParameters: undefined,
    stageVariables: undefined,
    binaryBody: !isTextContentType(headerValue(request, 'content-type')),
    ...(authorizer ? { authorizer } : {}),
    forwardedHeaders: false,
  });
  // A Function URL's domain prefix is its url-id, whatever host the client addressed.
  (event.requestContext as Record<string, unknown>).domainPrefix = scope.urlId;
  return event;
}
