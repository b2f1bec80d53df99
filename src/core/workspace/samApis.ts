import {
  DEFAULT_INTEGRATION_TIMEOUT_MS,
  type HttpApiDefinition,
  type HttpRouteDefinition,
  type LambdaAuthorizer,
  type RouteAuthorizer,
} from '../functions/routes';
import { errorMessage } from '../errors';
import { WORKSPACE_ERROR_CODES } from './errors';
import { resolveIntrinsics, type IntrinsicContext } from './intrinsics';
import type { Problem } from './problem';
import { isObj, type Obj } from './projectFileReader';
import {
  functionNameOfArn,
  identitySources,
  listCors,
  normalizeMethod,
  normalizeRoutePath,
  samIdentity,
  samRestCors,
  ttlSeconds,
} from './routeSettings';
import type { YamlSource } from './yamlSource';

const REST_API = 'AWS::Serverless::Api';
const HTTP_API = 'AWS::Serverless::HttpApi';
const IMPLICIT = { rest: 'ServerlessRestApi', http: 'ServerlessHttpApi' } as const;
const OPENAPI_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'x-amazon-apigateway-any-method'];

type Report = (at: (string | number)[], code: Problem['code'], message: string, functionName?: string) => void;

interface ApiSettings {
  api: HttpApiDefinition;
  authorizers: Map<string, RouteAuthorizer>;
  defaultAuthorizer?: string;
}

/**
 * The routes a SAM template gives its functions: Api and HttpApi events on the implicit APIs or on
 * AWS::Serverless::Api / HttpApi resources (StageName, Cors, Auth, BinaryMediaTypes, Globals), and the
 * paths of an OpenAPI DefinitionBody whose x-amazon-apigateway-integration names a function here.
 */
/** An OpenAPI file an API's DefinitionUri names, parsed. */
export interface DefinitionSource {
  file: string;
  source: YamlSource;
}

export class SamApis {
  private readonly apis = new Map<string, ApiSettings>();

  constructor(
    private readonly file: string,
    private readonly template: Obj,
    private readonly resources: Record<string, Obj>,
    private readonly source: YamlSource,
    private readonly ctx: IntrinsicContext,
    private readonly report: Report,
    private readonly readDefinitionUri?: (location: string) => DefinitionSource,
  ) {}

  /** Routes by function id, for the functions in `functionIds`. */
  routes(functionIds: Set<string>): Map<string, HttpRouteDefinition[]> {
    const routes = new Map<string, HttpRouteDefinition[]>();
    const add = (fn: string, route: HttpRouteDefinition): void => {
      const list = routes.get(fn) ?? [];
      if (!list.some((r) => r.api === route.api && r.method === route.method && r.path === route.path)) list.push(route);
      routes.set(fn, list);
    };
    for (const id of functionIds) {
      const resource = this.resources[id];
      const props = isObj(resource?.Properties) ? resource.Properties : {};
      if (!isObj(props.Events)) continue;
      for (const [eventName, event] of Object.entries(props.Events)) {
        if (!isObj(event) || (event.Type !== 'Api' && event.Type !== 'HttpApi')) continue;
        const at = ['Resources', id, 'Properties', 'Events', eventName];
        try {
          const route = this.eventRoute(id, event.Type === 'Api' ? 'rest' : 'http', this.resolve(event.Properties) ?? {}, at);
          if (route) add(id, route);
        } catch (error) {
          this.report(at, WORKSPACE_ERROR_CODES.invalidValue, `${id}: event ${eventName} cannot be served: ${errorMessage(error)}`, id);
        }
      }
    }
    for (const [apiId, resource] of Object.entries(this.resources)) {
      if (resource.Type !== REST_API && resource.Type !== HTTP_API) continue;
      const props = isObj(resource.Properties) ? resource.Properties : {};
      const definition = this.definition(apiId, props);
      if (!definition) continue;
      for (const { fn, route } of this.openApiRoutes(apiId, resource.Type === REST_API ? 'rest' : 'http', functionIds, definition)) add(fn, route);
    }
    return routes;
  }

  private resolve(value: unknown): Obj | undefined {
    const resolved = resolveIntrinsics(value, this.ctx);
    return isObj(resolved) ? resolved : undefined;
  }

  private eventRoute(fn: string, kind: 'rest' | 'http', props: Obj, at: string[]): HttpRouteDefinition | undefined {
    const apiRef = kind === 'rest' ? props.RestApiId : props.ApiId;
    const apiId = apiRef === undefined ? IMPLICIT[kind] : String(isObj(apiRef) && typeof apiRef.Ref === 'string' ? apiRef.Ref : apiRef);
    const explicit = this.resources[apiId];
    const expectedType = kind === 'rest' ? REST_API : HTTP_API;
    if (apiRef !== undefined && explicit?.Type !== expectedType) {
      this.report([...at, 'Properties', kind === 'rest' ? 'RestApiId' : 'ApiId'], WORKSPACE_ERROR_CODES.invalidValue, `${fn}: ${apiId} is not an ${expectedType} in this template; point the event at one, or leave it out for the implicit API`, fn);
      return undefined;
    }
    const settings = this.api(apiId, kind);
    const isDefault = kind === 'http' && props.Path === undefined && props.Method === undefined;
    const method = isDefault ? 'ANY' : normalizeMethod(props.Method ?? (kind === 'http' ? 'ANY' : undefined));
    if (!isDefault && (typeof props.Path !== 'string' || method === undefined)) {
      this.report([...at, 'Properties'], WORKSPACE_ERROR_CODES.missingProperty, `${fn}: an ${kind === 'rest' ? 'Api' : 'HttpApi'} event needs Path and Method (get, post, ..., any); found ${JSON.stringify(props.Path)} ${JSON.stringify(props.Method)}`, fn);
      return undefined;
    }
    const path = isDefault ? '$default' : normalizeRoutePath(String(props.Path));
    const auth = isObj(props.Auth) ? props.Auth : {};
    const authorizer = this.routeAuthorizer(settings, auth.Authorizer, fn, [...at, 'Properties', 'Auth']);
    const payloadFormat = kind === 'rest' ? '1.0' : String(props.PayloadFormatVersion ?? '2.0') === '1.0' ? '1.0' : '2.0';
    const timeout = Number(props.TimeoutInMillis);
    return {
      api: settings.api,
      method: method ?? 'ANY',
      path,
      payloadFormat,
      ...(authorizer ? { authorizer } : {}),
      timeoutMs: Number.isFinite(timeout) && timeout >= 50 ? timeout : DEFAULT_INTEGRATION_TIMEOUT_MS[kind],
      source: { file: this.file, line: this.source.lineOf(at) },
    };
  }

  private routeAuthorizer(settings: ApiSettings, named: unknown, fn: string | undefined, at: (string | number)[]): RouteAuthorizer | undefined {
    const name = named === undefined ? settings.defaultAuthorizer : String(named);
    if (name === undefined || name === 'NONE') return undefined;
    if (name === 'AWS_IAM') return { kind: 'unchecked', name, type: 'AWS_IAM' };
    const authorizer = settings.authorizers.get(name);
    if (!authorizer) {
      this.report(at, WORKSPACE_ERROR_CODES.invalidValue, `${fn ?? settings.api.id}: authorizer ${name} is not one of API ${settings.api.id}'s Auth.Authorizers (${[...settings.authorizers.keys()].join(', ') || 'none'}); the route is served without it`, fn);
      return undefined;
    }
    return authorizer;
  }

  /** An API's settings: its resource's properties over Globals.Api / Globals.HttpApi (the implicit APIs have only the globals). */
  private api(apiId: string, kind: 'rest' | 'http'): ApiSettings {
    const known = this.apis.get(apiId);
    if (known) return known;
    const globals = isObj(this.template.Globals) ? this.template.Globals : {};
    const global = (kind === 'rest' ? globals.Api : globals.HttpApi) as unknown;
    const resource = this.resources[apiId];
    const own = isObj(resource?.Properties) ? resource.Properties : {};
    const at = resource ? ['Resources', apiId, 'Properties'] : ['Globals', kind === 'rest' ? 'Api' : 'HttpApi'];
    const props: Obj = {};
    for (const source of [isObj(global) ? global : {}, own]) {
      for (const key of ['StageName', 'Cors', 'CorsConfiguration', 'Auth', 'BinaryMediaTypes', 'Variables', 'StageVariables']) {
        if (!(key in source)) continue;
        try {
          props[key] = resolveIntrinsics(source[key], this.ctx);
        } catch (error) {
          this.report([...at, key], WORKSPACE_ERROR_CODES.unresolved, `API ${apiId}: ${key} cannot be known locally (${errorMessage(error)}); it is left out`);
        }
      }
    }
    const variables = isObj(props.Variables) ? props.Variables : isObj(props.StageVariables) ? props.StageVariables : undefined;
    const api: HttpApiDefinition = {
      id: apiId,
      kind,
      stage: typeof props.StageName === 'string' ? props.StageName : kind === 'rest' ? 'Prod' : '$default',
      ...(variables ? { stageVariables: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)])) } : {}),
      binaryMediaTypes: Array.isArray(props.BinaryMediaTypes) ? props.BinaryMediaTypes.map((t) => String(t).replace(/~1/g, '/')) : [],
      source: { file: this.file, line: this.source.lineOf(resource ? ['Resources', apiId] : at) },
    };
    const cors = kind === 'rest' ? samRestCors(props.Cors) : listCors(props.CorsConfiguration);
    if (cors) api.cors = cors;
    const settings: ApiSettings = { api, authorizers: new Map() };
    const auth = isObj(props.Auth) ? props.Auth : {};
    if (typeof auth.DefaultAuthorizer === 'string') settings.defaultAuthorizer = auth.DefaultAuthorizer;
    if (auth.EnableIamAuthorizer === true) settings.authorizers.set('AWS_IAM', { kind: 'unchecked', name: 'AWS_IAM', type: 'AWS_IAM' });
    if (isObj(auth.Authorizers)) {
      for (const [name, raw] of Object.entries(auth.Authorizers)) {
        const authorizer = this.authorizer(apiId, kind, name, isObj(raw) ? raw : {}, [...at, 'Auth', 'Authorizers', name]);
        if (authorizer) settings.authorizers.set(name, authorizer);
      }
    }
    this.apis.set(apiId, settings);
    return settings;
  }

  private authorizer(apiId: string, kind: 'rest' | 'http', name: string, raw: Obj, at: string[]): RouteAuthorizer | undefined {
    if (raw.UserPoolArn !== undefined) return { kind: 'unchecked', name, type: 'COGNITO_USER_POOLS' };
    if (raw.JwtConfiguration !== undefined) return { kind: 'unchecked', name, type: 'JWT' };
    const functionName = functionNameOfArn(raw.FunctionArn);
    if (functionName === undefined || !(functionName in this.resources)) {
      this.report(at, WORKSPACE_ERROR_CODES.unsupported, `API ${apiId}: authorizer ${name}'s FunctionArn must be !GetAtt of a function in this template to run locally; routes that use it are served without it`);
      return undefined;
    }
    const identity = isObj(raw.Identity) ? raw.Identity : {};
    if (kind === 'rest') {
      const type = raw.FunctionPayloadType === 'REQUEST' ? 'REQUEST' : 'TOKEN';
      const sources = samIdentity(identity, type);
      const authorizer: LambdaAuthorizer = {
        kind: 'lambda', name, functionName, type, payloadFormat: '1.0', simpleResponses: false,
        identitySources: sources,
        ttlSeconds: sources.length === 0 ? 0 : ttlSeconds(identity.ReauthorizeEvery, 300),
      };
      if (type === 'TOKEN' && typeof identity.ValidationExpression === 'string') authorizer.validationExpression = identity.ValidationExpression;
      return authorizer;
    }
    const sources = identity.Headers !== undefined || identity.QueryStrings !== undefined ? samIdentity(identity, 'REQUEST') : identitySources(raw.IdentitySource);
    const payloadFormat = String(raw.AuthorizerPayloadFormatVersion ?? '2.0') === '1.0' ? '1.0' : '2.0';
    return {
      kind: 'lambda', name, functionName, type: 'REQUEST', payloadFormat,
      simpleResponses: payloadFormat === '2.0' && raw.EnableSimpleResponses === true,
      identitySources: sources,
      ttlSeconds: sources.length === 0 ? 0 : ttlSeconds(identity.ReauthorizeEvery, 300),
    };
  }

  /**
   * An API's OpenAPI definition: DefinitionBody (AWS::Include of a local file included), or the local file
   * DefinitionUri names, as sam build reads it. Problems are reported; undefined when there is none to read.
   */
  private definition(apiId: string, props: Obj): { body: Obj; at: string[]; file: string; source: YamlSource } | undefined {
    const property = props.DefinitionBody !== undefined ? 'DefinitionBody' : props.DefinitionUri !== undefined ? 'DefinitionUri' : undefined;
    if (!property) return undefined;
    const at = ['Resources', apiId, 'Properties', property];
    try {
      if (property === 'DefinitionBody') {
        const body = this.resolve(props.DefinitionBody);
        return body ? { body, at: [...at], file: this.file, source: this.source } : undefined;
      }
      const uri = resolveIntrinsics(props.DefinitionUri, this.ctx);
      if (typeof uri !== 'string' || !this.readDefinitionUri) {
        this.report(at, WORKSPACE_ERROR_CODES.unsupported, `API ${apiId}: its DefinitionUri is in S3, which cannot be read locally; only the functions' Api/HttpApi events are served: point DefinitionUri at the OpenAPI file in the workspace`);
        return undefined;
      }
      const read = this.readDefinitionUri(uri);
      const body = this.resolve(read.source.value);
      return body ? { body, at: [], file: read.file, source: read.source } : undefined;
    } catch (error) {
      this.report(at, WORKSPACE_ERROR_CODES.unresolved, `API ${apiId}: ${property} cannot be read locally (${errorMessage(error)}); its paths are not served`);
      return undefined;
    }
  }

  private *openApiRoutes(apiId: string, kind: 'rest' | 'http', functionIds: Set<string>, definition: { body: Obj; at: string[]; file: string; source: YamlSource }): Generator<{ fn: string; route: HttpRouteDefinition }> {
    const settings = this.api(apiId, kind);
    const { body, at: bodyAt } = definition;
    if (!isObj(body.paths)) return;
    for (const [rawPath, operations] of Object.entries(body.paths)) {
      if (!isObj(operations)) continue;
      for (const [rawMethod, operation] of Object.entries(operations)) {
        if (!OPENAPI_METHODS.includes(rawMethod.toLowerCase()) || !isObj(operation)) continue;
        const integration = operation['x-amazon-apigateway-integration'];
        if (!isObj(integration)) continue;
        const at = [...bodyAt, 'paths', rawPath, rawMethod];
        const fn = this.integrationFunction(integration.uri, functionIds);
        if (fn === undefined) {
          this.report(definition.file === this.file ? at : bodyAt.length ? bodyAt : ['Resources', apiId], WORKSPACE_ERROR_CODES.unsupported, `API ${apiId}: ${rawMethod.toUpperCase()} ${rawPath}'s integration uri does not name a function of this template (use !Sub ...functions/\${Fn.Arn}/invocations); it is not served`);
          continue;
        }
        const timeout = Number(integration.timeoutInMillis);
        const authorizer = this.routeAuthorizer(settings, undefined, fn, at);
        const route: HttpRouteDefinition = {
          api: settings.api,
          method: normalizeMethod(rawMethod) ?? 'ANY',
          path: normalizeRoutePath(rawPath),
          payloadFormat: kind === 'rest' ? '1.0' : String(integration.payloadFormatVersion ?? '2.0') === '1.0' ? '1.0' : '2.0',
          ...(authorizer ? { authorizer } : {}),
          timeoutMs: Number.isFinite(timeout) && timeout >= 50 ? timeout : DEFAULT_INTEGRATION_TIMEOUT_MS[kind],
          ...(kind === 'rest' && typeof operation.operationId === 'string' && operation.operationId ? { operationName: operation.operationId } : {}),
          source: { file: definition.file, line: definition.source.lineOf(definition.file === this.file ? at : ['paths', rawPath, rawMethod]) },
        };
        yield { fn, route };
      }
    }
  }

  /**
   * The function an integration uri invokes: `...functions/<ARN>/invocations`, the ARN from !GetAtt Fn.Arn or
   * written out (the function's logical id or its FunctionName), or `${Fn.Arn}` as an OpenAPI file that
   * CloudFormation does not substitute may leave it.
   */
  private integrationFunction(uri: unknown, functionIds: Set<string>): string | undefined {
    const target = /functions\/([^/]+)\/invocations/.exec(String(uri ?? ''))?.[1];
    if (!target) return undefined;
    const name = /^\$\{([A-Za-z0-9]+)\.Arn\}$/.exec(target)?.[1] ?? functionNameOfArn(target);
    if (name === undefined || functionIds.has(name)) return name;
    return [...functionIds].find((id) => {
      try {
        const props = this.resources[id]?.Properties;
        return isObj(props) && resolveIntrinsics(props.FunctionName, this.ctx) === name;
      } catch {
        return false;
      }
    });
  }
}
