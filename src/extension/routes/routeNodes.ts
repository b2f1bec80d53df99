import type { RouteRecord } from '../model/records';
import type { TreeNode } from '../views/treeNode';
import { routeNodeId } from './routeRecords';

/** A route under its function: method and path; GET routes can also be opened in a browser. */
export function routeNode(route: RouteRecord): TreeNode {
  const api = route.apiKind === 'rest' ? 'REST API' : 'HTTP API';
  return {
    data: { kind: 'route', record: route },
    id: routeNodeId(route),
    label: `${route.method} ${route.path}`,
    description: `${api} ${route.apiId}`,
    tooltip: `${route.method} ${route.path}\n${api} ${route.apiId}, stage ${route.stage}\nSend Request calls it on the local HTTP APIs (lambdaDock.apiPort).`,
    contextValue: route.method === 'GET' ? 'route.get' : 'route.other',
    icon: { id: 'globe' },
    collapsible: 'none',
  };
}
