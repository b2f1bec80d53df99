import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { runtimeDir } from '../paths';

/**
 * One running Lambda Dock (an editor window, a CLI run). It holds a listening Unix socket for as long as it
 * lives, so another session can tell it is alive by connecting: a pid could be reused, a socket file
 * outlives a crash but refuses connections.
 */
export class Session {
  private constructor(
    readonly id: string,
    readonly livenessSocket: string,
    private readonly server: net.Server,
  ) {}

  static readonly hostname = os.hostname();

  static async start(): Promise<Session> {
    const dir = path.join(runtimeDir(), 'sessions');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const id = randomBytes(6).toString('hex');
    const socket = path.join(dir, `${id}.sock`);
    const server = net.createServer((connection) => connection.end());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socket, () => resolve());
    });
    server.unref();
    return new Session(id, socket, server);
  }

  /**
   * Whether the session behind a container's labels is still running. Unknown (another host, a socket
   * we may not open) counts as alive: a live session's instances are never removed by mistake.
   */
  static async isAlive(labels: { host?: string; livenessSocket?: string }): Promise<boolean> {
    if (!labels.livenessSocket || labels.host !== Session.hostname) return labels.host !== Session.hostname;
    return new Promise((resolve) => {
      const connection = net.connect(labels.livenessSocket!);
      const done = (alive: boolean) => {
        connection.destroy();
        resolve(alive);
      };
      connection.setTimeout(1000, () => done(true));
      connection.once('connect', () => done(true));
      connection.once('error', (error: NodeJS.ErrnoException) => done(!(error.code === 'ECONNREFUSED' || error.code === 'ENOENT')));
    });
  }

  async dispose(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    fs.rmSync(this.livenessSocket, { force: true });
  }
}
