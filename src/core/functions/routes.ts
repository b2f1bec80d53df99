import type { SourceLocation } from './definition';

/** CORS as an API answers it, whatever the template called the settings (SAM's quoted strings, HttpApi lists, serverless). */
export interface CorsSettings {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge?: number;
  allowCredentials: boolean;
}

/** Where an authorizer reads the caller's identity: a header or a query parameter (names as written). */
export interface IdentitySource {
  in: 'header' | 'query';
  name: string;
}

/** A Lambda authorizer that runs locally, in its own function's instances. */
export interface LambdaAuthorizer {
  kind: 'lambda';
  name: string;
  functionName: string;
  /** REST APIs: TOKEN or REQUEST. HTTP APIs: always REQUEST. */
  type: 'TOKEN' | 'REQUEST';
  /** The authorizer event's format on HTTP APIs ('1.0' on REST APIs). */
  payloadFormat: '1.0' | '2.0';
  /** HTTP API 2.0: the function answers { isAuthorized, context } rather than an IAM policy. */
  simpleResponses: boolean;
  identitySources: IdentitySource[];
  /** TOKEN authorizers: a token that does not match is refused (401) without running the function. */
  validationExpression?: string;
  /** 0: every request runs the authorizer. */
  ttlSeconds: number;
}

/** JWT, Cognito and IAM authorizers cannot be checked offline: requests pass, with a warning once per route. */
export interface UncheckedAuthorizer {
  kind: 'unchecked';
  name: string;
  type: 'JWT' | 'COGNITO_USER_POOLS' | 'AWS_IAM';
}

export type RouteAuthorizer = LambdaAuthorizer | UncheckedAuthorizer;

/** One API Gateway API: a REST API (payload 1.0 events) or an HTTP API. */
export interface HttpApiDefinition {
  /** The template's logical id (ServerlessRestApi and ServerlessHttpApi for SAM's implicit APIs). */
  id: string;
  kind: 'rest' | 'http';
  stage: string;
  stageVariables?: Record<string, string>;
  cors?: CorsSettings;
  /** REST APIs: content types passed to functions base64-encoded (and answered as binary). */
  binaryMediaTypes: string[];
  source: SourceLocation;
}

/** One route of an API to a function, as API Gateway would match it. */
export interface HttpRouteDefinition {
  api: HttpApiDefinition;
  /** Upper-case method, or ANY. */
  method: string;
  /** '/orders/{id}', '/files/{proxy+}', or '$default' (an HTTP API's catch-all). */
  path: string;
  payloadFormat: '1.0' | '2.0';
  authorizer?: RouteAuthorizer;
  /** The integration timeout: past it the caller gets API Gateway's timeout answer. */
  timeoutMs: number;
  /** REST APIs: the method's OperationName (serverless's operationId, an OpenAPI operation's operationId). */
  operationName?: string;
  source: SourceLocation;
}

/** API Gateway's integration timeouts when the template sets none. */
export const DEFAULT_INTEGRATION_TIMEOUT_MS = { rest: 29_000, http: 30_000 } as const;

/** HTTP API's route key ('GET /orders/{id}', '$default'). */
export function routeKeyOf(route: Pick<HttpRouteDefinition, 'method' | 'path'>): string {
  return route.path === '$default' ? '$default' : `${route.method} ${route.path}`;
}
