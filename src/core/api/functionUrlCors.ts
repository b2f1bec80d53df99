import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';

/** A Function URL's Cors as SAM and CloudFormation spell it. */
interface CorsConfig {
  AllowCredentials?: boolean;
  AllowHeaders?: string[];
  AllowMethods?: string[];
  AllowOrigins?: string[];
  ExposeHeaders?: string[];
  MaxAge?: number;
}

function list(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.map(String) : undefined;
}

function readCors(cors: Record<string, unknown>): CorsConfig {
  return {
    AllowCredentials: cors.AllowCredentials === true,
    AllowHeaders: list(cors.AllowHeaders),
    AllowMethods: list(cors.AllowMethods),
    AllowOrigins: list(cors.AllowOrigins),
    ExposeHeaders: list(cors.ExposeHeaders),
    MaxAge: typeof cors.MaxAge === 'number' ? cors.MaxAge : undefined,
  };
}

/** The CORS headers a Function URL adds for this request's Origin, when its Cors allows that origin. */
export function corsHeaders(rawCors: Record<string, unknown> | undefined, req: IncomingMessage): OutgoingHttpHeaders {
  const origin = req.headers.origin;
  if (rawCors === undefined || origin === undefined) return {};
  const cors = readCors(rawCors);
  const origins = cors.AllowOrigins ?? [];
  if (!origins.includes('*') && !origins.includes(origin)) return {};
  const headers: OutgoingHttpHeaders = {
    'access-control-allow-origin': origins.includes('*') && !cors.AllowCredentials ? '*' : origin,
  };
  if (cors.AllowCredentials) headers['access-control-allow-credentials'] = 'true';
  if (cors.ExposeHeaders !== undefined) headers['access-control-expose-headers'] = cors.ExposeHeaders.join(',');
  if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
    if (cors.AllowMethods !== undefined) headers['access-control-allow-methods'] = cors.AllowMethods.join(',');
    if (cors.AllowHeaders !== undefined) headers['access-control-allow-headers'] = cors.AllowHeaders.join(',');
    if (cors.MaxAge !== undefined) headers['access-control-max-age'] = String(cors.MaxAge);
  }
  return headers;
}

/** A preflight the URL answers itself, without invoking the function, when the function has Cors. */
export function isPreflight(rawCors: Record<string, unknown> | undefined, req: IncomingMessage): boolean {
  return rawCors !== undefined && req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
}
