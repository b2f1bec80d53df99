import { type ErrorCatalogue, LambdaDockError } from '../errors';

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

export type SocketErrorCode = (typeof SOCKET_ERRORS)[keyof typeof SOCKET_ERRORS];

declare module '../errors' {
  interface ErrorCodesByModule {
    sockets: SocketErrorCode;
  }
}

export const SOCKET_ERROR_CATALOGUE: ErrorCatalogue<SocketErrorCode> = {
  SOCKET_PATH_UNSAFE: {
    message: 'The scoped socket\'s folder or file exists and is not Lambda Dock\'s (a symlink, another owner, a live socket).',
    fix: 'Remove what the message names, or set LAMBDA_DOCK_RUNTIME_DIR to a private folder.',
  },
  SOCKET_PATH_TOO_LONG: {
    message: 'The scoped socket\'s path is longer than Unix sockets allow (about 104 bytes).',
    fix: 'Set LAMBDA_DOCK_RUNTIME_DIR to a shorter folder.',
  },
  SOCKET_TOKEN_MISMATCH: {
    message: 'A scoped socket was asked for again with a different token.',
    fix: 'Tear the socket down before it is spawned in another scope.',
  },
  SOCKET_LISTEN_FAILED: {
    message: 'The scoped socket\'s server could not listen on its path.',
    fix: 'Read the system\'s reason in the message (permissions, a full disk) and fix that.',
  },
};

export function socketError(code: SocketErrorCode, message: string, cause?: unknown): LambdaDockError {
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
