// The floor the engine benchmarks measure against: the same image, a Node.js HTTP server instead of the
// runtime client, reached with keep-alive HTTP from the host.
import * as http from 'node:http';
import type Docker from 'dockerode';
import { LABELS } from '../../src/core/engine/backend';
import type { DockerBackend } from '../../src/core/engine/dockerBackend';
import { Session } from '../../src/core/engine/session';

const FLOOR_PORT = 8080;
const FLOOR_SERVER = `require('http').createServer((q,s)=>{q.resume();q.on('end',()=>s.end('{"ok":true}'))}).listen(${FLOOR_PORT})`;
const PAYLOAD = Buffer.from('{"bench":true}');

const now = () => Number(process.hrtime.bigint()) / 1e6;

/** The floor container: the same image, a Node.js HTTP server instead of the runtime client. */
export class FloorServer {
  private constructor(
    readonly container: Docker.Container,
    readonly address: string,
  ) {}

  /** create + start + first answer, timed as one: the cold-start floor. */
  static async start(backend: DockerBackend, image: string): Promise<{ server: FloorServer; ms: number }> {
    const docker = backend.docker;
    const started = now();
    const container = await docker.createContainer({
      name: `lambda-dock-bench-floor-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      Image: image,
      Entrypoint: ['/usr/local/bin/node', '-e', FLOOR_SERVER],
      // The session's labels: if this run dies, the next session's reapStale removes the container.
      Labels: { [LABELS.session]: backend.session.id, [LABELS.sessionSocket]: backend.session.livenessSocket, [LABELS.host]: Session.hostname, 'lambda-dock.bench': 'floor' },
    });
    try {
      await container.start();
      const info = await container.inspect();
      const address = Object.values(info.NetworkSettings.Networks)[0]?.IPAddress;
      if (!address) throw new Error(`the floor container ${container.id} has no IP address`);
      const server = new FloorServer(container, address);
      await server.firstAnswer(5000);
      return { server, ms: now() - started };
    } catch (error) {
      await container.remove({ force: true }).catch(() => undefined);
      throw error;
    }
  }

  /** Retries until the server answers; a refused connection comes back at once, so the wait is tight. */
  private async firstAnswer(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const agent = new http.Agent({ keepAlive: false });
    for (;;) {
      try {
        await floorRequest(agent, this.address);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 1));
      }
    }
  }

  async remove(): Promise<void> {
    await this.container.remove({ force: true }).catch(() => undefined);
  }
}

/** One keep-alive POST to the floor server. */
export function floorRequest(agent: http.Agent, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port: FLOOR_PORT, method: 'POST', path: '/', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': PAYLOAD.length } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`floor server answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(PAYLOAD);
  });
}

