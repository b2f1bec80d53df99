// What the runtime clients and the host agree on beyond the Lambda Runtime API (the Python client,
// src/core/runtime/python/bootstrap.py, writes the same; a unit test keeps them in step). Bundled into the client that
// runs inside an instance: no imports.

/** The product our client names in its User-Agent: the host knows by it that end markers will follow. */
const CLIENT_PRODUCT = 'lambda-dock-runtime';

export const CLIENT_USER_AGENT = `${CLIENT_PRODUCT}/1`;

/** True for a Runtime API request from our client, whatever its version. */
export function isOurClient(userAgent: string | undefined): boolean {
  return (userAgent ?? '').startsWith(`${CLIENT_PRODUCT}/`);
}

/** Begins the line written to stdout after each invocation's output, so the host knows its log is complete. */
const END_MARKER = '\u001elambda-dock:end';

/** The start of one invocation's end line, up to its peak memory (KB). */
export function endMarkerPrefix(requestId: string): string {
  return `${END_MARKER} ${requestId} `;
}

/** One invocation's end line: the marker, its request id, the process's peak resident memory (KB). */
export function endMarkerLine(requestId: string, maxRssKB: number): string {
  return `${endMarkerPrefix(requestId)}${maxRssKB}\n`;
}

/**
 * Set (to `host:port`) on a debugged instance that runs our client: the client opens the Node.js inspector
 * there and waits for a debugger to release it before it loads the handler.
 */
export const INSPECT_ENV = 'LAMBDA_DOCK_INSPECT';
