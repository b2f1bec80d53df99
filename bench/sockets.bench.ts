// The scoped socket's overhead: the same Engine API calls on the engine's own socket and through a spawned
// scoped socket, in one run. Prints a table and writes bench/results/sockets.json. Target: within 1.2x.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DockerSocketSpawner } from '../src/core/sockets';
import { engineSocketPath, requireEngine } from '../test/integration/support/socketEngine';
import { ensureTestImage } from '../test/integration/support/testImage';

const LIST_ITERATIONS = Number(process.env.BENCH_LIST_ITERATIONS ?? 400);
const LIFECYCLE_ITERATIONS = Number(process.env.BENCH_LIFECYCLE_ITERATIONS ?? 12);
const TARGET_RATIO = 1.2;
const SESSION = `lambda-dock-bench-${process.pid}`;

interface Client {
  call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }>;
  close(): void;
}

/** A keep-alive client on one unix socket, as the docker client and dockerode use. */
function client(socketPath: string): Client {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    call(method, p, body) {
      return new Promise((resolve, reject) => {
        const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
        const req = http.request({ socketPath, agent, method, path: p, headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {} }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
        req.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}

/** A byte-for-byte pipe to the engine: what any proxy's extra hop costs before it checks anything. */
async function bytePipe(target: string, at: string): Promise<{ path: string; close(): Promise<void> }> {
  const server = net.createServer((socket) => {
    const upstream = net.connect(target);
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(at, resolve));
  return { path: at, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function expect(c: Client, status: number, method: string, p: string, body?: unknown): Promise<string> {
  const res = await c.call(method, p, body);
  if (res.status !== status) throw new Error(`${method} ${p}: ${res.status} ${res.text}`);
  return res.text;
}

async function lifecycle(c: Client, image: string): Promise<void> {
  const { Id } = JSON.parse(await expect(c, 201, 'POST', '/v1.41/containers/create', { Image: image, Cmd: ['true'], Labels: { 'bench-run': SESSION } })) as { Id: string };
  await expect(c, 204, 'POST', `/v1.41/containers/${Id}/start`);
  await expect(c, 204, 'DELETE', `/v1.41/containers/${Id}?force=1`);
}

async function main(): Promise<void> {
  await requireEngine();
  const image = await ensureTestImage();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ldbench-'));
  const spawner = new DockerSocketSpawner(engineSocketPath(), { runtimeRoot: root, labels: { 'lambda-dock.session': SESSION } });
  try {
    const sock = await spawner.spawn('bench', 'bench');
    if (!sock) throw new Error('the scoped socket did not start');
    const direct = client(engineSocketPath());
    const proxied = client(sock);
    // A few containers of the scope (created, never started), so the proxied list has something to return.
    const kept: string[] = [];
    for (let i = 0; i < 3; i++) {
      kept.push((JSON.parse(await expect(proxied, 201, 'POST', '/v1.41/containers/create', { Image: image, Cmd: ['true'] })) as { Id: string }).Id);
    }

    // Alternate the sides in small rounds so load from elsewhere hits them alike.
    const listDirect: number[] = [];
    const listRepeated: number[] = [];
    for (let i = 0; i < 20; i++) {
      await direct.call('GET', '/v1.41/containers/json');
      await proxied.call('GET', '/v1.41/containers/json');
    }
    for (let i = 0; i < LIST_ITERATIONS; i++) {
      listDirect.push(await timed(() => expect(direct, 200, 'GET', '/v1.41/containers/json').then(() => undefined)));
      listRepeated.push(await timed(() => expect(proxied, 200, 'GET', '/v1.41/containers/json').then(() => undefined)));
    }

    // A list right after a change is answered by the engine. The change: a stop of a container that is not
    // running (the engine answers 304), sent untimed through the socket before each timed pair.
    const afterChangeDirect: number[] = [];
    const afterChange: number[] = [];
    const viaPipe: number[] = [];
    const pipe = await bytePipe(engineSocketPath(), path.join(root, 'pipe.sock'));
    const piped = client(pipe.path);
    const change = () => expect(proxied, 304, 'POST', `/v1.41/containers/${kept[0]}/stop`);
    for (let i = 0; i < LIST_ITERATIONS; i++) {
      await change();
      afterChangeDirect.push(await timed(() => expect(direct, 200, 'GET', '/v1.41/containers/json').then(() => undefined)));
      viaPipe.push(await timed(() => expect(piped, 200, 'GET', '/v1.41/containers/json').then(() => undefined)));
      await change();
      afterChange.push(await timed(() => expect(proxied, 200, 'GET', '/v1.41/containers/json').then(() => undefined)));
    }
    piped.close();
    await pipe.close();

    const lifeDirect: number[] = [];
    const lifeProxied: number[] = [];
    await lifecycle(direct, image);
    await lifecycle(proxied, image);
    for (let i = 0; i < LIFECYCLE_ITERATIONS; i++) {
      lifeDirect.push(await timed(() => lifecycle(direct, image)));
      lifeProxied.push(await timed(() => lifecycle(proxied, image)));
    }
    direct.close();
    proxied.close();

    const row = (name: string, iterations: number, engine: number[], proxiedTimes: number[], judged: boolean) => {
      const engineMs = median(engine);
      const proxiedMs = median(proxiedTimes);
      const ratio = proxiedMs / engineMs;
      return { name, iterations, engineMs, proxiedMs, ratio, target: judged ? `<= ${TARGET_RATIO}x` : 'reported', result: judged ? (ratio <= TARGET_RATIO ? 'pass' : 'MISSED') : '-' };
    };
    const rows = [
      row('GET /containers/json, repeated (the scope\'s view answers)', LIST_ITERATIONS, listDirect, listRepeated, true),
      row('GET /containers/json right after a change (the engine answers)', LIST_ITERATIONS, afterChangeDirect, afterChange, false),
      row('  the same through a bare byte pipe, no checks (the floor of any proxy)', LIST_ITERATIONS, afterChangeDirect, viaPipe, false),
      row('create + start + remove', LIFECYCLE_ITERATIONS, lifeDirect, lifeProxied, true),
    ];

    console.log('\nScoped Docker socket overhead (median per operation)\n');
    console.log(`${'operation'.padEnd(74)}${'n'.padStart(6)}${'engine ms'.padStart(12)}${'proxied ms'.padStart(12)}${'ratio'.padStart(8)}  target`);
    for (const r of rows) {
      console.log(`${r.name.padEnd(74)}${String(r.iterations).padStart(6)}${r.engineMs.toFixed(3).padStart(12)}${r.proxiedMs.toFixed(3).padStart(12)}${r.ratio.toFixed(2).padStart(8)}  ${r.target} ${r.result}`);
    }
    const out = path.join(__dirname, 'results', 'sockets.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify({ benchmark: 'sockets', date: new Date().toISOString(), targetRatio: TARGET_RATIO, node: process.version, cpus: os.cpus().length, results: rows }, null, 2)}\n`);
    console.log(`\nwrote ${path.relative(process.cwd(), out)}`);
  } finally {
    await spawner.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
