import * as fs from 'node:fs';
import * as net from 'node:net';
import { ClientConnection } from './clientConnection';
import type { SocketLimits } from './limits';
import type { ScopedRequestHandler } from './scopedRequestHandler';

/** The listening side of one scoped socket: its connections (and their tunnels) close with it. */
export class ScopedSocketServer {
  private readonly server: net.Server;
  private readonly connections = new Set<ClientConnection>();

  constructor(
    readonly path: string,
    private readonly limits: SocketLimits,
    handler: ScopedRequestHandler,
  ) {
    // Half-open: a client that closes its sending side (stdin done) still gets the output.
    this.server = net.createServer({ allowHalfOpen: true }, (socket) => {
      const conn = new ClientConnection(socket, limits, handler.handle);
      this.connections.add(conn);
      socket.on('close', () => this.connections.delete(conn));
    });
    this.server.maxConnections = limits.maxConnections;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.path, () => {
        this.server.off('error', reject);
        fs.chmodSync(this.path, 0o600);
        resolve();
      });
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Stops accepting, ends every connection and stream; resolves once the server has closed. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const conn of this.connections) conn.destroy();
    });
  }

  get maxConnections(): number {
    return this.limits.maxConnections;
  }
}
