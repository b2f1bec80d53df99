/**
 * What the Invoke API adds to an invocation: the AWS SDK invoking a warm function over the endpoint, against
 * a direct in-process FunctionHost.invoke of the same warm function, interleaved in one run. Floors measured
 * in the same run split the difference into the SDK client's own cost and the endpoint's: the same SDK and a
 * raw keep-alive HTTP client against a server that answers at once without invoking anything.
 *
 *   npm run build && npx tsx bench/invoke-api.bench.ts [iterations]
 *
 * Prints a table and writes bench/results/invoke-api.json. Target: the endpoint adds at most 0.5 ms at the median.
 */
import * as fs from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { InvokeApiServer } from '../src/core/api/server';
import { FunctionHost } from '../src/core/runtime/functionHost';
import { discoverFunctions } from '../src/core/workspace';

const ITERATIONS = Number(process.argv[2] ?? 2000);
const WARMUP = 300;
const TARGET_MS = 0.5;
const WORKSPACE = path.resolve(__dirname, '../test/fixtures/api');
const PAYLOAD = Buffer.from('{"hello":"world"}');

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function sdkClient(endpoint: string): LambdaClient {
  return new LambdaClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
}

function rawInvoker(endpoint: string): () => Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL('/2015-03-31/functions/Echo/invocations', endpoint);
  return () =>
    new Promise((resolve, reject) => {
      const req = request(url, { method: 'POST', agent, headers: { 'content-length': PAYLOAD.length } }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(PAYLOAD);
    });
}

async function time(samples: number[], run: () => Promise<unknown>): Promise<void> {
  const started = performance.now();
  await run();
  samples.push(performance.now() - started);
}

async function main(): Promise<void> {
  const discovery = await discoverFunctions(WORKSPACE);
  const echo = discovery.functions.find((fn) => fn.name === 'Echo');
  if (!echo) throw new Error(`no Echo function in ${WORKSPACE}`);
  const host = await FunctionHost.start({ workspace: WORKSPACE, fallbackToProcess: false });
  const api = new InvokeApiServer({ invoker: host, port: 0 });
  // A server that answers like Invoke without invoking: the floor of the SDK and of HTTP on loopback.
  const answer = Buffer.from('{"event":{"hello":"world"}}');
  const nullServer = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length, 'x-amz-executed-version': '$LATEST' });
      res.end(answer);
    });
  });
  try {
    await host.deploy([echo], { prewarm: true });
    const endpoint = await api.start();
    await new Promise<void>((resolve) => nullServer.listen(0, '127.0.0.1', resolve));
    const nullEndpoint = `http://127.0.0.1:${(nullServer.address() as AddressInfo).port}`;

    const sdk = sdkClient(endpoint);
    const sdkNull = sdkClient(nullEndpoint);
    const raw = rawInvoker(endpoint);
    const rawNull = rawInvoker(nullEndpoint);
    const command = (): InvokeCommand => new InvokeCommand({ FunctionName: 'Echo', Payload: PAYLOAD });
    const direct = async (): Promise<void> => {
      const result = await host.invoke('Echo', PAYLOAD);
      if (result.status !== 'ok') throw new Error(result.payload.toString());
    };

    const rows = {
      direct: [] as number[],
      sdkEndpoint: [] as number[],
      rawEndpoint: [] as number[],
      sdkNull: [] as number[],
      rawNull: [] as number[],
    };
    for (let i = 0; i < WARMUP + ITERATIONS; i++) {
      const keep = i >= WARMUP;
      // Interleaved, so drift (GC, other load on the machine) touches every row alike.
      const sinks = keep ? rows : { direct: [], sdkEndpoint: [], rawEndpoint: [], sdkNull: [], rawNull: [] };
      await time(sinks.direct, direct);
      await time(sinks.sdkEndpoint, () => sdk.send(command()));
      await time(sinks.rawEndpoint, raw);
      await time(sinks.sdkNull, () => sdkNull.send(command()));
      await time(sinks.rawNull, rawNull);
    }
    sdk.destroy();
    sdkNull.destroy();

    const stat = (samples: number[]) => ({ p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) });
    const s = {
      direct: stat(rows.direct),
      sdkEndpoint: stat(rows.sdkEndpoint),
      rawEndpoint: stat(rows.rawEndpoint),
      sdkNull: stat(rows.sdkNull),
      rawNull: stat(rows.rawNull),
    };
    const addedBySdkPath = s.sdkEndpoint.p50 - s.direct.p50;
    const addedByRawPath = s.rawEndpoint.p50 - s.direct.p50;
    // What the endpoint itself costs: the SDK path's extra time less what the same SDK spends against a null server.
    const endpointShare = addedBySdkPath - s.sdkNull.p50;
    const endpointShareRaw = addedByRawPath - s.rawNull.p50;

    const fmt = (n: number): string => n.toFixed(3).padStart(8);
    const line = (name: string, v: { p50: number; p99: number }, diff?: number): string =>
      `${name.padEnd(50)}${fmt(v.p50)}${fmt(v.p99)}${diff === undefined ? '' : fmt(diff)}`;
    console.log(`\nInvoke API overhead: ${ITERATIONS} warm invocations of Echo per row, interleaved (ms)\n`);
    console.log(`${''.padEnd(50)}     p50     p99  p50 - direct`);
    console.log(line('direct in-process FunctionHost.invoke', s.direct));
    console.log(line('AWS SDK Invoke over the endpoint', s.sdkEndpoint, addedBySdkPath));
    console.log(line('raw keep-alive HTTP over the endpoint', s.rawEndpoint, addedByRawPath));
    console.log(line('floor: AWS SDK against a null server', s.sdkNull));
    console.log(line('floor: raw keep-alive HTTP against a null server', s.rawNull));
    console.log(`\nadded at the median, SDK over the endpoint vs direct: ${addedBySdkPath.toFixed(3)} ms (target <= ${TARGET_MS} ms: ${addedBySdkPath <= TARGET_MS ? 'met' : 'NOT met'})`);
    console.log(`  of which the SDK client and loopback HTTP (null-server floor): ${s.sdkNull.p50.toFixed(3)} ms`);
    console.log(`  of which the endpoint itself: ${endpointShare.toFixed(3)} ms (raw HTTP path: ${endpointShareRaw.toFixed(3)} ms)`);

    const results = {
      benchmark: 'invoke-api',
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, engine: host.backend.name },
      iterations: ITERATIONS,
      unit: 'ms',
      rows: s,
      addedAtMedian: { sdkVsDirect: addedBySdkPath, rawHttpVsDirect: addedByRawPath, endpointShare, endpointShareRaw },
      target: { addedAtMedianMs: TARGET_MS, met: addedBySdkPath <= TARGET_MS, endpointShareMet: endpointShare <= TARGET_MS },
    };
    const out = path.resolve(__dirname, 'results/invoke-api.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\nwrote ${path.relative(process.cwd(), out)}`);
  } finally {
    nullServer.close();
    await api.close();
    await host.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
