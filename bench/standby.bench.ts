// Standby sandboxes (issue 16), each figure beside a floor measured in the same run: a cold start with a standby
// ready against the container floor (a bare container answering HTTP), save to served with pre-warm on for a
// JavaScript and a TypeScript function, a burst of 10 on a cold function against one cold start without
// standbys, and the memory the standbys kept at rest take. Run: npx tsx bench/standby.bench.ts
// Benchmarks report, tests assert: this exits 0 when a target is missed, and says MISSED.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LABELS } from '../src/core/engine/backend';
import { DockerBackend } from '../src/core/engine/dockerBackend';
import { withLambdaDefaults, type FunctionDefinition } from '../src/core/functions/definition';
import { FunctionHost } from '../src/core/runtime/functionHost';
import type { InvokeResult } from '../src/core/runtime/invokeResult';
import { WorkspaceDeployer, type WorkspaceDeployReport } from '../src/core/workspace/workspaceDeployer';
import { FloorServer } from './lib/floorServer';
import { median, ratioRow, round, writeReport, type BenchRow } from './lib/results';

const COLD_SAMPLES = Number(process.env.BENCH_COLD_SAMPLES ?? 7);
const SAVE_SAMPLES = Number(process.env.BENCH_SAVE_SAMPLES ?? 7);
const BURST = 10;
const BURST_SAMPLES = Number(process.env.BENCH_BURST_SAMPLES ?? 3);
const STANDBYS = 2;
const WATCHDOG_MS = Number(process.env.BENCH_WATCHDOG_MS ?? 15 * 60_000);
const PAYLOAD = Buffer.from('{"bench":true}');
const FIXTURES = path.resolve(__dirname, '../test/fixtures/workspaces');
const now = () => Number(process.hrtime.bigint()) / 1e6;
const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);

function check(result: InvokeResult, cold?: boolean): InvokeResult {
  if (result.status !== 'ok') throw new Error(`${result.functionName} failed: ${result.payload.toString('utf8')}\n${result.logs}`);
  if (cold !== undefined && result.coldStart !== cold) throw new Error(`${result.functionName}: expected coldStart=${cold}, got ${result.coldStart}`);
  return result;
}

/** Waits (polling: this is a benchmark, not a test) until the host has `count` standbys ready for every template it keeps. */
async function standbysReady(host: FunctionHost, count = STANDBYS): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const counts = host.standbys?.counts() ?? [];
    if (counts.length > 0 && counts.every((c) => c.ready >= count)) return;
    if (Date.now() > deadline) throw new Error(`standbys not ready after 60 s: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function main(): Promise<void> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-dock-bench-'));
  const codeDir = path.join(workspace, 'fn');
  fs.mkdirSync(codeDir);
  fs.writeFileSync(path.join(codeDir, 'index.js'), 'exports.handler = async (event) => ({ ok: true, event });\n');
  let count = 0;
  const fresh = (prefix: string): FunctionDefinition =>
    withLambdaDefaults({ name: `${prefix}${++count}`, runtime: 'nodejs20.x', handler: 'index.handler', codeDir, timeoutSeconds: 30, source: { file: path.join(workspace, 'bench'), line: 1 } });

  const withStandbys = await FunctionHost.start({ workspace, standbyInstances: STANDBYS });
  const without = await FunctionHost.start({ workspace, standbyInstances: 0 });
  try {
    if (!(withStandbys.backend instanceof DockerBackend)) throw new Error('the standby benchmarks need a Docker or Podman engine');
    const backend = withStandbys.backend;
    const image = await backend.localNodeImage();
    progress(`image ${image}, engine ${backend.name} at ${backend.endpoint}`);
    const rows: BenchRow[] = [];

    // Warm-up, discarded: the hosts' first launches (image resolution, the Runtime API endpoint).
    for (const host of [withStandbys, without]) {
      const name = fresh('first');
      await host.deploy([name]);
      check(await host.invoke(name.name, PAYLOAD), true);
    }
    await (await FloorServer.start(backend, image)).server.remove();

    // 1. Cold start with a standby ready, interleaved with the container floor.
    progress(`cold start on a standby: ${COLD_SAMPLES} samples`);
    const coldMs: number[] = [];
    const initMs: number[] = [];
    const floorMs: number[] = [];
    for (let i = 0; i < COLD_SAMPLES; i++) {
      const floor = await FloorServer.start(backend, image);
      floorMs.push(floor.ms);
      await floor.server.remove();
      const fn = fresh('cold');
      await withStandbys.deploy([fn]);
      await standbysReady(withStandbys);
      const started = now();
      const result = check(await withStandbys.invoke(fn.name, PAYLOAD), true);
      coldMs.push(now() - started);
      initMs.push(result.report.initDurationMs ?? NaN);
    }
    rows.push(
      ratioRow('cold start with a standby ready (median)', median(coldMs), median(floorMs), 'container + node http server answers', 0.2, 'ms', {
        samples: coldMs.map((v) => v.toFixed(1)).join(' '),
        floorSamples: floorMs.map((v) => v.toFixed(1)).join(' '),
        initDurationMedianMs: median(initMs),
      }),
    );

    // 2. Save to served with pre-warm on: a save redeploys and pre-warms, the pre-warm takes a standby.
    for (const c of SAVE_CASES) {
      progress(`save to served (${c.label}): ${SAVE_SAMPLES} saves`);
      const samples = await saveToServed(withStandbys, c);
      rows.push({
        measure: `save to served, pre-warm on, ${c.label} (median)`,
        value: round(median(samples.map((s) => s.total))),
        unit: 'ms',
        floor: round(median(floorMs)),
        floorLabel: 'container + node http server answers',
        ratio: round(median(samples.map((s) => s.total)) / median(floorMs)),
        target: '< 100 ms',
        pass: median(samples.map((s) => s.total)) < 100,
        details: {
          samples: samples.map((s) => s.total.toFixed(1)).join(' '),
          buildMsMedian: round(median(samples.map((s) => s.buildMs))),
          prewarmMsMedian: round(median(samples.map((s) => s.prewarmMs))),
          servedInvokeMsMedian: round(median(samples.map((s) => s.invokeMs))),
          servedWarm: samples.filter((s) => !s.cold).length,
        },
      });
    }

    // 3. A burst of 10 on a cold function (standbys at their default number, in a host that saw no burst yet)
    // against one cold start without standbys, interleaved.
    progress(`burst: ${BURST_SAMPLES} x ${BURST} concurrent invokes on a cold function`);
    const burstMs: number[] = [];
    const singleMs: number[] = [];
    const secondBurstMs: number[] = [];
    for (let i = 0; i < BURST_SAMPLES; i++) {
      const single = fresh('single');
      await without.deploy([single]);
      let started = now();
      check(await without.invoke(single.name, PAYLOAD), true);
      singleMs.push(now() - started);

      const host = await FunctionHost.start({ workspace, standbyInstances: STANDBYS });
      try {
        const warmup = fresh('burstwarmup');
        await host.deploy([warmup]);
        check(await host.invoke(warmup.name, PAYLOAD), true);
        const burst = fresh('burst');
        await host.deploy([burst]);
        await standbysReady(host);
        started = now();
        const results = await Promise.all(Array.from({ length: BURST }, () => host.invoke(burst.name, PAYLOAD)));
        burstMs.push(now() - started);
        results.forEach((r) => check(r));
        // A second burst while the demand lasts: the number kept has risen.
        const again = fresh('burstagain');
        await host.deploy([again]);
        await standbysReady(host, BURST);
        started = now();
        (await Promise.all(Array.from({ length: BURST }, () => host.invoke(again.name, PAYLOAD)))).forEach((r) => check(r));
        secondBurstMs.push(now() - started);
      } finally {
        await host.dispose();
      }
    }
    rows.push(
      ratioRow(`burst of ${BURST} on a cold function (median)`, median(burstMs), median(singleMs), 'one cold start without standbys', 1.5, 'ms', {
        samples: burstMs.map((v) => v.toFixed(1)).join(' '),
        floorSamples: singleMs.map((v) => v.toFixed(1)).join(' '),
        secondBurstWhileDemandLastsMs: secondBurstMs.map((v) => v.toFixed(1)).join(' '),
      }),
    );

    // 4. What the standbys kept at rest cost: their memory as the engine counts it.
    const fn = fresh('idle');
    await withStandbys.deploy([fn]);
    await standbysReady(withStandbys);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const standbys = (await backend.docker.listContainers({ filters: { label: [`${LABELS.session}=${withStandbys.session.id}`, LABELS.standby] } })).filter(
      (c) => !(withStandbys.instances().some((i) => i.containerId === c.Id)),
    );
    const usage = await Promise.all(
      standbys.map(async (c) => {
        const stats = (await backend.docker.getContainer(c.Id).stats({ stream: false })) as { memory_stats?: { usage?: number; stats?: { inactive_file?: number } } };
        return ((stats.memory_stats?.usage ?? 0) - (stats.memory_stats?.stats?.inactive_file ?? 0)) / (1024 * 1024);
      }),
    );
    const total = usage.reduce((a, b) => a + b, 0);
    rows.push({
      measure: `memory of the ${standbys.length} standbys kept, at rest`,
      value: round(total),
      unit: 'MB',
      target: 'reported',
      pass: true,
      details: { perStandbyMB: usage.map((u) => u.toFixed(1)).join(' ') },
    });

    writeReport('standby', rows, `${backend.name} ${backend.endpoint}`);
  } finally {
    await withStandbys.dispose();
    await without.dispose();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

interface SaveCase {
  label: string;
  fixture: string;
  file: string;
  edit: (source: string, marker: string) => string;
}

const SAVE_CASES: SaveCase[] = [
  { label: 'JavaScript', fixture: 'sam-hello-js', file: 'hello-world/app.mjs', edit: (s, m) => s.replace(/message: '[^']*'/, `message: '${m}'`) },
  { label: 'TypeScript (esbuild)', fixture: 'sam-hello-ts', file: 'hello-world/greeting.ts', edit: (s, m) => s.replace(/return `[^`]*`/, `return \`${m}\``) },
];

/** From writing the changed file to the first invoke that answers with the change, pre-warm on, a standby ready at each save. */
async function saveToServed(host: FunctionHost, c: SaveCase): Promise<Array<{ total: number; buildMs: number; prewarmMs: number; invokeMs: number; cold: boolean }>> {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-dock-bench-')), c.fixture);
  fs.cpSync(path.join(FIXTURES, c.fixture), dir, { recursive: true });
  const deployer = new WorkspaceDeployer(host, { workspace: dir, prewarm: true });
  const file = path.join(dir, c.file);
  const original = fs.readFileSync(file, 'utf8');
  const samples: Array<{ total: number; buildMs: number; prewarmMs: number; invokeMs: number; cold: boolean }> = [];
  try {
    await deployer.watch();
    await host.invoke('HelloWorldFunction', PAYLOAD);
    for (let i = 0; i < SAVE_SAMPLES; i++) {
      await standbysReady(host);
      const marker = `saved ${i}`;
      const deployed = new Promise<WorkspaceDeployReport>((resolve, reject) => {
        deployer.once('deployed', resolve);
        deployer.once('error', reject);
      });
      const saved = now();
      fs.writeFileSync(file, c.edit(original, marker));
      const report = await deployed;
      const invokeStarted = now();
      const served = check(await host.invoke('HelloWorldFunction', PAYLOAD));
      const total = now() - saved;
      const message = (JSON.parse(JSON.parse(served.payload.toString('utf8')).body) as { message: string }).message;
      if (message !== marker) throw new Error(`${c.label}: expected "${marker}", got ${message}`);
      const fn = report.functions.find((f) => f.name === 'HelloWorldFunction');
      samples.push({ total, buildMs: fn?.buildMs ?? 0, prewarmMs: fn?.prewarmMs ?? 0, invokeMs: now() - invokeStarted, cold: served.coldStart });
    }
  } finally {
    await deployer.dispose();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
  return samples;
}

// A benchmark that hangs says so instead of holding up npm run bench (a hung invoke is a finding too).
const watchdog = setTimeout(() => {
  process.stderr.write(`standby bench: no result after ${WATCHDOG_MS} ms, giving up\n`);
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();

main().catch((error: unknown) => {
  process.stderr.write(`standby bench failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
});
