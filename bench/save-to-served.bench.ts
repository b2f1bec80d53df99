/**
 * Save to served: from writing a changed handler file to the first invoke that returns the new result,
 * for a JavaScript and a TypeScript function, with and without pre-warm, beside the cold-start floor
 * (the first invoke of a freshly deployed function). Run: npx tsx bench/save-to-served.bench.ts
 * Writes bench/results/save-to-served.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FunctionHost } from '../src/core/runtime/functionHost';
import { WorkspaceDeployer, type WorkspaceDeployReport } from '../src/core/workspace/workspaceDeployer';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 8);
const FIXTURES = path.resolve(__dirname, '../test/fixtures/workspaces');

interface Case {
  label: string;
  fixture: string;
  file: string;
  /** Rewrites the handler source so that it answers with `marker`. */
  edit: (source: string, marker: string) => string;
  /** The message the function answers with. */
  message: (payload: Buffer) => string;
}

const bodyMessage = (payload: Buffer) => (JSON.parse(JSON.parse(payload.toString('utf8')).body) as { message: string }).message;
const CASES: Case[] = [
  { label: 'JavaScript', fixture: 'sam-hello-js', file: 'hello-world/app.mjs', edit: (s, m) => s.replace(/message: '[^']*'/, `message: '${m}'`), message: bodyMessage },
  { label: 'TypeScript (esbuild)', fixture: 'sam-hello-ts', file: 'hello-world/greeting.ts', edit: (s, m) => s.replace(/return `[^`]*`/, `return \`${m}\``), message: bodyMessage },
];

interface Sample {
  saveToServedMs: number;
  saveToDeployedMs: number;
  buildMs: number;
  prewarmMs: number;
  invokeMs: number;
  servedCold: boolean;
  nextInvokeMs: number;
  nextCold: boolean;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const round = (n: number) => Math.round(n * 10) / 10;

function copyFixture(name: string): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-dock-bench-')), name);
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

function nextDeploy(deployer: WorkspaceDeployer): Promise<{ report: WorkspaceDeployReport; at: number }> {
  return new Promise((resolve, reject) => {
    deployer.once('deployed', (report: WorkspaceDeployReport) => resolve({ report, at: performance.now() }));
    deployer.once('error', reject);
  });
}

async function measure(host: FunctionHost, c: Case, prewarm: boolean): Promise<Sample[]> {
  const dir = copyFixture(c.fixture);
  const deployer = new WorkspaceDeployer(host, { workspace: dir, prewarm });
  const file = path.join(dir, c.file);
  const original = fs.readFileSync(file, 'utf8');
  const samples: Sample[] = [];
  try {
    await deployer.watch();
    await host.invoke('HelloWorldFunction', Buffer.from('{}'));
    for (let i = 0; i < ITERATIONS; i++) {
      const marker = `saved ${prewarm ? 'p' : 'c'}${i}`;
      const deployed = nextDeploy(deployer);
      const saved = performance.now();
      fs.writeFileSync(file, c.edit(original, marker));
      const { report, at } = await deployed;
      const invokeStarted = performance.now();
      const served = await host.invoke('HelloWorldFunction', Buffer.from('{}'));
      const servedAt = performance.now();
      if (c.message(served.payload) !== marker) throw new Error(`${c.label}: expected "${marker}", got ${served.payload.toString('utf8')}`);
      const next = await host.invoke('HelloWorldFunction', Buffer.from('{}'));
      const fn = report.functions.find((f) => f.name === 'HelloWorldFunction');
      samples.push({
        saveToServedMs: servedAt - saved,
        saveToDeployedMs: at - saved,
        buildMs: fn?.buildMs ?? 0,
        prewarmMs: fn?.prewarmMs ?? 0,
        invokeMs: servedAt - invokeStarted,
        servedCold: served.coldStart,
        nextInvokeMs: performance.now() - servedAt,
        nextCold: next.coldStart,
      });
      // Let idle instances of older code go quiet between saves, as a person typing would.
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await deployer.dispose();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
  return samples;
}

/** The cold-start floor: the first invoke of a freshly deployed function (container start included). */
async function coldStartFloor(host: FunctionHost): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const dir = copyFixture('sam-hello-js');
    const deployer = new WorkspaceDeployer(host, { workspace: dir });
    fs.writeFileSync(path.join(dir, 'hello-world', 'app.mjs'), fs.readFileSync(path.join(dir, 'hello-world', 'app.mjs'), 'utf8').replace('hello world', `floor ${i}`));
    await deployer.deploy();
    const started = performance.now();
    const result = await host.invoke('HelloWorldFunction', Buffer.from('{}'));
    times.push(performance.now() - started);
    if (!result.coldStart) throw new Error('the floor invoke was not a cold start');
    await deployer.dispose();
  }
  return median(times);
}

async function main(): Promise<void> {
  const host = await FunctionHost.start({ workspace: process.cwd(), fallbackToProcess: false });
  try {
    const floor = await coldStartFloor(host);
    const rows: Record<string, unknown>[] = [];
    for (const c of CASES) {
      for (const prewarm of [false, true]) {
        const samples = await measure(host, c, prewarm);
        rows.push({
          function: c.label,
          prewarm,
          iterations: samples.length,
          saveToServedMsP50: round(median(samples.map((s) => s.saveToServedMs))),
          saveToServedMsMax: round(Math.max(...samples.map((s) => s.saveToServedMs))),
          saveToDeployedMsP50: round(median(samples.map((s) => s.saveToDeployedMs))),
          buildMsP50: round(median(samples.map((s) => s.buildMs))),
          prewarmMsP50: round(median(samples.map((s) => s.prewarmMs))),
          servedInvokeMsP50: round(median(samples.map((s) => s.invokeMs))),
          servedColdStarts: samples.filter((s) => s.servedCold).length,
          nextInvokeMsP50: round(median(samples.map((s) => s.nextInvokeMs))),
          nextInvokeColdStarts: samples.filter((s) => s.nextCold).length,
        });
      }
    }
    const result = { date: new Date().toISOString(), host: { cpus: os.cpus().length, node: process.version }, engine: host.backend.name, coldStartFloorMs: round(floor), targetMs: 500, rows };
    console.log(`cold-start floor (first invoke of a new deploy): ${round(floor)} ms; target save-to-served with pre-warm: < 500 ms\n`);
    console.log('function              pre-warm  save→served p50 (max)  save→deployed  build   pre-warm  served invoke (cold)  next invoke (cold)');
    for (const r of rows as Array<Record<string, number | string | boolean>>) {
      console.log(`${String(r.function).padEnd(22)}${String(r.prewarm).padEnd(10)}${`${r.saveToServedMsP50} ms (${r.saveToServedMsMax})`.padEnd(23)}${`${r.saveToDeployedMsP50} ms`.padEnd(15)}${`${r.buildMsP50} ms`.padEnd(8)}${`${r.prewarmMsP50} ms`.padEnd(10)}${`${r.servedInvokeMsP50} ms (${r.servedColdStarts}/${r.iterations})`.padEnd(22)}${r.nextInvokeMsP50} ms (${r.nextInvokeColdStarts}/${r.iterations})`);
    }
    const out = path.resolve(__dirname, 'results', 'save-to-served.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(`${out}.tmp`, JSON.stringify(result, null, 2) + '\n');
    fs.renameSync(`${out}.tmp`, out);
    console.log(`\nwrote ${path.relative(process.cwd(), out)}`);
  } finally {
    await host.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
