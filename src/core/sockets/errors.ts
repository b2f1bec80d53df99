import { LambdaDockError } from '../errors';

/** Error codes of the scoped Docker socket area. */
export const SOCKET_ERRORS = {
  /** The socket's folder or file exists and is not ours (a symlink, another owner, a live socket). */
  pathUnsafe: 'SOCKET_PATH_UNSAFE',
  /** The socket path would exceed what Unix sockets allow (about 104 bytes). */
  pathTooLong: 'SOCKET_PATH_TOO_LONG',
  /** spawn() was called again for a key with a different token. */
  tokenMismatch: 'SOCKET_TOKEN_MISMATCH',
  /** The server could not listen on its path. */
  listenFailed: 'SOCKET_LISTEN_FAILED',
} as const;

export function socketError(code: (typeof SOCKET_ERRORS)[keyof typeof SOCKET_ERRORS], message: string, cause?: unknown): LambdaDockError {
  return new LambdaDockError(code, message, cause === undefined ? undefined : { cause });
}

/**
 * A request the proxy refuses: 400 for one it cannot read unambiguously, 403 for one it will not allow,
 * 404 for a route it does not know, 413/431 for one over the limits. Never sent upstream.
 */
export class ProxyRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ProxyRefusal';
  }
}

export const malformed = (message: string): ProxyRefusal => new ProxyRefusal(400, message);
export const forbidden = (message: string): ProxyRefusal => new ProxyRefusal(403, message);
