// Issue 16: warm invokes in the official images. The same function in one run: in the local Node.js image (the
// floor), in the official nodejs22.x image run by our runtime client, and in it run by AWS's own client
// (lambdaDock.officialImageClient "aws"); invocations interleaved, each waiting for its own log as the editor does.
// The official image is the tests' stand-in of it (test/integration/support/officialNodeImage.ts): it cannot be
// pulled here. Target: warm p50 in an official image within 1.5x of the local image's; AWS's client's is reported.
// Run: npx tsx bench/official-images.bench.ts (npm run bench runs it after building).
// Benchmarks report, tests assert: this exits 0 when a target is missed, and says MISSED.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';
import { withLambdaDefaults } from '../src/core/functions/definition';
import { FunctionHost } from '../src/core/runtime/functionHost';
import { ensureOfficialNodeImage } from '../test/integration/support/officialNodeImage';
import { percentile, ratioRow, writeReport } from './lib/results';

const WARM_INVOKES = Number(process.env.BENCH_WARM_INVOKES ?? 400);
const PAYLOAD = Buffer.from('{"bench":true}');
const now = () => Number(process.hrtime.bigint()) / 1e6;
const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);

type Setup = 'local' | 'official, our client' | "official, AWS's client";

async function main(): Promise<void> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-dock-bench-official-'));
  const codeDir = path.join(workspace, 'fn');
  fs.mkdirSync(codeDir);
  fs.writeFileSync(path.join(codeDir, 'index.js'), 'exports.handler = async (event) => ({ ok: true, event });\n');
  const docker = new Docker({ socketPath: process.env.DOCKER_HOST?.replace(/^unix:\/\//, '') ?? '/var/run/docker.sock' });
  const image = await ensureOfficialNodeImage(docker, progress);
  const hosts: Record<Setup, FunctionHost> = {
    local: await FunctionHost.start({ workspace }),
    'official, our client': await FunctionHost.start({ workspace, runtimeImages: { 'nodejs22.x': image.tag } }),
    "official, AWS's client": await FunctionHost.start({ workspace, runtimeImages: { 'nodejs22.x': image.tag }, officialImageClient: 'aws' }),
  };
  const setups = Object.keys(hosts) as Setup[];
  const samples: Record<Setup, number[]> = { local: [], 'official, our client': [], "official, AWS's client": [] };
  try {
    for (const setup of setups) {
      await hosts[setup].deploy([withLambdaDefaults({ name: 'Warm', runtime: 'nodejs22.x', handler: 'index.handler', codeDir, timeoutSeconds: 30, source: { file: path.join(workspace, 'bench'), line: 1 } })]);
      const first = await hosts[setup].invoke('Warm', PAYLOAD);
      if (first.status !== 'ok') throw new Error(`${setup}: ${first.payload.toString('utf8')}\n${first.logs}`);
    }
    progress(`${WARM_INVOKES} warm invokes per setup, interleaved`);
    for (let i = 0; i < WARM_INVOKES; i++) {
      for (const setup of setups) {
        const started = now();
        const result = await hosts[setup].invoke('Warm', PAYLOAD);
        const elapsed = now() - started;
        if (result.status !== 'ok' || result.coldStart) throw new Error(`${setup}: not a warm success (${result.status}, cold ${result.coldStart})`);
        samples[setup].push(elapsed);
      }
    }
  } finally {
    await Promise.all(setups.map((setup) => hosts[setup].dispose()));
    fs.rmSync(workspace, { recursive: true, force: true });
  }
  const p = (setup: Setup, q: number) => percentile([...samples[setup]].sort((a, b) => a - b), q);
  const floor = p('local', 50);
  const details = (setup: Setup) => ({ p90: Math.round(p(setup, 90) * 1000) / 1000, p99: Math.round(p(setup, 99) * 1000) / 1000, invokes: samples[setup].length });
  // AWS's client reports no output tally: a caller that waits for the log waits for it to be quiet. Reported beside.
  const aws = p("official, AWS's client", 50);
  writeReport('official-images', [
    ratioRow("warm invoke p50 (with its log), official nodejs22.x image with Lambda Dock's client", p('official, our client', 50), floor, 'local image p50', 1.5, 'ms', {
      ...details('official, our client'),
      "AWS's client p50 (officialImageClient aws)": Math.round(aws * 1000) / 1000,
      "AWS's client / local": Math.round((aws / floor) * 100) / 100,
    }),
  ], 'docker');
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
