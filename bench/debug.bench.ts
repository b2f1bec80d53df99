// Issue 11's benchmark: from "debug this invocation" to the debugger stopped at a breakpoint in the handler,
// beside a cold start measured in the same run, interleaved, on the same function and engine. The debugger
// is a plain inspector-protocol client doing what js-debug does on attach (enable, set a breakpoint by URL,
// Runtime.runIfWaitingForDebugger), as `lambda-dock invoke --debug-port` users attach.
// Target: at most a cold start plus 1 s. Run: npx tsx bench/debug.bench.ts (npm run bench runs it).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DebugTarget } from '../src/core/debug/debugTarget';
import { withLambdaDefaults } from '../src/core/functions/definition';
import { FunctionHost } from '../src/core/runtime/functionHost';
import { attachAndBreak, InspectorClient } from '../test/integration/support/inspectorClient';
import { median, round, writeReport, type BenchRow } from './lib/results';

const SAMPLES = Number(process.env.BENCH_DEBUG_SAMPLES ?? 7);
const BREAK_LINE = 2;
const now = () => Number(process.hrtime.bigint()) / 1e6;
const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-dock-bench-debug-'));
  fs.writeFileSync(path.join(dir, 'app.js'), "exports.handler = async (event) => {\n  const name = event.name ?? 'nobody';\n  return { greeting: 'hello ' + name };\n};\n");
  const definition = withLambdaDefaults({ name: 'BenchDebug', runtime: 'nodejs20.x', handler: 'app.handler', codeDir: dir, source: { file: path.join(dir, 'template.yaml'), line: 1 } });
  const host = await FunctionHost.start({ workspace: dir, fallbackToProcess: false });
  const payload = Buffer.from('{"name":"bench"}');
  try {
    await host.deploy([definition]);
    // One of each first, not counted: the image and the caches are warm for both.
    await coldInvoke(host, payload);
    await debugToStopped(host, payload);
    const cold: number[] = [];
    const debug: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      cold.push(await coldInvoke(host, payload));
      debug.push(await debugToStopped(host, payload));
      progress(`sample ${i + 1}/${SAMPLES}: cold start ${cold[i].toFixed(0)} ms, debug to stopped ${debug[i].toFixed(0)} ms`);
    }
    const floor = median(cold);
    const value = median(debug);
    const row: BenchRow = {
      measure: 'debug invocation to stopped at the breakpoint (median)',
      value: round(value),
      unit: 'ms',
      floor: round(floor),
      floorLabel: 'cold start (invoke, new instance)',
      ratio: round(value / floor),
      target: '<= floor + 1000 ms',
      pass: value <= floor + 1000,
      details: { samples: SAMPLES, debugMaxMs: round(Math.max(...debug)), coldMaxMs: round(Math.max(...cold)), overFloorMs: round(value - floor) },
    };
    writeReport('debug', [row], `${host.backend.name} ${host.backend.endpoint}`);
  } finally {
    await host.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A cold invocation, start to result: the floor. */
async function coldInvoke(host: FunctionHost, payload: Buffer): Promise<number> {
  await Promise.all(host.instances().map((i) => host.terminateInstance(i.instanceId)));
  const started = now();
  const result = await host.invoke('BenchDebug', payload);
  const ms = now() - started;
  if (!result.coldStart || result.status !== 'ok') throw new Error(`expected a cold start that succeeds: ${result.logs}`);
  return ms;
}

/** From asking for a debugged invocation to Debugger.paused at the handler's breakpoint. */
async function debugToStopped(host: FunctionHost, payload: Buffer): Promise<number> {
  const started = now();
  let announce!: (target: DebugTarget) => void;
  const announced = new Promise<DebugTarget>((resolve) => (announce = resolve));
  const invocation = host.invoke('BenchDebug', payload, { debug: { onTarget: announce } });
  const client = await InspectorClient.connect((await announced).webSocketUrl);
  try {
    const paused = await attachAndBreak(client, 'app\\.js$', BREAK_LINE);
    const ms = now() - started;
    if (paused.callFrames[0].location.lineNumber !== BREAK_LINE) throw new Error(`stopped at line ${paused.callFrames[0].location.lineNumber}`);
    await client.send('Debugger.resume');
    const result = await invocation;
    if (result.status !== 'ok') throw new Error(`the debugged invocation failed: ${result.logs}`);
    return ms;
  } finally {
    client.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
