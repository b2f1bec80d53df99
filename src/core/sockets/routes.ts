import type { CanonicalTarget } from './canonicalPath';
import { forbidden } from './errors';

/** What the proxy does for a route; each kind has one handler. */
export type RouteKind =
  | 'ping'
  | 'version'
  | 'info'
  | 'containerList'
  | 'containerCreate'
  | 'containerInspect'
  | 'containerAction'
  | 'containerWait'
  | 'containerLogs'
  | 'containerAttach'
  | 'containerRemove'
  | 'execCreate'
  | 'execStart'
  | 'execInspect'
  | 'execResize'
  | 'imageList'
  | 'imageInspect'
  | 'networkList'
  | 'networkCreate'
  | 'networkInspect'
  | 'networkRemove'
  | 'volumeList'
  | 'volumeCreate'
  | 'volumeInspect'
  | 'volumeRemove'
  | 'events';

/** Whether a request may carry a body: never, or a JSON object. */
export type BodyRule = 'none' | 'json';

export interface RouteSpec {
  methods: readonly string[];
  /** Literal segments, `:param` for one segment, `*param` for one or more (image names have slashes). */
  pattern: readonly string[];
  kind: RouteKind;
  query: readonly string[];
  body: BodyRule;
}

/** The fixed table of what a scoped socket allows. Everything else is refused. */
export const ROUTES: readonly RouteSpec[] = [
  { methods: ['GET', 'HEAD'], pattern: ['_ping'], kind: 'ping', query: [], body: 'none' },
  { methods: ['GET'], pattern: ['version'], kind: 'version', query: [], body: 'none' },
  { methods: ['GET'], pattern: ['info'], kind: 'info', query: [], body: 'none' },

  { methods: ['GET'], pattern: ['containers', 'json'], kind: 'containerList', query: ['all', 'limit', 'size', 'filters'], body: 'none' },
  { methods: ['POST'], pattern: ['containers', 'create'], kind: 'containerCreate', query: ['name', 'platform'], body: 'json' },
  { methods: ['GET'], pattern: ['containers', ':id', 'json'], kind: 'containerInspect', query: ['size'], body: 'none' },
  { methods: ['POST'], pattern: ['containers', ':id', 'start'], kind: 'containerAction', query: ['detachKeys'], body: 'none' },
  { methods: ['POST'], pattern: ['containers', ':id', 'stop'], kind: 'containerAction', query: ['t', 'signal'], body: 'none' },
  { methods: ['POST'], pattern: ['containers', ':id', 'kill'], kind: 'containerAction', query: ['signal'], body: 'none' },
  { methods: ['POST'], pattern: ['containers', ':id', 'resize'], kind: 'containerAction', query: ['h', 'w'], body: 'none' },
  { methods: ['POST'], pattern: ['containers', ':id', 'wait'], kind: 'containerWait', query: ['condition'], body: 'none' },
  {
    methods: ['GET'],
    pattern: ['containers', ':id', 'logs'],
    kind: 'containerLogs',
    query: ['follow', 'stdout', 'stderr', 'since', 'until', 'timestamps', 'tail', 'details'],
    body: 'none',
  },
  {
    methods: ['POST'],
    pattern: ['containers', ':id', 'attach'],
    kind: 'containerAttach',
    query: ['detachKeys', 'logs', 'stream', 'stdin', 'stdout', 'stderr'],
    body: 'none',
  },
  { methods: ['DELETE'], pattern: ['containers', ':id'], kind: 'containerRemove', query: ['v', 'force'], body: 'none' },
  { methods: ['POST'], pattern: ['containers', ':id', 'exec'], kind: 'execCreate', query: [], body: 'json' },

  { methods: ['POST'], pattern: ['exec', ':id', 'start'], kind: 'execStart', query: [], body: 'json' },
  { methods: ['POST'], pattern: ['exec', ':id', 'resize'], kind: 'execResize', query: ['h', 'w'], body: 'none' },
  { methods: ['GET'], pattern: ['exec', ':id', 'json'], kind: 'execInspect', query: [], body: 'none' },

  { methods: ['GET'], pattern: ['images', 'json'], kind: 'imageList', query: ['all', 'filters', 'digests'], body: 'none' },
  { methods: ['GET'], pattern: ['images', '*name', 'json'], kind: 'imageInspect', query: [], body: 'none' },

  { methods: ['GET'], pattern: ['networks'], kind: 'networkList', query: ['filters'], body: 'none' },
  { methods: ['POST'], pattern: ['networks', 'create'], kind: 'networkCreate', query: [], body: 'json' },
  { methods: ['GET'], pattern: ['networks', ':id'], kind: 'networkInspect', query: ['verbose', 'scope'], body: 'none' },
  { methods: ['DELETE'], pattern: ['networks', ':id'], kind: 'networkRemove', query: [], body: 'none' },

  { methods: ['GET'], pattern: ['volumes'], kind: 'volumeList', query: ['filters'], body: 'none' },
  { methods: ['POST'], pattern: ['volumes', 'create'], kind: 'volumeCreate', query: [], body: 'json' },
  { methods: ['GET'], pattern: ['volumes', ':id'], kind: 'volumeInspect', query: [], body: 'none' },
  { methods: ['DELETE'], pattern: ['volumes', ':id'], kind: 'volumeRemove', query: ['force'], body: 'none' },

  { methods: ['GET'], pattern: ['events'], kind: 'events', query: ['since', 'until', 'filters'], body: 'none' },
];

export interface RouteMatch {
  route: RouteSpec;
  params: Record<string, string>;
  /** The path segments after the version prefix, as the table matched them. */
  segments: readonly string[];
}

/**
 * Finds the route for a method and canonical target, or refuses: 403 for a path that is not in the table
 * or a method the route does not take, and for a query parameter the route does not list.
 */
export function matchRoute(method: string, target: CanonicalTarget): RouteMatch {
  let pathMatched = false;
  for (const route of ROUTES) {
    const params = matchPattern(route.pattern, target.segments);
    if (!params) continue;
    pathMatched = true;
    if (!route.methods.includes(method)) continue;
    for (const key of target.query.keys()) {
      if (!route.query.includes(key)) throw forbidden(`query parameter "${key}" is not allowed on ${method} /${route.pattern.join('/')}`);
    }
    return { route, params, segments: target.segments };
  }
  const path = `/${target.segments.join('/')}`;
  if (pathMatched) throw forbidden(`${method} ${path} is not allowed through a scoped socket`);
  throw forbidden(`${path} is not an endpoint a scoped socket allows`);
}

function matchPattern(pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  const rest = pattern.findIndex((p) => p.startsWith('*'));
  if (rest === -1) {
    if (pattern.length !== segments.length) return undefined;
  } else if (segments.length < pattern.length) {
    return undefined;
  }
  const head = rest === -1 ? pattern.length : rest;
  for (let i = 0; i < head; i++) {
    if (!matchOne(pattern[i]!, segments[i]!, params)) return undefined;
  }
  if (rest === -1) return params;
  const tail = pattern.length - rest - 1;
  for (let i = 0; i < tail; i++) {
    if (!matchOne(pattern[pattern.length - 1 - i]!, segments[segments.length - 1 - i]!, params)) return undefined;
  }
  params[pattern[rest]!.slice(1)] = segments.slice(rest, segments.length - tail).join('/');
  return params;
}

function matchOne(pattern: string, segment: string, params: Record<string, string>): boolean {
  if (pattern.startsWith(':')) {
    params[pattern.slice(1)] = segment;
    return true;
  }
  return pattern === segment;
}
