import type { FunctionDefinition } from '../functions/definition';
import type { HttpRouteDefinition } from '../functions/routes';

type Segment = { kind: 0; text: string } | { kind: 1; name: string } | { kind: 2; name: string };
const LITERAL = 0;
const PARAM = 1;
const GREEDY = 2;

/** A route ready to match: its path split once into literal, {param} and {greedy+} segments. */
export interface CompiledRoute {
  route: HttpRouteDefinition;
  functionName: string;
  segments: Segment[];
  isDefault: boolean;
}

export interface RouteMatch {
  compiled: CompiledRoute;
  /** Decoded values by parameter name; undefined when the route has none (API Gateway sends null). */
  pathParameters: Record<string, string> | undefined;
}

function compileSegments(path: string): Segment[] {
  if (path === '/' || path === '$default') return [];
  return path.slice(1).split('/').map((part): Segment => {
    const param = /^\{([^}]+)\}$/.exec(part);
    if (!param) return { kind: LITERAL, text: part };
    return param[1].endsWith('+') ? { kind: GREEDY, name: param[1].slice(0, -1) } : { kind: PARAM, name: param[1] };
  });
}

function splitRequestPath(rawPath: string): string[] {
  let path = rawPath;
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return path === '/' || path === '' ? [] : path.slice(1).split('/');
}

function decodeSegment(value: string): string {
  if (value.indexOf('%') === -1) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The path parameters if `parts` match `segments`, else undefined. */
function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined | false {
  let params: Record<string, string> | undefined;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (segment.kind === GREEDY) {
      if (i >= parts.length) return false;
      (params ??= {})[segment.name] = decodeSegment(parts.slice(i).join('/'));
      return params;
    }
    if (i >= parts.length) return false;
    if (segment.kind === LITERAL) {
      if (segment.text !== parts[i] && segment.text !== decodeSegment(parts[i])) return false;
    } else {
      if (parts[i].length === 0) return false;
      (params ??= {})[segment.name] = decodeSegment(parts[i]);
    }
  }
  return segments.length === parts.length ? params : false;
}

/** API Gateway's precedence: position by position, a literal beats a parameter beats a greedy parameter; then a method beats ANY. */
function moreSpecific(a: CompiledRoute, b: CompiledRoute): boolean {
  if (a.isDefault !== b.isDefault) return b.isDefault;
  const n = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    if (a.segments[i].kind !== b.segments[i].kind) return a.segments[i].kind < b.segments[i].kind;
  }
  if (a.segments.length !== b.segments.length) return a.segments.length > b.segments.length;
  return a.route.method !== 'ANY' && b.route.method === 'ANY';
}

/** Every served route of the workspace, matched as API Gateway does. */
export class RouteTable {
  readonly routes: CompiledRoute[];

  constructor(functions: readonly Pick<FunctionDefinition, 'name' | 'routes'>[]) {
    this.routes = [];
    for (const fn of functions) {
      for (const route of fn.routes ?? []) {
        this.routes.push({ route, functionName: fn.name, segments: compileSegments(route.path), isDefault: route.path === '$default' });
      }
    }
  }

  /** The most specific route for this method and path; `anyMethod` matches whatever the route's method. */
  match(method: string, rawPath: string, anyMethod = false): RouteMatch | undefined {
    const parts = splitRequestPath(rawPath);
    let best: RouteMatch | undefined;
    for (const compiled of this.routes) {
      const m = compiled.route.method;
      if (!anyMethod && m !== method && m !== 'ANY') continue;
      const params = compiled.isDefault ? undefined : matchSegments(compiled.segments, parts);
      if (params === false) continue;
      if (best === undefined || moreSpecific(compiled, best.compiled)) best = { compiled, pathParameters: params };
    }
    return best;
  }

  /** The methods routes of this path accept (a preflight's Access-Control-Allow-Methods when Cors names none). */
  methodsOf(rawPath: string): string[] {
    const parts = splitRequestPath(rawPath);
    const methods = new Set<string>();
    for (const compiled of this.routes) {
      if (!compiled.isDefault && matchSegments(compiled.segments, parts) !== false) methods.add(compiled.route.method);
    }
    if (methods.has('ANY')) return ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];
    methods.add('OPTIONS');
    return [...methods].sort();
  }
}
