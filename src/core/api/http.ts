import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type LambdaApiException, apiErrors } from './errors';

export function sendJson(res: ServerResponse, status: number, body: unknown, requestId = randomUUID()): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'X-Amzn-RequestId': requestId,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Answers with a Lambda exception: its status, X-Amzn-ErrorType and {"Type":..., "message":...}. */
export function sendException(res: ServerResponse, exception: LambdaApiException, requestId = randomUUID()): void {
  if (res.headersSent) {
    res.destroy(exception);
    return;
  }
  const text = exception.body();
  const headers: Record<string, string | number> = {
    'X-Amzn-RequestId': requestId,
    'X-Amzn-ErrorType': exception.exception,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  };
  if (exception.extra?.retryAfterSeconds !== undefined) headers['Retry-After'] = exception.extra.retryAfterSeconds;
  res.writeHead(exception.status, headers);
  res.end(text);
}

/** Bodies past this are not even buffered: the connection is closed after the 413 answer. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * Reads a request body up to `limit` bytes. Past it, rejects with RequestTooLargeException after
 * reading the rest (so the client sees the answer rather than a reset), up to a hard bound.
 */
export function readBody(req: IncomingMessage, limit: number, operation: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > DRAIN_LIMIT_BYTES) {
      reject(apiErrors.tooLarge(limit, operation, Number(declared)));
      return;
    }
    let first: Buffer | undefined;
    let chunks: Buffer[] | undefined;
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return; // keep draining; answered at 'end'
      if (first === undefined) first = chunk;
      else (chunks ??= [first]).push(chunk);
    });
    req.on('end', () => {
      if (size > limit) reject(apiErrors.tooLarge(limit, operation, size));
      else resolve(chunks !== undefined ? Buffer.concat(chunks, size) : (first ?? Buffer.alloc(0)));
    });
    req.on('error', reject);
  });
}

/** Splits a request target into its path and the value of one query parameter, without a URL object. */
export function splitTarget(target: string): { path: string; query: string } {
  const q = target.indexOf('?');
  return q === -1 ? { path: target, query: '' } : { path: target.slice(0, q), query: target.slice(q + 1) };
}

export function queryParam(query: string, name: string): string | undefined {
  if (query.length === 0) return undefined;
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    if (key === name) return eq === -1 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
  }
  return undefined;
}
