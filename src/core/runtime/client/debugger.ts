import * as inspector from 'node:inspector';
import { shieldPidFromDebuggers } from './debuggerPid';
import { nameSourcesForDebugger } from './debugSources';
import { INSPECT_ENV } from './protocol';

/**
 * A debugged instance: open the inspector and block until a debugger has attached, set its breakpoints and
 * released us (Runtime.runIfWaitingForDebugger), before the handler is even loaded. Taken out of the
 * environment so the function's own child processes do not try to open it too.
 */
export function waitForDebuggerIfAsked(): void {
  const address = process.env[INSPECT_ENV];
  if (!address) return;
  delete process.env[INSPECT_ENV];
  shieldPidFromDebuggers();
  nameSourcesForDebugger();
  const at = address.lastIndexOf(':');
  inspector.open(Number(address.slice(at + 1)), address.slice(0, at), true);
}
