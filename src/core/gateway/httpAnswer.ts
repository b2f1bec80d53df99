import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { InvokeResult } from '../runtime/invokeResult';

/** An HTTP response a gateway (an API, a Function URL) sends for a function's result. */
export interface HttpAnswer {
  statusCode: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

export const JSON_TYPE = 'application/json';

export function hasHeader(headers: OutgoingHttpHeaders, name: string): boolean {
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return true;
  return false;
}

/** A function's response headers (and 2.0's cookies, as Set-Cookie) as Node's header object. */
export function responseHeaders(headers: unknown, cookies: unknown): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  if (headers !== null && typeof headers === 'object') {
    for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
      if (value !== undefined && value !== null) out[name] = String(value);
    }
  }
  if (Array.isArray(cookies) && cookies.length > 0) out['set-cookie'] = cookies.map(String);
  return out;
}

export function jsonAnswer(statusCode: number, body: unknown, headers: OutgoingHttpHeaders = {}): HttpAnswer {
  return { statusCode, headers: { 'content-type': JSON_TYPE, ...headers }, body: Buffer.from(JSON.stringify(body)) };
}

export function sendAnswer(res: ServerResponse, answer: HttpAnswer, extraHeaders: OutgoingHttpHeaders): void {
  res.writeHead(answer.statusCode, { ...answer.headers, ...extraHeaders, 'content-length': answer.body.length });
  res.end(answer.body);
}

/**
 * Payload format 2.0's response rules (HTTP APIs and Function URLs): an object with statusCode is the
 * response (headers, cookies, body, isBase64Encoded); any other JSON is a 200 application/json body (a
 * string result is the body itself); a function error or a bad statusCode is `failure`.
 */
export function payloadV2Answer(result: InvokeResult, failure: HttpAnswer): HttpAnswer {
  if (result.status === 'error') return failure;
  let value: unknown;
  try {
    value = JSON.parse(result.payload.toString('utf8'));
  } catch {
    return { statusCode: 200, headers: { 'content-type': JSON_TYPE }, body: result.payload };
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'statusCode' in value) {
    const response = value as Record<string, unknown>;
    const statusCode = Number(response.statusCode);
    if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return failure;
    const headers = responseHeaders(response.headers, response.cookies);
    const rawBody = response.body;
    let body: Buffer;
    if (rawBody === undefined || rawBody === null) body = Buffer.alloc(0);
    else if (typeof rawBody === 'string') body = Buffer.from(rawBody, response.isBase64Encoded === true ? 'base64' : 'utf8');
    else body = Buffer.from(JSON.stringify(rawBody));
    if (body.length > 0 && !hasHeader(headers, 'content-type')) headers['content-type'] = JSON_TYPE;
    return { statusCode, headers, body };
  }
  const body = typeof value === 'string' ? Buffer.from(value) : result.payload;
  return { statusCode: 200, headers: { 'content-type': JSON_TYPE }, body };
}
