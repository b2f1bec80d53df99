// The engine benchmarks of issue 2, each beside a floor measured in the same run on the same image:
// cold start, warm latency, a cold burst of 10, warm throughput with 8 callers; and (issue 13) Python's cold
// start and warm latency in the local Python image beside the same floors, interleaved with the Node.js samples.
// Run: npx tsx bench/engine.bench.ts
// (npm run bench runs it after building dist/runtime/bootstrap.js, which the local Node.js image contains).
// Benchmarks report, tests assert: this exits 0 when a target is missed, and says MISSED.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { DockerBackend } from '../src/core/engine/dockerBackend';
import { withLambdaDefaults, type FunctionDefinition } from '../src/core/functions/definition';
import { FunctionHost } from '../src/core/runtime/functionHost';
import type { InvokeResult } from '../src/core/runtime/invokeResult';
import { FloorServer, floorRequest as request } from './lib/floorServer';
import { median, minimumRow, percentile, ratioRow, writeReport, type BenchRow } from './lib/results';

const COLD_SAMPLES = Number(process.env.BENCH_COLD_SAMPLES ?? 7);
const WARM_INVOKES = Number(process.env.BENCH_WARM_INVOKES ?? 2000);
const BURST = 10;
const BURST_SAMPLES = Number(process.env.BENCH_BURST_SAMPLES ?? 3);
const CALLERS = 8;
const THROUGHPUT_MS = Number(process.env.BENCH_THROUGHPUT_MS ?? 5000);
const WATCHDOG_MS = Number(process.env.BENCH_WATCHDOG_MS ?? 10 * 60_000);
const PAYLOAD = Buffer.from('{"bench":true}');
const now = () => Number(process.hrtime.bigint()) / 1e6;
const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);

type Language = 'node' | 'python';

/** The same function in each language: it returns the event it was given. */
function writeFunctions(workspace: string): Record<Language, string> {
  const node = path.join(workspace, 'fn');
  fs.mkdirSync(node, { recursive: true });
  fs.writeFileSync(path.join(node, 'index.js'), 'exports.handler = async (event) => ({ ok: true, event });\n');
  const python = path.join(workspace, 'fn-python');
  fs.mkdirSync(python, { recursive: true });
  fs.writeFileSync(path.join(python, 'index.py'), 'def handler(event, context):\n    return {"ok": True, "event": event}\n');
  return { node, python };
}

function definition(name: string, codeDir: string, workspace: string, language: Language = 'node'): FunctionDefinition {
  const runtime = language === 'node' ? 'nodejs20.x' : 'python3.12';
  return withLambdaDefaults({ name, runtime, handler: 'index.handler', codeDir, timeoutSeconds: 30, source: { file: path.join(workspace, 'bench'), line: 1 } });
}

function check(result: InvokeResult, cold?: boolean): InvokeResult {
  if (result.status !== 'ok') throw new Error(`${result.functionName} failed: ${result.payload.toString('utf8')}\n${result.logs}`);
  if (cold !== undefined && result.coldStart !== cold) throw new Error(`${result.functionName}: expected coldStart=${cold}, got ${result.coldStart}`);
  return result;
}

async function main(): Promise<void> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-dock-bench-'));
  const codeDirs = writeFunctions(workspace);
  const codeDir = codeDirs.node;
  const host = await FunctionHost.start({ workspace });
  const floors: FloorServer[] = [];
  let functionCount = 0;
  /** A function no host has seen: deploying it retires the previous ones, so its first invoke is really cold. */
  const freshFunction = async (prefix: string): Promise<string> => {
    const name = `${prefix}${++functionCount}`;
    await host.deploy([definition(name, codeDir, workspace)]);
    return name;
  };
  /** One fresh function per language, deployed together (a deploy retires what it does not name). */
  const freshPair = async (prefix: string): Promise<Record<Language, string>> => {
    const names = { node: `${prefix}${++functionCount}`, python: `${prefix}py${functionCount}` };
    await host.deploy([definition(names.node, codeDirs.node, workspace), definition(names.python, codeDirs.python, workspace, 'python')]);
    return names;
  };
  try {
    if (!(host.backend instanceof DockerBackend)) throw new Error('the engine benchmarks need a Docker or Podman engine');
    const backend = host.backend;
    const image = await backend.localNodeImage();
    progress(`image ${image}, engine ${backend.name} at ${backend.endpoint}`);
    const rows: BenchRow[] = [];

    // Warm-up, discarded: the first container from an image and the host's first launch (image resolution,
    // Runtime API endpoint lookup) pay one-time costs that a session pays once.
    const firstInHost = (() => {
      const started = now();
      return freshFunction('first').then(async (name) => {
        const begin = now();
        check(await host.invoke(name, PAYLOAD), true);
        return { total: now() - started, invoke: now() - begin };
      });
    })();
    const first = await firstInHost;
    // The same for Python: the first launch builds the local Python image.
    const firstPython = await freshPair('firstpy');
    check(await host.invoke(firstPython.python, PAYLOAD), true);
    const warmupFloor = await FloorServer.start(backend, image);
    await warmupFloor.server.remove();

    // 1. Cold start, floor and engine samples interleaved so that load from other work hits both alike.
    progress(`cold start: ${COLD_SAMPLES} samples`);
    const coldMs: number[] = [];
    const initMs: number[] = [];
    const pythonColdMs: number[] = [];
    const pythonInitMs: number[] = [];
    const floorColdMs: number[] = [];
    for (let i = 0; i < COLD_SAMPLES; i++) {
      const floor = await FloorServer.start(backend, image);
      floorColdMs.push(floor.ms);
      await floor.server.remove();
      const names = await freshPair('cold');
      let started = now();
      const result = check(await host.invoke(names.node, PAYLOAD), true);
      coldMs.push(now() - started);
      initMs.push(result.report.initDurationMs ?? NaN);
      started = now();
      const python = check(await host.invoke(names.python, PAYLOAD), true);
      pythonColdMs.push(now() - started);
      pythonInitMs.push(python.report.initDurationMs ?? NaN);
    }
    rows.push(
      ratioRow('cold start (median)', median(coldMs), median(floorColdMs), 'container + node http server answers', 1.3, 'ms', {
        samples: coldMs.map((v) => v.toFixed(1)).join(' '),
        floorSamples: floorColdMs.map((v) => v.toFixed(1)).join(' '),
        initDurationMedianMs: median(initMs),
        firstInNewHostMs: first.invoke,
      }),
    );
    const pythonColdRow = ratioRow('Python cold start (median)', median(pythonColdMs), median(floorColdMs), 'container + node http server answers', 1.3, 'ms', {
      samples: pythonColdMs.map((v) => v.toFixed(1)).join(' '),
      initDurationMedianMs: median(pythonInitMs),
    });

    // 2. Warm latency: sequential invokes of one warm function against keep-alive round trips into a container.
    progress(`warm latency: ${WARM_INVOKES} invokes`);
    const warmNames = await freshPair('warm');
    const warmName = warmNames.node;
    check(await host.invoke(warmName, PAYLOAD), true);
    check(await host.invoke(warmNames.python, PAYLOAD), true);
    const floorServer = (await FloorServer.start(backend, image)).server;
    floors.push(floorServer);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const warmMs: number[] = [];
    const pythonWarmMs: number[] = [];
    const floorWarmMs: number[] = [];
    for (let i = 0; i < 100; i++) {
      await request(agent, floorServer.address);
      check(await host.invoke(warmName, PAYLOAD), false);
      check(await host.invoke(warmNames.python, PAYLOAD), false);
    }
    for (let done = 0; done < WARM_INVOKES; done += 100) {
      for (let i = 0; i < 100; i++) {
        const started = now();
        await request(agent, floorServer.address);
        floorWarmMs.push(now() - started);
      }
      for (let i = 0; i < 100; i++) {
        const started = now();
        check(await host.invoke(warmName, PAYLOAD), false);
        warmMs.push(now() - started);
      }
      for (let i = 0; i < 100; i++) {
        const started = now();
        check(await host.invoke(warmNames.python, PAYLOAD), false);
        pythonWarmMs.push(now() - started);
      }
    }
    pythonWarmMs.sort((a, b) => a - b);
    warmMs.sort((a, b) => a - b);
    floorWarmMs.sort((a, b) => a - b);
    rows.push(ratioRow('warm invoke p50', percentile(warmMs, 50), percentile(floorWarmMs, 50), 'keep-alive HTTP round trip', 3));
    const pythonWarmRow = ratioRow('Python warm invoke p50', percentile(pythonWarmMs, 50), percentile(floorWarmMs, 50), 'keep-alive HTTP round trip', 3, 'ms', { p99: round3(percentile(pythonWarmMs, 99)) });
    const p99 = percentile(warmMs, 99);
    const floorP99 = percentile(floorWarmMs, 99);
    rows.push({ measure: 'warm invoke p99', value: round3(p99), unit: 'ms', floor: round3(floorP99), floorLabel: 'keep-alive HTTP round trip', ratio: round3(p99 / floorP99), target: 'reported', pass: true });

    // 4 (before the burst, which retires this function). Warm throughput, 8 callers, instances warmed first.
    progress(`throughput: ${CALLERS} callers for ${THROUGHPUT_MS} ms`);
    const callers = async (ms: number, call: () => Promise<unknown>): Promise<number> => {
      const until = now() + ms;
      let count = 0;
      await Promise.all(
        Array.from({ length: CALLERS }, async () => {
          while (now() < until) {
            await call();
            count += 1;
          }
        }),
      );
      return count;
    };
    const invokeWarm = async () => check(await host.invoke(warmName, PAYLOAD));
    await callers(1000, invokeWarm);
    const instancesWarm = host.instances().filter((i) => i.functionName === warmName).length;
    const throughputStarted = now();
    const invokes = await callers(THROUGHPUT_MS, invokeWarm);
    const perSecond = invokes / ((now() - throughputStarted) / 1000);
    const floorAgent = new http.Agent({ keepAlive: true, maxSockets: CALLERS });
    const floorStarted = now();
    const floorRequests = await callers(Math.min(THROUGHPUT_MS, 2000), () => request(floorAgent, floorServer.address));
    const floorPerSecond = floorRequests / ((now() - floorStarted) / 1000);
    rows.push(minimumRow(`warm throughput, ${CALLERS} callers`, perSecond, 1000, 'invokes/s', { instances: instancesWarm, invokes, floorRequestsPerSecond: Math.round(floorPerSecond) }));
    agent.destroy();
    floorAgent.destroy();

    // 3. Burst: 10 concurrent invokes on a cold function, against one cold start measured just before it.
    progress(`burst: ${BURST_SAMPLES} x ${BURST} concurrent cold invokes`);
    const burstMs: number[] = [];
    const burstColdMs: number[] = [];
    const floorBurstMs: number[] = [];
    for (let i = 0; i < BURST_SAMPLES; i++) {
      // What the engine alone takes to start 10 containers at once: it does not start them in parallel.
      const floorStarted = now();
      const floors10 = await Promise.allSettled(Array.from({ length: BURST }, () => FloorServer.start(backend, image)));
      floorBurstMs.push(now() - floorStarted);
      await Promise.all(floors10.map((s) => (s.status === 'fulfilled' ? s.value.server.remove() : undefined)));
      const failed = floors10.find((s) => s.status === 'rejected');
      if (failed) throw failed.reason;

      const single = await freshFunction('single');
      let started = now();
      check(await host.invoke(single, PAYLOAD), true);
      burstColdMs.push(now() - started);
      const burst = await freshFunction('burst');
      started = now();
      const results = await Promise.all(Array.from({ length: BURST }, () => host.invoke(burst, PAYLOAD)));
      burstMs.push(now() - started);
      results.forEach((r) => check(r, true));
      const distinct = new Set(results.map((r) => r.instanceId)).size;
      if (distinct !== BURST) throw new Error(`the burst ran on ${distinct} instances, not ${BURST}`);
    }
    rows.push(
      ratioRow(`burst of ${BURST} cold (median)`, median(burstMs), median(burstColdMs), 'one cold start', 2, 'ms', {
        samples: burstMs.map((v) => v.toFixed(1)).join(' '),
        coldSamples: burstColdMs.map((v) => v.toFixed(1)).join(' '),
      }),
      ratioRow(`burst of ${BURST} cold vs ${BURST} floor containers at once`, median(burstMs), median(floorBurstMs), `${BURST} node http server containers at once`, 1.3, 'ms', {
        floorSamples: floorBurstMs.map((v) => v.toFixed(1)).join(' '),
      }),
    );

    writeReport('engine', [rows[0], rows[1], rows[2], rows[4], rows[5], rows[3], pythonColdRow, pythonWarmRow], `${backend.name} ${backend.endpoint}`);
  } finally {
    await Promise.all(floors.map((f) => f.remove()));
    await host.dispose();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

// A benchmark that hangs says so instead of holding up npm run bench (a hung invoke is a finding too).
const watchdog = setTimeout(() => {
  process.stderr.write(`engine bench: no result after ${WATCHDOG_MS} ms, giving up\n`);
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();

main().catch((error: unknown) => {
  process.stderr.write(`engine bench failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
});
