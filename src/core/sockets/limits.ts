/** Limits of one scoped socket; every one is enforced before anything goes upstream. */
export interface SocketLimits {
  /** Request line and headers, in bytes. */
  maxHeadBytes: number;
  maxHeaderCount: number;
  /** Request body, in bytes (create bodies are a few kilobytes). */
  maxBodyBytes: number;
  /** Buffered upstream responses (lists, inspects), in bytes. */
  maxResponseBytes: number;
  /** Open client connections per socket. */
  maxConnections: number;
  /** Containers that exist at once, created through one socket. */
  maxContainers: number;
  maxNetworks: number;
  maxVolumes: number;
  /** A connection that sends no complete request head for this long is closed. */
  idleTimeoutMs: number;
}

export const DEFAULT_SOCKET_LIMITS: SocketLimits = {
  maxHeadBytes: 16 * 1024,
  maxHeaderCount: 64,
  maxBodyBytes: 256 * 1024,
  maxResponseBytes: 32 * 1024 * 1024,
  maxConnections: 64,
  maxContainers: 32,
  maxNetworks: 8,
  maxVolumes: 16,
  idleTimeoutMs: 120_000,
};
