import {
  DEFAULT_INTEGRATION_TIMEOUT_MS,
  type HttpApiDefinition,
  type HttpRouteDefinition,
  type LambdaAuthorizer,
  type RouteAuthorizer,
} from '../functions/routes';
import { WORKSPACE_ERROR_CODES } from './errors';
import type { Problem } from './problem';
import { isObj, type Obj } from './projectFileReader';
import { functionNameOfArn, identitySources, normalizeMethod, normalizeRoutePath, serverlessCors, ttlSeconds } from './routeSettings';
import type { YamlSource } from './yamlSource';

type Report = (at: (string | number)[], code: Problem['code'], message: string, functionName?: string) => void;

const ALL_METHODS = ['OPTIONS', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'];

/**
 * The routes serverless.yml's `http` (REST API, lambda-proxy) and `httpApi` events give a function: one
 * REST API (ApiGatewayRestApi, the service's stage) and one HTTP API (HttpApi, $default) per file.
 */
export class ServerlessRoutes {
  private restApi: HttpApiDefinition | undefined;
  private httpApi: HttpApiDefinition | undefined;

  constructor(
    private readonly file: string,
    private readonly source: YamlSource,
    private readonly provider: Obj,
    private readonly stage: string,
    private readonly functionNames: Set<string>,
    private readonly report: Report,
  ) {}

  routes(name: string, fn: Obj): HttpRouteDefinition[] {
    const routes: HttpRouteDefinition[] = [];
    if (!Array.isArray(fn.events)) return routes;
    fn.events.forEach((event: unknown, index: number) => {
      if (!isObj(event)) return;
      const at = ['functions', name, 'events', index];
      if ('http' in event) {
        const route = this.httpRoute(name, event.http, [...at, 'http']);
        if (route) routes.push(route);
      } else if ('httpApi' in event) {
        const route = this.httpApiRoute(name, event.httpApi, [...at, 'httpApi']);
        if (route) routes.push(route);
      }
    });
    return routes;
  }

  private rest(): HttpApiDefinition {
    if (this.restApi) return this.restApi;
    const gateway = isObj(this.provider.apiGateway) ? this.provider.apiGateway : {};
    this.restApi = {
      id: 'ApiGatewayRestApi',
      kind: 'rest',
      stage: this.stage,
      binaryMediaTypes: Array.isArray(gateway.binaryMediaTypes) ? gateway.binaryMediaTypes.map(String) : [],
      source: { file: this.file, line: this.source.lineOf(['provider', 'apiGateway']) },
    };
    return this.restApi;
  }

  private http(): HttpApiDefinition {
    if (this.httpApi) return this.httpApi;
    const settings = isObj(this.provider.httpApi) ? this.provider.httpApi : {};
    this.httpApi = {
      id: 'HttpApi',
      kind: 'http',
      stage: '$default',
      binaryMediaTypes: [],
      source: { file: this.file, line: this.source.lineOf(['provider', 'httpApi']) },
    };
    const cors = serverlessCors(settings.cors, ALL_METHODS);
    if (cors) this.httpApi.cors = cors;
    return this.httpApi;
  }

  /** `http: GET users/{id}` or `http: { path, method, cors, authorizer, integration }`. */
  private httpRoute(name: string, raw: unknown, at: (string | number)[]): HttpRouteDefinition | undefined {
    const spec = typeof raw === 'string' ? shorthand(raw) : isObj(raw) ? raw : undefined;
    const method = normalizeMethod(spec?.method);
    if (!spec || typeof spec.path !== 'string' || method === undefined) {
      this.report(at, WORKSPACE_ERROR_CODES.missingProperty, `${name}: an http event needs a path and a method (get, post, ..., any), e.g. http: GET users/{id}`, name);
      return undefined;
    }
    if (spec.integration !== undefined && !['lambda-proxy', 'aws_proxy', 'aws-proxy'].includes(String(spec.integration).toLowerCase())) {
      this.report(at, WORKSPACE_ERROR_CODES.unsupported, `${name}: http integration ${String(spec.integration)} (request and response templates) is not served locally; use the default lambda-proxy integration`, name);
      return undefined;
    }
    const api = this.rest();
    if (spec.cors !== undefined && spec.cors !== false) {
      // serverless puts cors on the REST API's OPTIONS method of the path; one setting serves the API here.
      api.cors ??= serverlessCors(spec.cors, ALL_METHODS);
    }
    const authorizer = this.restAuthorizer(name, spec.authorizer, [...at, 'authorizer']);
    return {
      api,
      method,
      path: normalizeRoutePath(spec.path),
      payloadFormat: '1.0',
      ...(authorizer ? { authorizer } : {}),
      timeoutMs: DEFAULT_INTEGRATION_TIMEOUT_MS.rest,
      ...(typeof spec.operationId === 'string' && spec.operationId ? { operationName: spec.operationId } : {}),
      source: { file: this.file, line: this.source.lineOf(at) },
    };
  }

  private restAuthorizer(name: string, raw: unknown, at: (string | number)[]): RouteAuthorizer | undefined {
    if (raw === undefined || raw === null) return undefined;
    const spec = isObj(raw) ? raw : { name: raw };
    const type = String(spec.type ?? '').toLowerCase();
    if (spec.name === 'aws_iam' || type === 'aws_iam') return { kind: 'unchecked', name: 'aws_iam', type: 'AWS_IAM' };
    if (type === 'cognito_user_pools' || /cognito-idp/.test(String(spec.arn ?? spec.name ?? ''))) return { kind: 'unchecked', name: String(spec.name ?? 'cognito'), type: 'COGNITO_USER_POOLS' };
    const functionName = functionNameOfArn(spec.arn ?? spec.name);
    if (functionName === undefined || !this.functionNames.has(functionName)) {
      this.report(at, WORKSPACE_ERROR_CODES.unsupported, `${name}: authorizer ${JSON.stringify(raw)} is not a function of this service, so it cannot run locally; the route is served without it`, name);
      return undefined;
    }
    const request = type === 'request';
    const sources = spec.identitySource !== undefined ? identitySources(spec.identitySource) : request ? [] : [{ in: 'header' as const, name: 'Authorization' }];
    const authorizer: LambdaAuthorizer = {
      kind: 'lambda', name: functionName, functionName, type: request ? 'REQUEST' : 'TOKEN', payloadFormat: '1.0', simpleResponses: false,
      identitySources: sources,
      ttlSeconds: sources.length === 0 ? 0 : ttlSeconds(spec.resultTtlInSeconds, 300),
    };
    if (!request && typeof spec.identityValidationExpression === 'string') authorizer.validationExpression = spec.identityValidationExpression;
    return authorizer;
  }

  /** `httpApi: '*'`, `httpApi: 'GET /users'` or `httpApi: { method, path, authorizer }`. */
  private httpApiRoute(name: string, raw: unknown, at: (string | number)[]): HttpRouteDefinition | undefined {
    const spec = raw === '*' ? { path: '$default', method: 'ANY' } : typeof raw === 'string' ? shorthand(raw) : isObj(raw) ? raw : undefined;
    const isDefault = spec?.path === '*' || spec?.path === '$default';
    const method = isDefault ? 'ANY' : normalizeMethod(spec?.method ?? '*');
    if (!spec || typeof spec.path !== 'string' || method === undefined) {
      this.report(at, WORKSPACE_ERROR_CODES.missingProperty, `${name}: an httpApi event needs a path and a method, e.g. httpApi: GET /users/{id}, or '*' for the catch-all`, name);
      return undefined;
    }
    const settings = isObj(this.provider.httpApi) ? this.provider.httpApi : {};
    const authorizer = this.httpApiAuthorizer(name, settings, spec.authorizer, [...at, 'authorizer']);
    return {
      api: this.http(),
      method,
      path: isDefault ? '$default' : normalizeRoutePath(spec.path),
      payloadFormat: String(settings.payload ?? '2.0') === '1.0' ? '1.0' : '2.0',
      ...(authorizer ? { authorizer } : {}),
      timeoutMs: DEFAULT_INTEGRATION_TIMEOUT_MS.http,
      source: { file: this.file, line: this.source.lineOf(at) },
    };
  }

  private httpApiAuthorizer(name: string, settings: Obj, raw: unknown, at: (string | number)[]): RouteAuthorizer | undefined {
    if (raw === undefined || raw === null) return undefined;
    const ref = isObj(raw) ? raw : { name: raw };
    if (String(ref.type ?? '').toLowerCase() === 'aws_iam') return { kind: 'unchecked', name: 'aws_iam', type: 'AWS_IAM' };
    const declared = isObj(settings.authorizers) ? settings.authorizers : {};
    const authorizerName = String(ref.name ?? ref.id ?? '');
    const spec = declared[authorizerName];
    if (!isObj(spec)) {
      this.report(at, WORKSPACE_ERROR_CODES.invalidValue, `${name}: authorizer ${authorizerName} is not declared under provider.httpApi.authorizers; the route is served without it`, name);
      return undefined;
    }
    if (String(spec.type ?? 'jwt').toLowerCase() !== 'request') return { kind: 'unchecked', name: authorizerName, type: 'JWT' };
    const functionName = functionNameOfArn(spec.functionName ?? spec.functionArn);
    if (functionName === undefined || !this.functionNames.has(functionName)) {
      this.report(['provider', 'httpApi', 'authorizers', authorizerName], WORKSPACE_ERROR_CODES.unsupported, `authorizer ${authorizerName}: functionName must name a function of this service to run locally; routes that use it are served without it`);
      return undefined;
    }
    const payloadFormat = String(spec.payloadVersion ?? '2.0') === '1.0' ? '1.0' : '2.0';
    const sources = identitySources(spec.identitySource);
    return {
      kind: 'lambda', name: authorizerName, functionName, type: 'REQUEST', payloadFormat,
      simpleResponses: payloadFormat === '2.0' && spec.enableSimpleResponses === true,
      identitySources: sources,
      ttlSeconds: sources.length === 0 ? 0 : ttlSeconds(spec.resultTtlInSeconds, 300),
    };
  }
}

/** 'GET /users/{id}' as { method, path }. */
function shorthand(text: string): Obj | undefined {
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(text);
  return match ? { method: match[1], path: match[2] } : undefined;
}
