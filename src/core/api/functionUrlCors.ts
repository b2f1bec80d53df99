import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { corsHeaders as corsHeadersFor, isPreflightRequest, listCors } from '../gateway/cors';

/** The CORS headers a Function URL adds for this request's Origin, when its Cors allows that origin. */
export function corsHeaders(rawCors: Record<string, unknown> | undefined, req: IncomingMessage): OutgoingHttpHeaders {
  const cors = listCors(rawCors);
  if (cors === undefined) return {};
  return corsHeadersFor(cors, req.headers.origin, isPreflightRequest(req.method, req.headers['access-control-request-method'] as string | undefined));
}

/** A preflight the URL answers itself, without invoking the function, when the function has Cors. */
export function isPreflight(rawCors: Record<string, unknown> | undefined, req: IncomingMessage): boolean {
  return rawCors !== undefined && isPreflightRequest(req.method, req.headers['access-control-request-method'] as string | undefined);
}
