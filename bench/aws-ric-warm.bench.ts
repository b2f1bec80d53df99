// Warm invokes under AWS's own Node.js runtime interface client (aws-lambda-ric, which reports no output tally):
// the official nodejs22.x image with lambdaDock.officialImageClient "aws", beside the same function in the local
// Node.js image (our client), in one run, samples interleaved: issue 16's "warm invokes in every image". A caller
// that does not ask for the log (an Invoke without LogType, host.invoke with wantsLog false) is answered as soon
// as the function answers; an Invoke with LogType Tail waits for the log (reported). The official image is the
// tests' stand-in of it (test/integration/support/officialNodeImage: built once, then cached).
// Run: npm run build && npx tsx bench/aws-ric-warm.bench.ts
// Benchmarks report, tests assert: this exits 0 when a target is missed, and says MISSED.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';
import { InvokeCommand, LambdaClient, LogType } from '@aws-sdk/client-lambda';
import { InvokeApiServer } from '../src/core/api/server';
import { withLambdaDefaults } from '../src/core/functions/definition';
import { FunctionHost, type FunctionHostOptions } from '../src/core/runtime/functionHost';
import { ensureOfficialNodeImage } from '../test/integration/support/officialNodeImage';
import { percentile, ratioRow, round, writeReport, type BenchRow } from './lib/results';

const WARM_INVOKES = Number(process.env.BENCH_WARM_INVOKES ?? 1000);
const TAIL_INVOKES = Number(process.env.BENCH_TAIL_INVOKES ?? 200);
const BATCH = 50;
const CALLERS = 8;
const THROUGHPUT_MS = Number(process.env.BENCH_THROUGHPUT_MS ?? 3000);
const WATCHDOG_MS = Number(process.env.BENCH_WATCHDOG_MS ?? 20 * 60_000);
const TARGET = 1.5;
const now = () => Number(process.hrtime.bigint()) / 1e6;
const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);

type Image = 'aws' | 'local';

/** One host per image, each behind its own Invoke API, serving the same function (Node.js 22, one log line). */
interface Side {
  host: FunctionHost;
  api: InvokeApiServer;
  sdk: LambdaClient;
}

async function side(workspace: string, options: Pick<FunctionHostOptions, 'runtimeImages' | 'officialImageClient'>): Promise<Side> {
  const host = await FunctionHost.start({ workspace, fallbackToProcess: false, ...options });
  await host.deploy([withLambdaDefaults({ name: 'Warm', runtime: 'nodejs22.x', handler: 'index.handler', codeDir: path.join(workspace, 'fn'), timeoutSeconds: 30, source: { file: path.join(workspace, 'bench'), line: 1 } })]);
  const api = new InvokeApiServer({ invoker: host, port: 0 });
  const sdk = new LambdaClient({ endpoint: await api.start(), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  return { host, api, sdk };
}

async function main(): Promise<void> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-dock-bench-'));
  fs.mkdirSync(path.join(workspace, 'fn'));
  fs.writeFileSync(path.join(workspace, 'fn', 'index.js'), "exports.handler = async (event) => { console.log('handled', event.n); return { ok: true, n: event.n }; };\n");
  const docker = new Docker({ socketPath: process.env.DOCKER_HOST?.replace(/^unix:\/\//, '') ?? '/var/run/docker.sock' });
  const image = await ensureOfficialNodeImage(docker, (line) => progress(`official image: ${line}`));
  progress(`AWS's client (aws-lambda-ric ${image.ricVersion}, Node.js ${image.nodeVersion}) in ${image.tag}`);
  const sides: Partial<Record<Image, Side>> = {};
  try {
    sides.aws = await side(workspace, { runtimeImages: { 'nodejs22.x': image.tag }, officialImageClient: 'aws' });
    sides.local = await side(workspace, {});
    const both = sides as Record<Image, Side>;
    let n = 0;
    const payload = () => Buffer.from(JSON.stringify({ n: ++n }));
    const sdkInvoke = (which: Image, logType?: LogType) => async () => {
      const out = await both[which].sdk.send(new InvokeCommand({ FunctionName: 'Warm', Payload: payload(), ...(logType ? { LogType: logType } : {}) }));
      if (out.FunctionError) throw new Error(`${which}: ${Buffer.from(out.Payload ?? []).toString('utf8')}`);
      if (logType && !Buffer.from(out.LogResult ?? '', 'base64').toString('utf8').includes('\tINFO\thandled')) throw new Error(`${which}: the tail lacks the function's line`);
    };
    const hostInvoke = (which: Image) => async () => {
      const result = await both[which].host.invoke('Warm', payload(), { wantsLog: false });
      if (result.status !== 'ok') throw new Error(`${which}: ${result.payload.toString('utf8')}`);
    };
    const runs = {
      sdkAws: sdkInvoke('aws'),
      sdkLocal: sdkInvoke('local'),
      hostAws: hostInvoke('aws'),
      hostLocal: hostInvoke('local'),
      tailAws: sdkInvoke('aws', LogType.Tail),
      tailLocal: sdkInvoke('local', LogType.Tail),
    };
    type Run = keyof typeof runs;
    const samples = Object.fromEntries(Object.keys(runs).map((k) => [k, [] as number[]])) as Record<Run, number[]>;
    // Each instance started, then warmed on every path.
    for (const run of Object.values(runs)) for (let i = 0; i < 20; i++) await run();

    /** Sequential calls of each run in turn, a batch at a time, so that load from other work hits all alike. */
    const interleaved = async (names: Run[], total: number) => {
      for (let done = 0; done < total; done += BATCH) {
        for (const name of names) {
          for (let i = 0; i < BATCH; i++) {
            const started = now();
            await runs[name]();
            samples[name].push(now() - started);
          }
        }
      }
    };
    progress(`warm latency without the log: ${WARM_INVOKES} invokes per path`);
    await interleaved(['sdkAws', 'sdkLocal', 'hostAws', 'hostLocal'], WARM_INVOKES);
    progress(`warm latency with LogType Tail: ${TAIL_INVOKES} invokes per image`);
    await interleaved(['tailAws', 'tailLocal'], TAIL_INVOKES);
    for (const list of Object.values(samples)) list.sort((a, b) => a - b);
    const p = (name: Run, at: number) => percentile(samples[name], at);

    progress(`throughput: ${CALLERS} callers for ${THROUGHPUT_MS} ms per image`);
    const throughput = async (call: () => Promise<void>, ms: number): Promise<number> => {
      const started = now();
      const until = started + ms;
      let count = 0;
      await Promise.all(Array.from({ length: CALLERS }, async () => {
        while (now() < until) {
          await call();
          count += 1;
        }
      }));
      return count / ((now() - started) / 1000);
    };
    await throughput(runs.sdkAws, 1000);
    await throughput(runs.sdkLocal, 1000);
    const perSecond = { aws: [] as number[], local: [] as number[] };
    for (let i = 0; i < 3; i++) {
      perSecond.aws.push(await throughput(runs.sdkAws, THROUGHPUT_MS / 3));
      perSecond.local.push(await throughput(runs.sdkLocal, THROUGHPUT_MS / 3));
    }
    const aws = perSecond.aws.reduce((a, b) => a + b) / 3;
    const local = perSecond.local.reduce((a, b) => a + b) / 3;
    const instances = (which: Image) => both[which].host.instances().filter((i) => i.state !== 'stopped').length;

    const rows: BenchRow[] = [
      ratioRow('warm invoke p50, AWS SDK Invoke without LogType, AWS\'s client in the official image', p('sdkAws', 50), p('sdkLocal', 50), 'the same in the local image', TARGET, 'ms', {
        p90: round(p('sdkAws', 90)), floorP90: round(p('sdkLocal', 90)), p99: round(p('sdkAws', 99)), floorP99: round(p('sdkLocal', 99)),
      }),
      ratioRow('warm invoke p50, host.invoke without the log, AWS\'s client in the official image', p('hostAws', 50), p('hostLocal', 50), 'the same in the local image', TARGET, 'ms', {
        p99: round(p('hostAws', 99)), floorP99: round(p('hostLocal', 99)),
      }),
      { ...ratioRow('warm invoke p50, Invoke with LogType Tail (waits for the log), AWS\'s client in the official image', p('tailAws', 50), p('tailLocal', 50), 'the same in the local image', TARGET), target: 'reported', pass: true },
      {
        measure: `warm throughput, ${CALLERS} callers, AWS SDK Invoke without LogType, AWS's client in the official image`,
        value: round(aws),
        unit: 'invokes/s',
        floor: round(local),
        floorLabel: 'the same in the local image',
        ratio: round(aws / local),
        target: `>= ${round(1 / TARGET)}x floor`,
        pass: aws / local >= 1 / TARGET,
        details: { rounds: perSecond.aws.map((v) => v.toFixed(0)).join(' '), floorRounds: perSecond.local.map((v) => v.toFixed(0)).join(' '), instances: instances('aws'), floorInstances: instances('local') },
      },
    ];
    const backend = both.aws.host.backend;
    writeReport('aws-ric-warm', rows, `${backend.name} ${backend.endpoint}`);
  } finally {
    for (const s of Object.values(sides)) {
      s.sdk.destroy();
      await s.api.close();
      await s.host.dispose();
    }
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

// A benchmark that hangs says so instead of holding up npm run bench (a hung invoke is a finding too).
const watchdog = setTimeout(() => {
  process.stderr.write(`aws-ric-warm bench: no result after ${WATCHDOG_MS} ms, giving up\n`);
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();

main().catch((error: unknown) => {
  process.stderr.write(`aws-ric-warm bench failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
});
