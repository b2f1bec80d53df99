import type { OutgoingHttpHeaders } from 'node:http';
import type { CorsSettings } from '../functions/routes';

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  return [];
}

/** CorsConfiguration as HTTP APIs and Function URLs spell it: true (allow everything) or { AllowOrigins: [...], ... }. */
export function listCors(value: unknown): CorsSettings | undefined {
  if (value === true || value === 'true') return { allowOrigins: ['*'], allowMethods: ['*'], allowHeaders: ['*'], exposeHeaders: [], allowCredentials: false };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const cors = value as Record<string, unknown>;
  const maxAge = Number(cors.MaxAge);
  return {
    allowOrigins: list(cors.AllowOrigins),
    allowMethods: list(cors.AllowMethods).map((m) => m.toUpperCase()),
    allowHeaders: list(cors.AllowHeaders),
    exposeHeaders: list(cors.ExposeHeaders),
    ...(cors.MaxAge !== undefined && Number.isFinite(maxAge) ? { maxAge } : {}),
    allowCredentials: cors.AllowCredentials === true,
  };
}

/** A browser's preflight: OPTIONS with Access-Control-Request-Method. */
export function isPreflightRequest(method: string | undefined, requestMethod: string | undefined): boolean {
  return method === 'OPTIONS' && requestMethod !== undefined;
}

/** The headers an HTTP API or Function URL adds for an allowed Origin (none for another origin). */
export function corsHeaders(cors: CorsSettings, origin: string | undefined, preflight: boolean): OutgoingHttpHeaders {
  if (origin === undefined) return {};
  const origins = cors.allowOrigins;
  const any = origins.includes('*');
  if (!any && !origins.includes(origin)) return {};
  const headers: OutgoingHttpHeaders = { 'access-control-allow-origin': any && !cors.allowCredentials ? '*' : origin };
  if (cors.allowCredentials) headers['access-control-allow-credentials'] = 'true';
  if (cors.exposeHeaders.length > 0) headers['access-control-expose-headers'] = cors.exposeHeaders.join(',');
  if (preflight) {
    if (cors.allowMethods.length > 0) headers['access-control-allow-methods'] = cors.allowMethods.join(',');
    if (cors.allowHeaders.length > 0) headers['access-control-allow-headers'] = cors.allowHeaders.join(',');
    if (cors.maxAge !== undefined) headers['access-control-max-age'] = String(cors.maxAge);
  }
  return headers;
}

/**
 * What a REST API's generated OPTIONS method (a mock integration, as SAM and serverless make it) answers:
 * the configured values whatever the Origin, and the path's methods when Cors names none.
 */
export function restPreflightHeaders(cors: CorsSettings, pathMethods: string[]): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    'access-control-allow-origin': cors.allowOrigins.join(','),
    'access-control-allow-methods': (cors.allowMethods.length > 0 ? cors.allowMethods : pathMethods).join(','),
  };
  if (cors.allowHeaders.length > 0) headers['access-control-allow-headers'] = cors.allowHeaders.join(',');
  if (cors.maxAge !== undefined) headers['access-control-max-age'] = String(cors.maxAge);
  if (cors.allowCredentials) headers['access-control-allow-credentials'] = 'true';
  return headers;
}
