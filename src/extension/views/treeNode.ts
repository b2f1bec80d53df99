import type { ContainerRecord, FunctionRecord, InstanceRecord, RouteRecord } from '../model/records';

/** What a node is about: the record a command run from its menu receives (no id parsed back from a string). */
export type NodeData =
  | { kind: 'function'; record: FunctionRecord }
  | { kind: 'instance'; record: InstanceRecord }
  | { kind: 'route'; record: RouteRecord }
  | { kind: 'container'; record: ContainerRecord }
  | { kind: 'containerGroup'; functionName: string }
  /** A line that tells the state of the view (no engine, untrusted workspace) and offers the fix on click. */
  | { kind: 'notice' };

/** A tree item as plain data: what functionNodes/containerNodes produce and treeProvider hands to VS Code. */
export interface TreeNode {
  data: NodeData;
  /** Stable across refreshes, so VS Code keeps selection and expansion. */
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  /** Encodes kind and state (function.deployed, instance.busy, container.running.stale) for `when` clauses. */
  contextValue: string;
  /** A codicon id (and an optional theme color id). */
  icon?: { id: string; color?: string };
  collapsible: 'none' | 'collapsed' | 'expanded';
  /** Run on click. */
  command?: { command: string; title: string; arguments: unknown[] };
  children?: TreeNode[];
}

/** What each kind of node's id starts with, so ids of different kinds never collide. */
export const NODE_PREFIX = {
  function: 'function:',
  instance: 'instance:',
  /** A function's API route: route:FUNCTION|API|METHOD|PATH. */
  route: 'route:',
  container: 'container:',
  /** The Containers view's group of one function's containers. */
  containerGroup: 'containers-of:',
  notice: 'notice:',
} as const;

/** "42 s", "5 min", "3 h", "2 d": how long ago, for instance and container ages. */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
