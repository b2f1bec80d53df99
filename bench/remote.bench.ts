// The remote-engine benchmark of issue 15: warm invoke latency and cold start through a remote engine (the
// Runtime API relay over the engine's attach stream), each beside the same on the local engine, interleaved in
// one run. The remote engine is the tests' own: a second dockerd in a network namespace, reached over TCP on a
// veth pair (test/integration/support/remote-engine.sh; needs root). Target: the relay adds at most 1 ms to a
// warm invoke at the median. Run: npx tsx bench/remote.bench.ts (npm run bench runs it after building).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withLambdaDefaults, type FunctionDefinition } from '../src/core/functions/definition';
import { FunctionHost } from '../src/core/runtime/functionHost';
import type { InvokeResult } from '../src/core/runtime/invokeResult';
import { median, percentile, ratioRow, round, writeReport, type BenchRow } from './lib/results';

const WARM_INVOKES = Number(process.env.BENCH_WARM_INVOKES ?? 2000);
const COLD_SAMPLES = Number(process.env.BENCH_COLD_SAMPLES ?? 5);
const WATCHDOG_MS = Number(process.env.BENCH_WATCHDOG_MS ?? 10 * 60_000);
const RELAY_BUDGET_MS = 1;
const ENGINE_NAME = 'bench';
const SCRIPT = path.join(__dirname, '..', 'test', 'integration', 'support', 'remote-engine.sh');
const PAYLOAD = Buffer.from('{"bench":true}');

const now = () => Number(process.hrtime.bigint()) / 1e6;
const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);

function remoteEngine(command: 'up' | 'down'): Record<string, string> {
  const out = execFileSync('bash', [SCRIPT, command, ENGINE_NAME], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return Object.fromEntries(out.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

function check(result: InvokeResult, cold: boolean): InvokeResult {
  if (result.status !== 'ok') throw new Error(`${result.functionName} failed: ${result.payload.toString('utf8')}\n${result.logs}`);
  if (result.coldStart !== cold) throw new Error(`${result.functionName}: expected coldStart=${cold}, got ${result.coldStart}`);
  return result;
}

/** One engine's host, with fresh functions on demand (a fresh one's first invoke is a real cold start). */
class Side {
  private count = 0;
  private constructor(
    readonly host: FunctionHost,
    private readonly codeDir: string,
    private readonly workspace: string,
  ) {}

  static async start(workspace: string, codeDir: string, dockerHost?: string): Promise<Side> {
    const host = await FunctionHost.start({ workspace, fallbackToProcess: false, engine: dockerHost ? { dockerHost } : {} });
    return new Side(host, codeDir, workspace);
  }

  async fresh(prefix: string): Promise<string> {
    const name = `${prefix}${++this.count}`;
    const definition: FunctionDefinition = withLambdaDefaults({ name, runtime: 'nodejs20.x', handler: 'index.handler', codeDir: this.codeDir, timeoutSeconds: 30, source: { file: path.join(this.workspace, 'bench'), line: 1 } });
    await this.host.deploy([definition]);
    return name;
  }

  async coldStart(): Promise<number> {
    const name = await this.fresh('cold');
    const started = now();
    check(await this.host.invoke(name, PAYLOAD), true);
    return now() - started;
  }
}

async function main(): Promise<void> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-dock-bench-remote-'));
  const codeDir = path.join(workspace, 'fn');
  fs.mkdirSync(codeDir);
  fs.writeFileSync(path.join(codeDir, 'index.js'), 'exports.handler = async (event) => ({ ok: true, event });\n');
  remoteEngine('down');
  progress('making the remote engine (a dockerd in a network namespace)');
  const engine = remoteEngine('up');
  const sides: Side[] = [];
  try {
    const local = await Side.start(workspace, codeDir);
    sides.push(local);
    const remote = await Side.start(workspace, codeDir, `tcp://${engine.ADDRESS}:2375`);
    sides.push(remote);
    progress(`local ${local.host.backend.endpoint}, remote ${remote.host.backend.endpoint}`);

    // Warm-up, discarded: the first launch in a host pays for the image (imported on the remote engine) and,
    // remotely, for the session's relay and network.
    const firstRemoteStarted = now();
    await remote.coldStart();
    const firstRemoteMs = now() - firstRemoteStarted;
    await local.coldStart();

    progress(`cold start: ${COLD_SAMPLES} samples each, interleaved`);
    const localCold: number[] = [];
    const remoteCold: number[] = [];
    for (let i = 0; i < COLD_SAMPLES; i++) {
      localCold.push(await local.coldStart());
      remoteCold.push(await remote.coldStart());
    }

    progress(`warm invoke: ${WARM_INVOKES} each, in interleaved batches of 100`);
    const localWarmName = await local.fresh('warm');
    const remoteWarmName = await remote.fresh('warm');
    check(await local.host.invoke(localWarmName, PAYLOAD), true);
    check(await remote.host.invoke(remoteWarmName, PAYLOAD), true);
    const localWarm: number[] = [];
    const remoteWarm: number[] = [];
    const batch = async (side: Side, name: string, into: number[] | undefined) => {
      for (let i = 0; i < 100; i++) {
        const started = now();
        check(await side.host.invoke(name, PAYLOAD), false);
        into?.push(now() - started);
      }
    };
    await batch(local, localWarmName, undefined);
    await batch(remote, remoteWarmName, undefined);
    for (let done = 0; done < WARM_INVOKES; done += 100) {
      await batch(local, localWarmName, localWarm);
      await batch(remote, remoteWarmName, remoteWarm);
    }
    localWarm.sort((a, b) => a - b);
    remoteWarm.sort((a, b) => a - b);
    const localP50 = percentile(localWarm, 50);
    const remoteP50 = percentile(remoteWarm, 50);
    const added = remoteP50 - localP50;

    const rows: BenchRow[] = [
      {
        measure: 'warm invoke p50, remote engine (through the relay)',
        value: round(remoteP50),
        unit: 'ms',
        floor: round(localP50),
        floorLabel: 'the same on the local engine',
        ratio: round(remoteP50 / localP50),
        target: `<= floor + ${RELAY_BUDGET_MS} ms`,
        pass: added <= RELAY_BUDGET_MS,
        details: { addedMs: round(added), remoteP99: round(percentile(remoteWarm, 99)), localP99: round(percentile(localWarm, 99)), invokes: WARM_INVOKES },
      },
      {
        ...ratioRow('cold start (median), remote engine', median(remoteCold), median(localCold), 'the same on the local engine', 1, 'ms', {
          samples: remoteCold.map((v) => v.toFixed(1)).join(' '),
          floorSamples: localCold.map((v) => v.toFixed(1)).join(' '),
          firstInSessionMs: round(firstRemoteMs),
        }),
        // No target: the upload of the code and the engine's own distance are the remote engine's, not the relay's.
        target: 'reported',
        pass: true,
      },
    ];
    writeReport('remote', rows, `remote ${remote.host.backend.endpoint} beside local ${local.host.backend.endpoint}`);
  } finally {
    await Promise.all(sides.map((side) => side.host.dispose().catch(() => undefined)));
    remoteEngine('down');
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

const watchdog = setTimeout(() => {
  process.stderr.write(`remote bench: no result after ${WATCHDOG_MS} ms, giving up\n`);
  remoteEngine('down');
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();

main().catch((error: unknown) => {
  process.stderr.write(`remote bench failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
});
