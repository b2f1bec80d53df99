import { INSPECT_ENV } from '../runtime/client/protocol';

/** The port the inspector listens on inside a container; the engine publishes it on the host's 127.0.0.1 only. */
export const CONTAINER_INSPECTOR_PORT = 9229;

/**
 * A debugged instance: the Node.js inspector, reachable from this machine only, and a runtime that does not
 * run the handler until a debugger has attached and released it (js-debug sets its breakpoints first, then
 * sends Runtime.runIfWaitingForDebugger).
 */
export interface InspectorSpec {
  /** The port on 127.0.0.1 a debugger connects to; 0 picks a free one. */
  hostPort: number;
  /**
   * 'client': our runtime client opens the inspector and waits (LAMBDA_DOCK_INSPECT). 'wait' and 'brk':
   * NODE_OPTIONS for any other runtime client (AWS's): --inspect-wait where the runtime's Node.js has it
   * (20.15 and later), else --inspect-brk, whose first pause the debugger continues from (continueOnAttach).
   */
  via: 'client' | 'wait' | 'brk';
}

/** The environment that makes the runtime open the inspector at `address` (host:port) and wait there. */
export function inspectorEnvironment(spec: InspectorSpec, address: string, environment: Record<string, string>): Record<string, string> {
  if (spec.via === 'client') return { ...environment, [INSPECT_ENV]: address };
  const flag = `--inspect-${spec.via}=${address}`;
  return { ...environment, NODE_OPTIONS: `${environment.NODE_OPTIONS ?? ''} ${flag}`.trim() };
}

/** How a runtime waits for the debugger: Node.js 20 and later have --inspect-wait; older, or unknown, --inspect-brk. */
export function inspectorVia(runtime: string | undefined, ourClient: boolean): InspectorSpec['via'] {
  if (ourClient) return 'client';
  const major = /^nodejs(\d+)/.exec(runtime ?? '')?.[1];
  return major && Number(major) >= 20 ? 'wait' : 'brk';
}

/** The `ws://host:port/id` Node.js announces ("Debugger listening on ws://..."), found in a runtime's output. */
export function inspectorAnnouncement(output: string): { port: number; id: string } | undefined {
  const match = /Debugger listening on ws:\/\/[^\s/]*:(\d+)\/([0-9a-f-]+)/.exec(output);
  return match ? { port: Number(match[1]), id: match[2] } : undefined;
}
