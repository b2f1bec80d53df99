// Payload templates for a function with HTTP routes: the event a request to each of its own routes brings,
// built by core's gateway code (sampleRouteEvent), offered in Invoke's payload picker beside the generic ones.
import type { FunctionDefinition } from '../../core/functions/definition';
import { routeKeyOf } from '../../core/functions/routes';
import { sampleRouteEvent } from '../../core/gateway/routeSample';

export interface RouteTemplate {
  /** The route key ('GET /orders/{id}', '$default'). */
  route: string;
  apiId: string;
  label: string;
  description: string;
  build(now: Date): unknown;
}

export function routeTemplates(definition: Pick<FunctionDefinition, 'name' | 'routes'> | undefined, domainName: string): RouteTemplate[] {
  return (definition?.routes ?? []).map((route) => ({
    route: routeKeyOf(route),
    apiId: route.api.id,
    label: routeKeyOf(route),
    description: `${route.api.kind === 'rest' ? 'REST API' : 'HTTP API'} ${route.api.id}${route.api.stage === '$default' ? '' : `, stage ${route.api.stage}`}, payload ${route.payloadFormat}`,
    build: (now) => sampleRouteEvent(definition!.name, route, { domainName, now }),
  }));
}

/** The template of a route key (and API, when two APIs share the key). */
export function findRouteTemplate(templates: readonly RouteTemplate[], route: string, apiId?: string): RouteTemplate | undefined {
  return templates.find((t) => t.route === route && (apiId === undefined || t.apiId === apiId));
}

/** host:port the sample requests address: the running HTTP APIs', else the configured port's. */
export function routeDomainName(apiUrl: string | undefined, apiPort: number): string {
  if (apiUrl) return new URL(apiUrl).host;
  return apiPort > 0 ? `127.0.0.1:${apiPort}` : '127.0.0.1';
}
