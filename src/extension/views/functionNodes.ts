import type { FunctionRecord, FunctionsSnapshot, InstanceRecord } from '../model/records';
import { formatAge, NODE_PREFIX, plural, type TreeNode } from './treeNode';

/**
 * The Functions view: one node per function (state in the description and the contextValue), its warm
 * instances as children. An unreachable engine or a workspace without functions gives no nodes, so
 * VS Code shows the view's welcome content instead.
 */
export function functionNodes(snapshot: FunctionsSnapshot, now: number): TreeNode[] {
  if (snapshot.engine.kind === 'unreachable') return [];
  return snapshot.functions.map((fn) => functionNode(fn, now));
}

export function functionNode(fn: FunctionRecord, now: number): TreeNode {
  const kind = fn.image ? 'image' : (fn.runtime ?? 'unknown runtime');
  const children = fn.instances.map((instance) => instanceNode(instance, now));
  const error = fn.state.kind === 'error' ? fn.state.reason : fn.problems[0];
  const state = error ? 'error' : fn.state.kind;
  const stateText = {
    discovered: 'not deployed',
    building: 'building',
    deployed: 'deployed',
    error: `error: ${error}`,
  }[state];
  const warm = fn.instances.length > 0 ? ` · ${plural(fn.instances.length, 'instance')}` : '';
  const tooltip = [
    fn.name,
    fn.image ? `Image: ${fn.image}` : `Runtime: ${fn.runtime ?? '?'}  Handler: ${fn.handler ?? '?'}`,
    `Defined in ${fn.source.file}:${fn.source.line}`,
    `State: ${stateText}`,
    ...fn.problems.filter((p) => p !== error).map((p) => `Problem: ${p}`),
  ].join('\n');
  return {
    id: `${NODE_PREFIX.function}${fn.name}`,
    label: fn.name,
    description: `${kind} · ${stateText}${warm}`,
    tooltip,
    contextValue: `function.${state}`,
    icon: ICONS[state],
    // Always expanded: an item first shown without children stays collapsed once instances appear.
    collapsible: 'expanded',
    children,
  };
}

const ICONS: Record<string, TreeNode['icon']> = {
  discovered: { id: 'symbol-function' },
  building: { id: 'sync~spin' },
  deployed: { id: 'symbol-function', color: 'charts.green' },
  error: { id: 'error', color: 'errorForeground' },
};

export function instanceNode(instance: InstanceRecord, now: number): TreeNode {
  const parts: string[] = [instance.state];
  if (instance.coldStartMs !== undefined) parts.push(`cold start ${Math.round(instance.coldStartMs)} ms`);
  parts.push(plural(instance.invocations, 'invocation'));
  parts.push(`up ${formatAge(now - instance.startedAt)}`);
  const tooltip = [
    `Instance ${instance.instanceId} of ${instance.functionName}`,
    instance.containerId ? `Container ${instance.containerId.slice(0, 12)}` : undefined,
    instance.lastDurationMs !== undefined ? `Last invocation: ${instance.lastDurationMs.toFixed(2)} ms` : undefined,
    `Started ${new Date(instance.startedAt).toLocaleTimeString()}`,
  ]
    .filter((line): line is string => line !== undefined)
    .join('\n');
  return {
    id: `${NODE_PREFIX.instance}${instance.instanceId}`,
    label: `instance ${instance.instanceId}`,
    description: parts.join(' · '),
    tooltip,
    contextValue: `instance.${instance.state}`,
    icon: instance.state === 'busy' ? { id: 'loading~spin' } : instance.state === 'starting' ? { id: 'debug-start' } : { id: 'vm-running', color: 'charts.green' },
    collapsible: 'none',
  };
}
