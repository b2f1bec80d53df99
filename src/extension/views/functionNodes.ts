import type { EngineState } from '../engine/hostService';
import type { FunctionRecord, FunctionsSnapshot, InstanceRecord } from '../model/records';
import { routeNode } from '../routes/routeNodes';
import { formatAge, NODE_PREFIX, plural, type TreeNode } from './treeNode';

/**
 * The Functions view: one node per function (state in the description and the contextValue), its warm
 * instances as children. The functions are read from the workspace's files, so they are listed whatever
 * the engine's state; when it cannot run them (no engine, an untrusted workspace) a first line says why and
 * offers the fix.
 */
export function functionNodes(snapshot: FunctionsSnapshot, now: number): TreeNode[] {
  const notice = engineNotice(snapshot.engine);
  const functions = snapshot.functions.map((fn) => functionNode(fn, now));
  return notice ? [notice, ...functions] : functions;
}

/** The line on top of the Functions view when functions cannot run now, or undefined. */
export function engineNotice(engine: EngineState): TreeNode | undefined {
  if (engine.kind === 'unreachable') {
    return {
      data: { kind: 'notice' },
      id: `${NODE_PREFIX.notice}engine`,
      label: 'No container engine is reachable',
      description: 'Select Engine...',
      tooltip: `${engine.message}\n\nClick to select Docker, Podman or an engine address.`,
      contextValue: 'notice.unreachable',
      icon: { id: 'warning', color: 'list.warningForeground' },
      collapsible: 'none',
      command: { command: 'lambdaDock.selectEngine', title: 'Select Engine...', arguments: [] },
    };
  }
  if (engine.kind === 'untrusted') {
    return {
      data: { kind: 'notice' },
      id: `${NODE_PREFIX.notice}trust`,
      label: 'This workspace is not trusted',
      description: 'nothing builds or runs until you trust it',
      tooltip: 'Lambda Dock builds, deploys and runs a workspace\'s functions only once you trust it. Click to manage workspace trust.',
      contextValue: 'notice.untrusted',
      icon: { id: 'shield' },
      collapsible: 'none',
      command: { command: 'workbench.trust.manage', title: 'Manage Workspace Trust', arguments: [] },
    };
  }
  return undefined;
}

export function functionNode(fn: FunctionRecord, now: number): TreeNode {
  const kind = fn.image ? 'image' : (fn.runtime ?? 'unknown runtime');
  const children = [...fn.routes.map(routeNode), ...fn.instances.map((instance) => instanceNode(instance, now))];
  const error = fn.state.kind === 'error' ? fn.state.reason : fn.problems[0];
  const state = error ? 'error' : fn.state.kind;
  const stateText = {
    discovered: 'not deployed',
    building: 'building',
    deployed: 'deployed',
    error: `error: ${error}`,
  }[state];
  const warm = fn.instances.length > 0 ? ` · ${plural(fn.instances.length, 'instance')}` : '';
  const debugging = fn.debugMode ? ' · debug mode' : '';
  const tooltip = [
    fn.name,
    fn.image ? `Image: ${fn.image}` : `Runtime: ${fn.runtime ?? '?'}  Handler: ${fn.handler ?? '?'}`,
    `Defined in ${fn.source.file}:${fn.source.line}`,
    `State: ${stateText}`,
    ...(fn.debugMode ? ['Debug mode: every invocation stops at breakpoints (Toggle Debug Mode turns it off)'] : []),
    ...fn.problems.filter((p) => p !== error).map((p) => `Problem: ${p}`),
  ].join('\n');
  return {
    data: { kind: 'function', record: fn },
    id: `${NODE_PREFIX.function}${fn.name}`,
    label: fn.name,
    description: `${kind} · ${stateText}${warm}${debugging}`,
    tooltip,
    // `.debugMode` last, so menus matching /^function\./ or /^function\.deployed/ still match.
    contextValue: `function.${state}${fn.debugMode ? '.debugMode' : ''}`,
    icon: ICONS[state],
    // Only a function with instances can be expanded; NodeTreeProvider gives it a fresh id then, so VS Code
    // shows it expanded rather than remembering it as a leaf.
    collapsible: children.length > 0 ? 'expanded' : 'none',
    children,
    command: { command: 'lambdaDock.openHandler', title: 'Open Handler', arguments: [fn.name] },
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
    data: { kind: 'instance', record: instance },
    id: `${NODE_PREFIX.instance}${instance.instanceId}`,
    label: `instance ${instance.instanceId}`,
    description: parts.join(' · '),
    tooltip,
    contextValue: `instance.${instance.state}`,
    icon: instance.state === 'busy' ? { id: 'loading~spin' } : instance.state === 'starting' ? { id: 'debug-start' } : { id: 'vm-running', color: 'charts.green' },
    collapsible: 'none',
  };
}
