import type { CorsSettings, IdentitySource } from '../functions/routes';
import { isObj } from './projectFileReader';

export { listCors } from '../gateway/cors';

/** The function a Lambda ARN (as the intrinsics resolve !GetAtt F.Arn) or a plain name points at. */
export function functionNameOfArn(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return undefined;
  const arn = /:function:([^:/]+)/.exec(value);
  if (arn) return arn[1];
  return /^[A-Za-z0-9_-]+$/.test(value) ? value : undefined;
}

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  return [];
}

/** SAM's REST Cors values are quoted header values ("'GET,POST'"), as API Gateway's mock integration writes them. */
function unquote(value: unknown): string {
  const text = String(value ?? '').trim();
  return text.length >= 2 && text.startsWith("'") && text.endsWith("'") ? text.slice(1, -1) : text;
}

/** SAM AWS::Serverless::Api Cors: a quoted origin ("'*'") or { AllowOrigin, AllowMethods, AllowHeaders, MaxAge, AllowCredentials }. */
export function samRestCors(value: unknown): CorsSettings | undefined {
  if (value === undefined || value === null || value === false) return undefined;
  if (!isObj(value)) return { allowOrigins: [unquote(value)], allowMethods: [], allowHeaders: [], exposeHeaders: [], allowCredentials: false };
  const maxAge = Number(unquote(value.MaxAge));
  return {
    allowOrigins: value.AllowOrigin === undefined ? ['*'] : list(unquote(value.AllowOrigin)),
    allowMethods: list(unquote(value.AllowMethods)).map((m) => m.toUpperCase()),
    allowHeaders: list(unquote(value.AllowHeaders)),
    exposeHeaders: [],
    ...(value.MaxAge !== undefined && Number.isFinite(maxAge) ? { maxAge } : {}),
    allowCredentials: value.AllowCredentials === true || value.AllowCredentials === 'true',
  };
}

/** The headers serverless's `cors: true` allows, as serverless writes them. */
export const SERVERLESS_DEFAULT_CORS_HEADERS = ['Content-Type', 'X-Amz-Date', 'Authorization', 'X-Api-Key', 'X-Amz-Security-Token', 'X-Amz-User-Agent', 'X-Amzn-Trace-Id'];

/** serverless.yml's cors (http and httpApi): true, or { origin(s) / allowedOrigins, headers / allowedHeaders, ... }. */
export function serverlessCors(value: unknown, methods: string[]): CorsSettings | undefined {
  if (value === true || value === 'true' || value === '*') {
    return { allowOrigins: ['*'], allowMethods: methods, allowHeaders: SERVERLESS_DEFAULT_CORS_HEADERS, exposeHeaders: [], allowCredentials: false };
  }
  if (!isObj(value)) return undefined;
  const origins = list(value.allowedOrigins ?? value.origins ?? value.origin);
  const headers = value.allowedHeaders ?? value.headers;
  const maxAge = Number(value.maxAge);
  return {
    allowOrigins: origins.length > 0 ? origins : ['*'],
    allowMethods: value.allowedMethods !== undefined || value.methods !== undefined ? list(value.allowedMethods ?? value.methods).map((m) => m.toUpperCase()) : methods,
    allowHeaders: headers !== undefined ? list(headers) : SERVERLESS_DEFAULT_CORS_HEADERS,
    exposeHeaders: list(value.exposedResponseHeaders ?? value.exposedHeaders),
    ...(value.maxAge !== undefined && Number.isFinite(maxAge) ? { maxAge } : {}),
    allowCredentials: value.allowCredentials === true || value.credentials === true,
  };
}

/**
 * An identity source as API Gateway spells it: `method.request.header.Authorization` (REST),
 * `$request.header.Authorization` (HTTP APIs), or the same with `querystring`.
 */
export function identitySource(text: string): IdentitySource | undefined {
  const match = /^(?:method\.request|\$request)\.(header|querystring)\.(.+)$/.exec(text.trim());
  if (!match) return undefined;
  return { in: match[1] === 'header' ? 'header' : 'query', name: match[2] };
}

export function identitySources(value: unknown): IdentitySource[] {
  return list(value).map(identitySource).filter((s): s is IdentitySource => s !== undefined);
}

/** SAM's Identity: { Header } for TOKEN; { Headers, QueryStrings } for REQUEST. */
export function samIdentity(identity: unknown, type: 'TOKEN' | 'REQUEST'): IdentitySource[] {
  const id = isObj(identity) ? identity : {};
  if (type === 'TOKEN') return [{ in: 'header', name: typeof id.Header === 'string' ? id.Header : 'Authorization' }];
  return [
    ...list(id.Headers).map((name): IdentitySource => ({ in: 'header', name })),
    ...list(id.QueryStrings).map((name): IdentitySource => ({ in: 'query', name })),
  ];
}

/** A TTL setting in seconds (ReauthorizeEvery, resultTtlInSeconds), else the default. */
export function ttlSeconds(value: unknown, fallback: number): number {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n >= 0 ? Math.min(n, 3600) : fallback;
}

/** A path as API Gateway stores it: a leading slash, no trailing one (except the root). */
export function normalizeRoutePath(path: string): string {
  if (path === '$default') return path;
  let p = path.trim();
  if (!p.startsWith('/')) p = `/${p}`;
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY']);

/** GET, post, any, '*' and x-amazon-apigateway-any-method as one upper-case method, or undefined. */
export function normalizeMethod(method: unknown): string | undefined {
  const m = String(method ?? '').trim().toUpperCase();
  if (m === '*' || m === 'X-AMAZON-APIGATEWAY-ANY-METHOD') return 'ANY';
  return METHODS.has(m) ? m : undefined;
}
