import type { LambdaAuthorizer, UncheckedAuthorizer } from '../functions/routes';
import { routeKeyOf } from '../functions/routes';
import { errorMessage } from '../errors';
import type { FunctionInvoker } from '../runtime/invoker';
import type { InvokeResult } from '../runtime/invokeResult';
import { policyAllows } from './authorizerPolicy';
import type { EventScope } from './eventContext';
import { answersFor } from './gatewayAnswers';
import { type GatewayRequest, headerValue, queryPairs } from './gatewayRequest';
import type { HttpAnswer } from './httpAnswer';
import { payloadV1Event } from './payloadV1';
import { payloadV2Event } from './payloadV2';
import type { RouteMatch } from './routeTable';

export type AuthorizerOutcome =
  | { allowed: true; authorizer: Record<string, unknown> | undefined }
  | { allowed: false; answer: HttpAnswer };

/** What an authorizer answered, kept for its TTL under the caller's identity. */
type Decision =
  | { kind: 'policy'; policyDocument: unknown; principalId: unknown; context: Record<string, unknown> | undefined }
  | { kind: 'simple'; isAuthorized: boolean; context: Record<string, unknown> | undefined };

interface CachedDecision {
  decision: Decision;
  expiresAt: number;
}

export interface AuthorizerScope {
  region: string;
  accountId: string;
  warn: (message: string) => void;
  /** Each authorizer invocation's result, for its log. */
  onInvoked?: (functionName: string, result: InvokeResult) => void;
}

/**
 * Runs a route's authorizer before its function: Lambda authorizers in their own function's instances,
 * their answers cached for the TTL per identity; JWT, Cognito and IAM let requests through unverified,
 * with a warning once per route.
 */
export class RouteAuthorization {
  private readonly cache = new Map<string, CachedDecision>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly invoker: FunctionInvoker,
    private readonly scope: AuthorizerScope,
  ) {}

  /** Forget every cached answer (a redeploy may have changed the authorizer). */
  clear(): void {
    this.cache.clear();
  }

  async authorize(match: RouteMatch, request: GatewayRequest, eventScope: EventScope): Promise<AuthorizerOutcome> {
    const { route } = match.compiled;
    const authorizer = route.authorizer;
    if (authorizer === undefined) return { allowed: true, authorizer: undefined };
    if (authorizer.kind === 'unchecked') return { allowed: true, authorizer: this.unchecked(authorizer, match, request) };
    const answers = answersFor(route.api.kind);
    const identity = this.identity(authorizer, request);
    if (identity === undefined) return { allowed: false, answer: answers.unauthorized };
    if (authorizer.validationExpression !== undefined && !new RegExp(`^(?:${authorizer.validationExpression})$`).test(identity[0] ?? '')) {
      return { allowed: false, answer: answers.unauthorized };
    }
    const arn = `arn:aws:execute-api:${this.scope.region}:${this.scope.accountId}:${route.api.id}/${route.api.stage}/${request.method}${request.rawPath}`;
    const cacheKey = `${route.api.id}\u0000${authorizer.name}\u0000${identity.join('\u0000')}`;
    const started = performance.now();
    let decision: Decision | undefined;
    const cached = authorizer.ttlSeconds > 0 ? this.cache.get(cacheKey) : undefined;
    if (cached && cached.expiresAt > Date.now()) {
      decision = cached.decision;
    } else {
      const event = this.event(authorizer, request, eventScope, identity, arn, route.api.kind === 'http');
      let result: InvokeResult;
      try {
        result = await this.invoker.invoke(authorizer.functionName, Buffer.from(JSON.stringify(event)), { wantsLog: false });
      } catch (error) {
        this.scope.warn(`authorizer ${authorizer.name} (${authorizer.functionName}) could not run: ${errorMessage(error)}`);
        return { allowed: false, answer: answers.authorizerFailed };
      }
      this.scope.onInvoked?.(authorizer.functionName, result);
      if (result.status === 'error') {
        // `throw new Error('Unauthorized')` (callback('Unauthorized')) is how an authorizer answers 401.
        if (result.error?.errorMessage === 'Unauthorized') return { allowed: false, answer: answers.unauthorized };
        this.scope.warn(`authorizer ${authorizer.name} failed: ${result.error?.errorType ?? 'Error'}: ${result.error?.errorMessage ?? ''}`);
        return { allowed: false, answer: answers.authorizerFailed };
      }
      decision = this.decision(authorizer, result.payload, route.api.kind);
      if (decision === undefined) return { allowed: false, answer: answers.authorizerFailed };
      if (authorizer.ttlSeconds > 0) this.cache.set(cacheKey, { decision, expiresAt: Date.now() + authorizer.ttlSeconds * 1000 });
    }
    const allowed = decision.kind === 'simple' ? decision.isAuthorized : policyAllows(decision.policyDocument, arn) === true;
    if (!allowed) return { allowed: false, answer: answers.forbidden };
    const latency = Math.round(performance.now() - started);
    if (route.api.kind === 'http') return { allowed: true, authorizer: { lambda: decision.context ?? null } };
    const context: Record<string, unknown> = {};
    // REST APIs hand the context's values on as strings.
    for (const [key, value] of Object.entries(decision.context ?? {})) context[key] = String(value);
    return { allowed: true, authorizer: { ...context, principalId: decision.kind === 'policy' ? decision.principalId : undefined, integrationLatency: latency } };
  }

  /** The identity source values, or undefined when one is missing (API Gateway answers 401 without running the authorizer). */
  private identity(authorizer: LambdaAuthorizer, request: GatewayRequest): string[] | undefined {
    const values: string[] = [];
    for (const source of authorizer.identitySources) {
      const value = source.in === 'header'
        ? headerValue(request, source.name)
        : queryPairs(request.rawQuery).find(([key]) => key === source.name)?.[1];
      if (value === undefined || value.length === 0) return undefined;
      values.push(value);
    }
    return values;
  }

  private event(authorizer: LambdaAuthorizer, request: GatewayRequest, scope: EventScope, identity: string[], arn: string, httpApi: boolean): Record<string, unknown> {
    if (authorizer.type === 'TOKEN') return { type: 'TOKEN', authorizationToken: identity[0], methodArn: arn };
    if (httpApi && authorizer.payloadFormat === '2.0') {
      const { version, ...rest } = payloadV2Event(request, scope);
      delete rest.body;
      delete rest.isBase64Encoded;
      return { version, type: 'REQUEST', routeArn: arn, identitySource: identity, ...rest };
    }
    const { body: _body, isBase64Encoded: _isBase64Encoded, version: _version, ...rest } = payloadV1Event(request, scope, httpApi);
    return {
      ...(httpApi ? { version: '1.0' } : {}),
      type: 'REQUEST',
      methodArn: arn,
      ...(httpApi ? { identitySource: identity.join(','), authorizationToken: identity[0] } : {}),
      ...rest,
    };
  }

  private decision(authorizer: LambdaAuthorizer, payload: Buffer, kind: 'rest' | 'http'): Decision | undefined {
    let value: unknown;
    try {
      value = JSON.parse(payload.toString('utf8'));
    } catch {
      value = undefined;
    }
    const response = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
    const context = response?.context;
    if (context !== undefined && context !== null && (typeof context !== 'object' || Array.isArray(context))) return this.bad(authorizer, 'context must be an object');
    const ctx = (context ?? undefined) as Record<string, unknown> | undefined;
    if (kind === 'rest' && ctx && Object.values(ctx).some((v) => v !== null && typeof v === 'object')) {
      return this.bad(authorizer, 'a REST API authorizer\'s context values must be strings, numbers or booleans');
    }
    if (authorizer.simpleResponses) {
      if (typeof response?.isAuthorized !== 'boolean') return this.bad(authorizer, 'with simple responses it must answer { isAuthorized: true|false, context }');
      return { kind: 'simple', isAuthorized: response.isAuthorized, context: ctx };
    }
    if (response === undefined || policyAllows(response.policyDocument, 'arn:probe') === undefined) {
      return this.bad(authorizer, 'it must answer { principalId, policyDocument: { Version, Statement: [...] }, context }');
    }
    return { kind: 'policy', policyDocument: response.policyDocument, principalId: response.principalId, context: ctx };
  }

  private bad(authorizer: LambdaAuthorizer, why: string): undefined {
    this.scope.warn(`authorizer ${authorizer.name} (${authorizer.functionName}) answered something API Gateway refuses: ${why}`);
    return undefined;
  }

  /** What reaches requestContext.authorizer when the authorizer cannot be checked: the token's claims, unverified. */
  private unchecked(authorizer: UncheckedAuthorizer, match: RouteMatch, request: GatewayRequest): Record<string, unknown> | undefined {
    const { route } = match.compiled;
    const key = `${route.api.id} ${routeKeyOf(route)}`;
    if (!this.warned.has(key)) {
      this.warned.add(key);
      this.scope.warn(`${routeKeyOf(route)} (${route.api.id}): the ${authorizer.type} authorizer ${authorizer.name} cannot be checked offline; requests pass unverified`);
    }
    const claims = jwtClaims(headerValue(request, 'authorization'));
    if (authorizer.type === 'JWT') {
      return { jwt: { claims: claims ?? {}, scopes: typeof claims?.scope === 'string' ? claims.scope.split(' ') : null } };
    }
    if (authorizer.type === 'COGNITO_USER_POOLS') return { claims: claims ?? {} };
    return undefined;
  }
}

/** A JWT's payload, read without verifying it (there are no keys offline). */
function jwtClaims(authorization: string | undefined): Record<string, unknown> | undefined {
  const token = authorization?.replace(/^Bearer\s+/i, '');
  const part = token?.split('.')[1];
  if (part === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return claims !== null && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
