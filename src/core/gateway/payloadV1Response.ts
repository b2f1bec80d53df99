import type { OutgoingHttpHeaders } from 'node:http';
import type { InvokeResult } from '../runtime/invokeResult';
import { type HttpAnswer, JSON_TYPE, hasHeader } from './httpAnswer';

const ALLOWED_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);

/**
 * Payload format 1.0's response rules: a JSON object with an integer statusCode, string headers, lists in
 * multiValueHeaders (both sent), a string body. A REST API refuses anything else (unknown keys, a body that
 * is not a string) as a malformed proxy response: `failure`. A base64 body is sent as bytes where
 * `decodeBase64` says so (REST: BinaryMediaTypes; HTTP APIs: always).
 */
export function payloadV1Answer(result: InvokeResult, failure: HttpAnswer, decodeBase64: (contentType: string | undefined) => boolean): HttpAnswer {
  if (result.status === 'error') return failure;
  let value: unknown;
  try {
    value = JSON.parse(result.payload.toString('utf8'));
  } catch {
    return failure;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return failure;
  const response = value as Record<string, unknown>;
  for (const key of Object.keys(response)) if (!ALLOWED_KEYS.has(key)) return failure;
  const statusCode = typeof response.statusCode === 'string' ? Number(response.statusCode) : response.statusCode;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return failure;
  if (response.body !== undefined && response.body !== null && typeof response.body !== 'string') return failure;

  const headers: OutgoingHttpHeaders = {};
  const add = (name: string, value: unknown): void => {
    if (value === undefined || value === null) return;
    const key = name.toLowerCase();
    const existing = headers[key];
    const text = String(value);
    if (existing === undefined) headers[key] = text;
    else headers[key] = Array.isArray(existing) ? [...existing, text] : [String(existing), text];
  };
  if (response.headers !== undefined && response.headers !== null) {
    if (typeof response.headers !== 'object') return failure;
    for (const [name, v] of Object.entries(response.headers as Record<string, unknown>)) add(name, v);
  }
  if (response.multiValueHeaders !== undefined && response.multiValueHeaders !== null) {
    if (typeof response.multiValueHeaders !== 'object') return failure;
    for (const [name, values] of Object.entries(response.multiValueHeaders as Record<string, unknown>)) {
      if (!Array.isArray(values)) return failure;
      // A header in both maps is sent with the values of both, as API Gateway merges them.
      const single = (response.headers as Record<string, unknown> | undefined)?.[name];
      for (const v of values) if (!(single !== undefined && values.length === 1 && String(v) === String(single))) add(name, v);
    }
  }
  const text = typeof response.body === 'string' ? response.body : '';
  const contentType = headers['content-type'] as string | undefined;
  const body = response.isBase64Encoded === true && decodeBase64(contentType) ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  if (!hasHeader(headers, 'content-type')) headers['content-type'] = JSON_TYPE;
  return { statusCode, headers, body };
}
