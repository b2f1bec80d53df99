// What a command was given: a tree node (from a view's menu: it carries its typed record), a plain value
// (from a test, a keybinding's args or another extension), or nothing (from the palette, which then asks).
// Pure, so unit tests cover every shape.

import type { ContainerRecord, InstanceRecord } from '../model/records';
import type { NodeData } from '../views/treeNode';

function nodeData(arg: unknown): NodeData | undefined {
  const data = arg && typeof arg === 'object' ? (arg as { data?: unknown }).data : undefined;
  return data && typeof data === 'object' && typeof (data as { kind?: unknown }).kind === 'string' ? (data as NodeData) : undefined;
}

function stringField(arg: unknown, key: string): string | undefined {
  const value = arg && typeof arg === 'object' ? (arg as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' && value ? value : undefined;
}

/** 'HelloFunction', a function, instance or container-group node, or { functionName }. */
export function functionNameOf(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg) return arg;
  const data = nodeData(arg);
  switch (data?.kind) {
    case 'function':
      return data.record.name;
    case 'instance':
    case 'container':
      return data.record.functionName;
    case 'containerGroup':
      return data.functionName;
    default:
      return stringField(arg, 'functionName');
  }
}

/** An instance node's record, or an instance id ('abc' or { instanceId }). */
export function instanceOf(arg: unknown): InstanceRecord | string | undefined {
  const data = nodeData(arg);
  if (data?.kind === 'instance') return data.record;
  if (typeof arg === 'string' && arg) return arg;
  return stringField(arg, 'instanceId');
}

/** A container node's record, or a container id (or name) ('0123' or { containerId }). */
export function containerOf(arg: unknown): ContainerRecord | string | undefined {
  const data = nodeData(arg);
  if (data?.kind === 'container') return data.record;
  if (typeof arg === 'string' && arg) return arg;
  return stringField(arg, 'containerId');
}

/**
 * The payload argument of Invoke Function: JSON text, any JSON value, { file }, { event } (a saved event's
 * name), { template } (an event template id) or { route, api? } (the event of one of the function's HTTP routes).
 * Undefined: ask.
 */
export type PayloadArg =
  | { kind: 'text'; text: string }
  | { kind: 'file'; file: string }
  | { kind: 'event'; name: string }
  | { kind: 'template'; id: string }
  /** The event a request to one of the function's HTTP routes brings ('GET /orders/{id}'; api when two APIs share it). */
  | { kind: 'route'; route: string; api?: string };

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
    if (typeof record.route === 'string' && keys.every((key) => key === 'route' || (key === 'api' && typeof record.api === 'string'))) {
      return { kind: 'route', route: record.route, ...(typeof record.api === 'string' ? { api: record.api } : {}) };
    }
  }
  return { kind: 'text', text: JSON.stringify(arg) };
}
