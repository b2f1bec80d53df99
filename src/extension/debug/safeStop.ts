import * as vscode from 'vscode';
import { INSTANCE_KEY } from './debugSessions';

/** The instance a session of ours debugs: its own configuration's, or that of the parent js-debug made it under. */
export function debuggedInstance(session: vscode.DebugSession | undefined): string | undefined {
  for (let at = session; at; at = at.parentSession) {
    const instanceId: unknown = at.configuration[INSTANCE_KEY];
    if (typeof instanceId === 'string') return instanceId;
  }
  return undefined;
}

interface DapMessage {
  type?: string;
  command?: string;
  arguments?: Record<string, unknown>;
}

/**
 * Stop on an attach session makes VS Code send `disconnect` with terminateDebuggee: true, and js-debug
 * then kills the process tree of the pid the debuggee reported (1 in a container) on THIS machine. For
 * our sessions every disconnect becomes a detach (terminateDebuggee: false), and a Stop (one that asked
 * to terminate) first ends the instance through the engine (`onStop`, whose synchronous part settles the
 * invocation as stopped before the detach can resume the handler). The tracker sees each request before
 * the adapter does, and the adapter is handed that same message object, so what is set here is what the
 * adapter reads.
 */
export function registerSafeStop(onStop: (instanceId: string) => void, log: (line: string) => void): vscode.Disposable {
  return vscode.debug.registerDebugAdapterTrackerFactory('pwa-node', {
    createDebugAdapterTracker(session) {
      const instanceId = debuggedInstance(session);
      if (!instanceId) return undefined;
      return {
        onWillReceiveMessage(message: DapMessage) {
          if (message.type !== 'request' || (message.command !== 'disconnect' && message.command !== 'terminate')) return;
          log(`[debug] ${session.name}: ${message.command} ${JSON.stringify(message.arguments ?? {})} becomes a detach`);
          if (message.command === 'terminate' || message.arguments?.terminateDebuggee === true) onStop(instanceId);
          message.command = 'disconnect';
          message.arguments ??= {};
          message.arguments.terminateDebuggee = false;
        },
      };
    },
  });
}
