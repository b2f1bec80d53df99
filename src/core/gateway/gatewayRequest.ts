import type { IncomingMessage } from 'node:http';
import { splitTarget } from '../api/http';

/** One HTTP request as every event builder reads it: the request line, the headers as sent, the body. */
export interface GatewayRequest {
  method: string;
  /** The path as the client sent it, percent-encoding kept. */
  rawPath: string;
  /** After the '?', as sent ('' when none). */
  rawQuery: string;
  /** Name, value, name, value... in order and case as sent (Node's rawHeaders). */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
  protocol: string;
  requestId: string;
  /** host:port the client addressed. */
  domainName: string;
  time: Date;
}

export function gatewayRequest(req: IncomingMessage, body: Buffer, requestId: string, fallbackHost: string): GatewayRequest {
  const { path, query } = splitTarget(req.url ?? '/');
  return {
    method: req.method ?? 'GET',
    rawPath: path,
    rawQuery: query,
    rawHeaders: req.rawHeaders,
    body,
    sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
    protocol: `HTTP/${req.httpVersion}`,
    requestId,
    domainName: req.headers.host ?? fallbackHost,
    time: new Date(),
  };
}

/** A header's value (the last one sent), by case-insensitive name. */
export function headerValue(request: Pick<GatewayRequest, 'rawHeaders'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const raw = request.rawHeaders;
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) if (raw[i].toLowerCase() === wanted) value = raw[i + 1];
  return value;
}

export function decodeQueryComponent(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/** The query string's parameters, decoded, each with every value in order. */
export function queryPairs(rawQuery: string): [string, string][] {
  const pairs: [string, string][] = [];
  if (rawQuery.length === 0) return pairs;
  for (const pair of rawQuery.split('&')) {
    if (pair.length === 0) continue;
    const eq = pair.indexOf('=');
    pairs.push([decodeQueryComponent(eq === -1 ? pair : pair.slice(0, eq)), eq === -1 ? '' : decodeQueryComponent(pair.slice(eq + 1))]);
  }
  return pairs;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** requestContext's time format: 12/Mar/2020:19:03:58 +0000. */
export function requestTime(date: Date): string {
  const pad = (n: number): string => (n < 10 ? `0${n}` : String(n));
  return (
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

/** Bodies HTTP APIs and Function URLs pass as text; everything else arrives base64-encoded with isBase64Encoded true. */
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

/** Whether a content type (or Accept value) is one of a REST API's BinaryMediaTypes (image/png, image/*, *\/*). */
export function isBinaryMediaType(contentType: string | undefined, binaryMediaTypes: readonly string[]): boolean {
  if (contentType === undefined || binaryMediaTypes.length === 0) return false;
  for (const candidate of contentType.split(',')) {
    const type = candidate.split(';', 1)[0].trim().toLowerCase();
    const [major] = type.split('/');
    for (const binary of binaryMediaTypes) {
      const b = binary.toLowerCase();
      if (b === type || b === '*/*' || (b.endsWith('/*') && b.slice(0, -2) === major)) return true;
    }
  }
  return false;
}
