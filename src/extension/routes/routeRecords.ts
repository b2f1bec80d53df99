import type { FunctionDefinition } from '../../core/functions/definition';
import type { RouteRecord } from '../model/records';
import { NODE_PREFIX } from '../views/treeNode';

export function routeRecords(definition: FunctionDefinition): RouteRecord[] {
  return (definition.routes ?? []).map((route) => ({
    functionName: definition.name,
    method: route.path === '$default' ? 'ANY' : route.method,
    path: route.path,
    apiId: route.api.id,
    apiKind: route.api.kind,
    stage: route.api.stage,
  }));
}

/** A route node's id: route:FUNCTION|API|METHOD|PATH (a path never holds '|'). */
export function routeNodeId(route: RouteRecord): string {
  return `${NODE_PREFIX.route}${route.functionName}|${route.apiId}|${route.method}|${route.path}`;
}

/** A route node (its record), or a { functionName, method, path[, apiId] } record: the route a command is about. */
export function routeKeyOf(arg: unknown): (Pick<RouteRecord, 'functionName' | 'method' | 'path'> & { apiId?: string }) | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const data = (arg as { data?: { kind?: unknown; record?: unknown } }).data;
  const record = (data?.kind === 'route' ? data.record : arg) as Record<string, unknown>;
  if (typeof record.functionName === 'string' && typeof record.method === 'string' && typeof record.path === 'string') {
    return { functionName: record.functionName, method: record.method.toUpperCase(), path: record.path, ...(typeof record.apiId === 'string' ? { apiId: record.apiId } : {}) };
  }
  return undefined;
}

/** The path parameters a route's path names ('{id}', '{proxy+}'), in order. */
export function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
}

/** The route's path with each parameter filled in (greedy values keep their slashes). */
export function fillPath(path: string, values: Record<string, string>): string {
  if (path === '$default') return '/';
  return path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const value = values[name] ?? '';
    return name.endsWith('+') ? value.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(value);
  });
}
