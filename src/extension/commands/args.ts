// What a command was given: a tree node (from a view's menu), a plain value (from a test or a keybinding's
// args), or nothing (from the palette, which then asks). Pure, so unit tests cover every shape.

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
  if (id?.startsWith('function:')) return id.slice('function:'.length);
  if (id?.startsWith('instance:')) return instanceFunction?.(id.slice('instance:'.length));
  if (id?.startsWith('containers-of:')) return id.slice('containers-of:'.length);
  if (arg && typeof arg === 'object' && typeof (arg as { functionName?: unknown }).functionName === 'string') return (arg as { functionName: string }).functionName;
  return undefined;
}

/** An instance node, an instance id, or { instanceId }. */
export function instanceIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg) return arg.startsWith('instance:') ? arg.slice('instance:'.length) : arg;
  const id = nodeId(arg);
  if (id?.startsWith('instance:')) return id.slice('instance:'.length);
  if (arg && typeof arg === 'object' && typeof (arg as { instanceId?: unknown }).instanceId === 'string') return (arg as { instanceId: string }).instanceId;
  return undefined;
}

/** A container node, a container id, or { containerId }. */
export function containerIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg) return arg.startsWith('container:') ? arg.slice('container:'.length) : arg;
  const id = nodeId(arg);
  if (id?.startsWith('container:')) return id.slice('container:'.length);
  if (arg && typeof arg === 'object' && typeof (arg as { containerId?: unknown }).containerId === 'string') return (arg as { containerId: string }).containerId;
  return undefined;
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
