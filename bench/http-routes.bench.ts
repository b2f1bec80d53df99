/**
 * What a route adds: a warm request through the local API Gateway (keep-alive HTTP, the route matched, the
 * event built, the result mapped back) against a direct in-process FunctionHost.invoke of the same warm
 * function with the same event, interleaved in one run, for a REST API route (payload 1.0) and an HTTP API
 * route (2.0). A keep-alive HTTP client against a server that answers at once is the floor of loopback HTTP.
 *
 *   npm run build && npx tsx bench/http-routes.bench.ts [iterations]
 *
 * Target: a route adds at most 0.3 ms at the median.
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { ApiGatewayServer } from '../src/core/gateway/apiGatewayServer';
import { FunctionHost } from '../src/core/runtime/functionHost';
import { WorkspaceDeployer } from '../src/core/workspace/workspaceDeployer';
import { type BenchRow, percentile, round, writeReport } from './lib/results';

const ITERATIONS = Number(process.argv[2] ?? 2000);
const WARMUP = 300;
const TARGET_MS = 0.3;
const WORKSPACE = path.resolve(__dirname, '../test/fixtures/gateway/sam');

function get(base: string, target: string): () => Promise<Buffer> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(target, base);
  return () =>
    new Promise((resolve, reject) => {
      const req = request(url, { method: 'GET', agent, headers: { 'user-agent': 'bench' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`${target}: status ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end();
    });
}

async function time(samples: number[], run: () => Promise<unknown>): Promise<void> {
  const started = performance.now();
  await run();
  samples.push(performance.now() - started);
}

const p50 = (samples: number[]): number => percentile([...samples].sort((a, b) => a - b), 50);
const p99 = (samples: number[]): number => percentile([...samples].sort((a, b) => a - b), 99);

async function main(): Promise<void> {
  const host = await FunctionHost.start({ workspace: WORKSPACE, fallbackToProcess: false });
  const gateway = new ApiGatewayServer({ invoker: host, port: 0 });
  let nullAnswer: Buffer = Buffer.alloc(0);
  const nullServer = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': nullAnswer.length });
    res.end(nullAnswer);
  });
  try {
    const deployer = new WorkspaceDeployer(host, { workspace: WORKSPACE });
    await deployer.deploy();
    await deployer.dispose();
    await Promise.all([host.prewarm('RestEcho'), host.prewarm('HttpEcho')]);
    gateway.refresh();
    const base = await gateway.start();
    await new Promise<void>((resolve) => nullServer.listen(0, '127.0.0.1', resolve));
    const nullBase = `http://127.0.0.1:${(nullServer.address() as AddressInfo).port}`;

    const rest = get(base, '/orders/42?expand=items');
    const http = get(base, '/v2/items/42?expand=items');
    const floor = get(nullBase, '/orders/42?expand=items');
    // The echo function answers with its event: the direct invokes get exactly the events the routes built.
    const restEvent = await rest();
    const httpEvent = await http();
    nullAnswer = restEvent;
    const direct = (name: string, event: Buffer) => async (): Promise<void> => {
      const result = await host.invoke(name, event);
      if (result.status !== 'ok') throw new Error(result.payload.toString());
    };
    const directRest = direct('RestEcho', restEvent);
    const directHttp = direct('HttpEcho', httpEvent);

    const rows = { directRest: [] as number[], routeRest: [] as number[], directHttp: [] as number[], routeHttp: [] as number[], floor: [] as number[] };
    for (let i = 0; i < WARMUP + ITERATIONS; i++) {
      // Interleaved, so drift (GC, other load on the machine) touches every row alike.
      const sink = i >= WARMUP ? rows : { directRest: [], routeRest: [], directHttp: [], routeHttp: [], floor: [] };
      await time(sink.directRest, directRest);
      await time(sink.routeRest, rest);
      await time(sink.directHttp, directHttp);
      await time(sink.routeHttp, http);
      await time(sink.floor, floor);
    }

    const row = (measure: string, route: number[], directSamples: number[]): BenchRow => {
      const added = p50(route) - p50(directSamples);
      return {
        measure,
        value: round(added),
        unit: 'ms',
        floor: round(p50(directSamples)),
        floorLabel: 'direct warm invoke, p50',
        ratio: round(p50(route) / p50(directSamples)),
        target: `<= ${TARGET_MS} ms added at the median`,
        pass: added <= TARGET_MS,
        details: {
          routeP50: round(p50(route)),
          routeP99: round(p99(route)),
          directP99: round(p99(directSamples)),
          loopbackHttpFloorP50: round(p50(rows.floor)),
          gatewayShareP50: round(added - p50(rows.floor)),
        },
      };
    };
    writeReport('http-routes', [
      row('REST API route (payload 1.0): added over a direct invoke', rows.routeRest, rows.directRest),
      row('HTTP API route (payload 2.0): added over a direct invoke', rows.routeHttp, rows.directHttp),
    ], host.backend.name);
    console.log(`loopback keep-alive HTTP against a null server (part of every route's figure): p50 ${p50(rows.floor).toFixed(3)} ms`);
  } finally {
    nullServer.close();
    await gateway.close();
    await host.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
