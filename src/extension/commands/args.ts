// What a command was given: a tree node (from a view's menu), a plain value (from a test or a keybinding's
// args), or nothing (from the palette, which then asks). Pure, so unit tests cover every shape.

import { NODE_PREFIX } from '../views/treeNode';

interface NodeLike {
  id?: unknown;
}

function nodeId(arg: unknown): string | undefined {
  return arg && typeof arg === 'object' && typeof (arg as NodeLike).id === 'string' ? ((arg as NodeLike).id as string) : undefined;
}

/** 'HelloFunction', a function node, an instance node's function, or { functionName }. */
export function functionNameOf(arg: unknown, instanceFunction?: (instanceId: string) => string | undefined): string | undefined {
  if (typeof arg === 'string' && arg) return arg;
  const id = nodeId(arg);
  if (id?.startsWith(NODE_PREFIX.function)) return id.slice(NODE_PREFIX.function.length);
  if (id?.startsWith(NODE_PREFIX.instance)) return instanceFunction?.(id.slice(NODE_PREFIX.instance.length));
  if (id?.startsWith(NODE_PREFIX.containerGroup)) return id.slice(NODE_PREFIX.containerGroup.length);
  if (arg && typeof arg === 'object' && typeof (arg as { functionName?: unknown }).functionName === 'string') return (arg as { functionName: string }).functionName;
  return undefined;
}

/** An instance node, an instance id, or { instanceId }. */
export function instanceIdOf(arg: unknown): string | undefined {
  return prefixedIdOf(arg, NODE_PREFIX.instance, 'instanceId');
}

/** A container node, a container id, or { containerId }. */
export function containerIdOf(arg: unknown): string | undefined {
  return prefixedIdOf(arg, NODE_PREFIX.container, 'containerId');
}

/** A node whose id has this prefix, an id (with or without the prefix), or an object with the id at `key`. */
function prefixedIdOf(arg: unknown, prefix: string, key: string): string | undefined {
  if (typeof arg === 'string' && arg) return arg.startsWith(prefix) ? arg.slice(prefix.length) : arg;
  const id = nodeId(arg);
  if (id?.startsWith(prefix)) return id.slice(prefix.length);
  const value = arg && typeof arg === 'object' ? (arg as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/**
 * The payload argument of Invoke Function: JSON text, any JSON value, { file }, { event } (a saved event's
 * name) or { template } (an event template id). Undefined: ask.
 */
export type PayloadArg = { kind: 'text'; text: string } | { kind: 'file'; file: string } | { kind: 'event'; name: string } | { kind: 'template'; id: string };

export function payloadArgOf(arg: unknown): PayloadArg | undefined {
  if (arg === undefined || arg === null) return undefined;
  if (typeof arg === 'string') return { kind: 'text', text: arg };
  if (Buffer.isBuffer(arg)) return { kind: 'text', text: arg.toString('utf8') };
  if (typeof arg === 'object' && !Array.isArray(arg)) {
    const record = arg as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 1 && typeof record.file === 'string') return { kind: 'file', file: record.file };
    if (keys.length === 1 && typeof record.event === 'string') return { kind: 'event', name: record.event };
    if (keys.length === 1 && typeof record.template === 'string') return { kind: 'template', id: record.template };
  }
  return { kind: 'text', text: JSON.stringify(arg) };
}
