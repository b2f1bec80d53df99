import type { IncomingMessage } from 'node:http';
import { splitTarget } from './http';

/** What the event names about the URL the request came in on. */
export interface FunctionUrlEventScope {
  urlId: string;
  domainName: string;
  requestId: string;
  authType: 'NONE' | 'AWS_IAM';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** requestContext.time's format: 12/Mar/2020:19:03:58 +0000. */
function requestTime(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

/** Bodies Lambda passes as text; everything else arrives base64-encoded with isBase64Encoded true. */
export function isTextContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = contentType.split(';', 1)[0].trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'application/javascript' ||
    type === 'application/x-www-form-urlencoded'
  );
}

function decodeQueryComponent(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/** The Function URL event (payload format 2.0) for one HTTP request. */
export function functionUrlEvent(req: IncomingMessage, body: Buffer, scope: FunctionUrlEventScope): Record<string, unknown> {
  const { path: rawPath, query: rawQueryString } = splitTarget(req.url ?? '/');

  // Repeated headers are joined with commas; cookies move to their own list, as Lambda does.
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const value = raw[i + 1];
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
    routeKey: '$default',
    rawPath,
    rawQueryString,
  };
  if (cookies !== undefined) event.cookies = cookies;
  event.headers = headers;
  if (rawQueryString.length > 0) {
    const params: Record<string, string> = {};
    for (const pair of rawQueryString.split('&')) {
      if (pair.length === 0) continue;
      const eq = pair.indexOf('=');
      const key = decodeQueryComponent(eq === -1 ? pair : pair.slice(0, eq));
      const value = eq === -1 ? '' : decodeQueryComponent(pair.slice(eq + 1));
      params[key] = params[key] === undefined ? value : `${params[key]},${value}`;
    }
    event.queryStringParameters = params;
  }
  const now = new Date();
  const requestContext: Record<string, unknown> = {
    accountId: 'anonymous',
    apiId: scope.urlId,
    domainName: scope.domainName,
    domainPrefix: scope.urlId,
    http: {
      method: req.method ?? 'GET',
      path: rawPath,
      protocol: `HTTP/${req.httpVersion}`,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      userAgent: headers['user-agent'] ?? '',
    },
    requestId: scope.requestId,
    routeKey: '$default',
    stage: '$default',
    time: requestTime(now),
    timeEpoch: now.getTime(),
  };
  if (scope.authType === 'AWS_IAM') {
    const accessKey = /Credential=([^/]+)\//.exec(headers.authorization ?? '')?.[1] ?? '';
    requestContext.authorizer = { iam: { accessKey, accountId: '000000000000', callerId: accessKey, userArn: '', userId: accessKey } };
  }
  event.requestContext = requestContext;
  if (body.length > 0) {
    const text = isTextContentType(headers['content-type']);
    event.body = text ? body.toString('utf8') : body.toString('base64');
    event.isBase64Encoded = !text;
  } else {
    event.isBase64Encoded = false;
  }
  return event;
}
