// What the runtime clients and the host agree on beyond the Lambda Runtime API (the Python client,
// src/core/runtime/python/bootstrap.py, writes the same; a unit test keeps them in step). Bundled into the client that
// runs inside an instance: no imports.

/** The product our client names in its User-Agent: the host knows by it that output tallies will follow. */
const CLIENT_PRODUCT = 'lambda-dock-runtime';

export const CLIENT_USER_AGENT = `${CLIENT_PRODUCT}/1`;

/** True for a Runtime API request from our client, whatever its version. */
export function isOurClient(userAgent: string | undefined): boolean {
  return (userAgent ?? '').startsWith(`${CLIENT_PRODUCT}/`);
}

/**
 * How much the process has written to stdout and stderr since it started (bytes) when it answers an
 * invocation, and its peak resident memory (KB). Sent as a header of /response and /error (a trailer of a
 * streamed response): the host takes an invocation's log up to exactly these byte counts of the output it
 * receives through the engine, so nothing of ours is written into the output (`docker logs` shows only
 * the function's own lines).
 */
export interface OutputTally {
  stdout: number;
  stderr: number;
  maxRssKB: number;
}

export const OUTPUT_TALLY_HEADER = 'Lambda-Dock-Output';

export function formatOutputTally(tally: OutputTally): string {
  return `stdout=${tally.stdout}; stderr=${tally.stderr}; maxrss=${tally.maxRssKB}`;
}

/** The tally a header carries; undefined for a missing or malformed one (the host then waits for quiet). */
export function parseOutputTally(value: string | string[] | undefined): OutputTally | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  const match = /^stdout=(\d+); stderr=(\d+); maxrss=(\d+)$/.exec(text ?? '');
  return match ? { stdout: Number(match[1]), stderr: Number(match[2]), maxRssKB: Number(match[3]) } : undefined;
}

/**
 * Set (to `host:port`) on a debugged instance that runs our client: the client opens the Node.js inspector
 * there and waits for a debugger to release it before it loads the handler.
 */
export const INSPECT_ENV = 'LAMBDA_DOCK_INSPECT';

/**
 * Set on a standby (a started, generic instance waiting for its function): the client asks the Runtime API
 * for its assignment (ASSIGNMENT_PATH, a long poll) before it does anything that depends on the function.
 */
export const STANDBY_ENV = 'LAMBDA_DOCK_STANDBY';

/** Answers a standby with its function: `{ "environment": { ... } }`, the whole environment Lambda gives it. */
export const ASSIGNMENT_PATH = '/2018-06-01/lambda-dock/assignment';

/** What a standby receives when it is assigned. */
export interface StandbyAssignment {
  environment: Record<string, string>;
}
