// What serving a Runtime API to its own instance only costs (issue 17): warm invoke latency with the address
// check on and off, interleaved in one run, beside the keep-alive floor (an HTTP round trip into a container
// of the same image), and the engine inspect that learns an instance's address at start.
// Run: npx tsx bench/runtime-api-isolation.bench.ts (npm run bench runs it). Writes bench/results/runtime-api-isolation.json.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LambdaBackend, RuntimeApiEndpoint } from '../src/core/engine/backend';
import { detectEngine } from '../src/core/engine/detect';
import { DockerBackend } from '../src/core/engine/dockerBackend';
import { Session } from '../src/core/engine/session';
import { withLambdaDefaults } from '../src/core/functions/definition';
import { FunctionHost } from '../src/core/runtime/functionHost';
import { FloorServer, floorRequest } from './lib/floorServer';
import { median, percentile, ratioRow, round, writeReport, type BenchRow } from './lib/results';

const WARM_INVOKES = Number(process.env.BENCH_WARM_INVOKES ?? 2000);
const INSPECTS = Number(process.env.BENCH_INSPECTS ?? 50);
const BLOCK = 100;
const PAYLOAD = Buffer.from('{"bench":true}');
const WATCHDOG_MS = Number(process.env.BENCH_WATCHDOG_MS ?? 5 * 60_000);

const now = () => Number(process.hrtime.bigint()) / 1e6;
const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/** The same engine backend with the address check off: its channels serve every connection, as before issue 17. */
function withoutAddressCheck(backend: DockerBackend): LambdaBackend {
  return new Proxy(backend, {
    get(target, property) {
      if (property === 'runtimeApiEndpoint') {
        return async (): Promise<RuntimeApiEndpoint> => {
          const endpoint = await target.runtimeApiEndpoint();
          // A remote engine's relay checks addresses on the engine's side: this benchmark is about the local listener.
          if (endpoint.relay) throw new Error('the Runtime API isolation benchmark needs an engine on this machine');
          return { ...endpoint, identity: { kind: 'unverified', reason: 'the benchmark turned the address check off' } };
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** max/min of the hosts' median latencies. */
function spread(hosts: Array<{ samples: number[] }>): number {
  const medians = hosts.map((h) => median(h.samples));
  return Math.max(...medians) / Math.min(...medians);
}

async function main(): Promise<void> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-dock-bench-gate-'));
  fs.writeFileSync(path.join(workspace, 'index.js'), 'exports.handler = async (event) => ({ ok: true, event });\n');
  const definition = withLambdaDefaults({ name: 'Warm', runtime: 'nodejs20.x', handler: 'index.handler', codeDir: workspace, timeoutSeconds: 30, source: { file: path.join(workspace, 'bench'), line: 1 } });

  // Two hosts of each kind, started on, off, off, on: whatever a host's start order or its container's
  // placement costs falls on both kinds alike.
  const sessions: Session[] = [];
  const hosts: Array<{ host: FunctionHost; checked: boolean; samples: number[] }> = [];
  let floor: FloorServer | undefined;
  try {
    for (const checked of [true, false, false, true]) {
      const session = await Session.start();
      sessions.push(session);
      const backend = await DockerBackend.connect(await detectEngine(), session);
      const host = await FunctionHost.start({ workspace, backend: checked ? backend : withoutAddressCheck(backend) });
      hosts.push({ host, checked, samples: [] });
      await host.deploy([definition]);
    }
    const backend = hosts[0].host.backend as DockerBackend;
    const image = await backend.localNodeImage();
    progress(`image ${image}, engine ${backend.name} at ${backend.endpoint}`);
    floor = (await FloorServer.start(backend, image)).server;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const invoke = async (host: FunctionHost) => {
      const result = await host.invoke('Warm', PAYLOAD);
      if (result.status !== 'ok') throw new Error(`the function failed: ${result.payload.toString()}\n${result.logs}`);
    };

    // Warm-up, discarded: every instance started, every connection open, JIT warm.
    for (let i = 0; i < BLOCK; i++) {
      await floorRequest(agent, floor.address);
      for (const { host } of hosts) await invoke(host);
    }

    progress(`warm latency: ${WARM_INVOKES} invokes per kind, check on and off, interleaved by ${BLOCK}`);
    const floorMs: number[] = [];
    const timed = async (samples: number[], call: () => Promise<void>) => {
      for (let i = 0; i < BLOCK; i++) {
        const started = now();
        await call();
        samples.push(now() - started);
      }
    };
    for (let done = 0, round = 0; done < WARM_INVOKES; done += 2 * BLOCK, round++) {
      await timed(floorMs, () => floorRequest(agent, floor!.address));
      // The order turns each round, so no host always runs right after the floor.
      for (let i = 0; i < hosts.length; i++) {
        const { host, samples } = hosts[(i + round) % hosts.length];
        await timed(samples, () => invoke(host));
      }
    }
    agent.destroy();
    const onMs = hosts.filter((h) => h.checked).flatMap((h) => h.samples).sort((a, b) => a - b);
    const offMs = hosts.filter((h) => !h.checked).flatMap((h) => h.samples).sort((a, b) => a - b);
    floorMs.sort((a, b) => a - b);
    const checked = hosts[0].host;

    // What learning the address adds to a cold start: one inspect of the started container.
    const instance = checked.instances().find((i) => i.functionName === 'Warm');
    if (!instance?.containerId) throw new Error('no warm instance to inspect');
    const container = backend.docker.getContainer(instance.containerId);
    const inspectMs: number[] = [];
    for (let i = 0; i < INSPECTS; i++) {
      const started = now();
      await container.inspect();
      inspectMs.push(now() - started);
    }

    const p50 = (samples: number[]) => percentile(samples, 50);
    const p99 = (samples: number[]) => round(percentile(samples, 99));
    const rows: BenchRow[] = [
      ratioRow('warm invoke p50, address check on', p50(onMs), p50(floorMs), 'keep-alive HTTP round trip', 3, 'ms', { p99: p99(onMs), floorP99: p99(floorMs) }),
      ratioRow('warm invoke p50, address check off', p50(offMs), p50(floorMs), 'keep-alive HTTP round trip', 3, 'ms', { p99: p99(offMs) }),
      ratioRow('warm invoke p50, check on vs off', p50(onMs), p50(offMs), 'the same with the check off', 1.1, 'ms', {
        differenceMs: round(p50(onMs) - p50(offMs)),
        perHostP50: hosts.map((h) => `${h.checked ? 'on' : 'off'} ${round(median(h.samples))}`).join(', '),
        // The noise: how far apart two hosts of the same kind are in this run.
        sameKindSpread: round(Math.max(spread(hosts.filter((h) => h.checked)), spread(hosts.filter((h) => !h.checked)))),
      }),
      { measure: 'address lookup at start (engine inspect), median', value: round(median(inspectMs)), unit: 'ms', target: 'reported', pass: true, details: { p90: round(percentile([...inspectMs].sort((a, b) => a - b), 90)) } },
    ];
    writeReport('runtime-api-isolation', rows, `${backend.name} ${backend.endpoint}`);
  } finally {
    await floor?.remove();
    for (const { host } of hosts) await host.dispose();
    for (const session of sessions) await session.dispose();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

// A benchmark that hangs says so instead of holding up npm run bench.
const watchdog = setTimeout(() => {
  process.stderr.write(`runtime-api-isolation bench: no result after ${WATCHDOG_MS} ms, giving up\n`);
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();

main().catch((error: unknown) => {
  process.stderr.write(`runtime-api-isolation bench failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
});
