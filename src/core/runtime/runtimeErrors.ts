import type { InstanceExit } from '../engine/backend';
import type { LambdaError } from './invokeResult';

/** The errors the platform itself reports for an invocation, in Lambda's words. */
export function timeoutError(requestId: string, timeoutSeconds: number): LambdaError {
  return { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds` };
}

export function exitError(requestId: string, exit: InstanceExit): LambdaError {
  if (exit.oomKilled) {
    return { errorType: 'Runtime.OutOfMemory', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed` };
  }
  const reason = exit.exitCode > 128 && exit.exitCode !== 129 ? `signal: ${signalName(exit.exitCode - 128)}` : `exit status ${exit.exitCode}`;
  return { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${reason}` };
}

function signalName(signal: number): string {
  return ({ 9: 'killed', 15: 'terminated', 6: 'aborted', 11: 'segmentation fault' } as Record<number, string>)[signal] ?? `signal ${signal}`;
}

export function unknownInitFailure(exit: InstanceExit): LambdaError {
  return {
    errorType: exit.oomKilled ? 'Runtime.OutOfMemory' : 'Runtime.ExitError',
    errorMessage: exit.oomKilled
      ? 'Error: Runtime exited with error: signal: killed (out of memory during init)'
      : `Error: Runtime exited with error: exit status ${exit.exitCode} (before it was ready: see the log)`,
  };
}

/** The debug session holding the invocation was stopped: the instance is ended, as a crash of it would be. */
export function debugSessionStopped(requestId: string): LambdaError {
  return { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed (the debug session was stopped)` };
}
