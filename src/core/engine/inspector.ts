import { INSPECT_ENV } from '../runtime/client/protocol';

/** The port the inspector listens on inside a container; the engine publishes it on the host's 127.0.0.1 only. */
export const CONTAINER_INSPECTOR_PORT = 9229;

/** Where a container that runs another runtime client (AWS's) finds our debug preload (dist/runtime/debugger.js). */
export const DEBUG_PRELOAD_IN_CONTAINER = '/var/lambda-dock/debugger.js';

/**
 * A debugged instance: the Node.js inspector, reachable from this machine only, and a runtime that does not
 * run the handler until a debugger has attached and released it (js-debug sets its breakpoints first, then
 * sends Runtime.runIfWaitingForDebugger).
 */
export interface InspectorSpec {
  /** The port on 127.0.0.1 a debugger connects to; 0 picks a free one. */
  hostPort: number;
  /**
   * 'client': our runtime client opens the inspector and waits (LAMBDA_DOCK_INSPECT). 'preload': any other
   * runtime client (AWS's) is preceded by our debug preload (NODE_OPTIONS=--require), which does the same
   * before that client loads. Either way the debugger never learns a pid it could kill (debuggerPid.ts):
   * Node.js's own --inspect flags would let it read the container's pid 1 before any of our code runs.
   */
  via: 'client' | 'preload';
}

/** The environment that makes the runtime open the inspector at `address` (host:port) and wait there. */
export function inspectorEnvironment(spec: InspectorSpec, address: string, environment: Record<string, string>): Record<string, string> {
  if (spec.via === 'client') return { ...environment, [INSPECT_ENV]: address };
  const preload = `--require ${DEBUG_PRELOAD_IN_CONTAINER}`;
  return { ...environment, [INSPECT_ENV]: address, NODE_OPTIONS: `${environment.NODE_OPTIONS ?? ''} ${preload}`.trim() };
}

/** The `ws://host:port/id` Node.js announces ("Debugger listening on ws://..."), found in a runtime's output. */
export function inspectorAnnouncement(output: string): { port: number; id: string } | undefined {
  const match = /Debugger listening on ws:\/\/[^\s/]*:(\d+)\/([0-9a-f-]+)/.exec(output);
  return match ? { port: Number(match[1]), id: match[2] } : undefined;
}
