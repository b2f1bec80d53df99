import * as assert from 'node:assert/strict';
import type { FunctionHost } from '../../../src/core/runtime/functionHost';
import { ensureAwsRicImage, type AwsRicImage } from '../support/awsRicImage';
import { docker, json, makeFunction, parse, requireEngine, startDockerHost } from '../support/engine';

/**
 * Our Runtime API against AWS's own Node.js runtime interface client (aws-lambda-ric 4.x, its native
 * rapid-client addon speaking HTTP through aws-lambda-cpp and libcurl), in an image laid out like a
 * user's custom image: ENTRYPOINT the client, CMD the handler.
 */
describe('AWS\'s Node.js runtime interface client (aws-lambda-ric) against our Runtime API', function () {
  let host: FunctionHost;
  let image: AwsRicImage;

  const nodejs22 = { runtime: 'nodejs22.x' };
  const echo = makeFunction('RicEcho', {
    'app.js': `exports.handler = async (event, context) => {
      console.log('hello from aws ric', event.name);
      return { greeting: 'hi ' + event.name, requestId: context.awsRequestId, functionName: context.functionName,
        arn: context.invokedFunctionArn, memory: context.memoryLimitInMB, remaining: context.getRemainingTimeInMillis(),
        node: process.version, client: process.argv[1], handlerEnv: process.env._HANDLER, taskRoot: process.env.LAMBDA_TASK_ROOT,
        awslambda: typeof globalThis.awslambda?.streamifyResponse };
    };`,
  }, { ...nodejs22, timeoutSeconds: 9, memorySizeMB: 512 });
  const esm = makeFunction('RicEsm', { 'app.mjs': `export const handler = async (event) => ({ doubled: event.n * 2 });` }, nodejs22);
  const throws = makeFunction('RicThrows', {
    'app.js': `class OrderError extends Error { constructor(m) { super(m); this.name = 'OrderError'; } }
      exports.handler = async (event) => { console.error('about to fail'); throw new OrderError('order ' + event.id + ' is invalid'); };`,
  }, nodejs22);
  const slow = makeFunction('RicSlow', {
    'app.js': `exports.handler = async () => { console.log('started'); await new Promise(r => setTimeout(r, 5000)); return 'too late'; };`,
  }, { ...nodejs22, timeoutSeconds: 1 });
  const missingExport = makeFunction('RicMissingExport', { 'app.js': 'exports.other = async () => 1;' }, nodejs22);

  before(async function () {
    this.timeout(15 * 60_000);
    await requireEngine();
    image = await ensureAwsRicImage(docker, (line) => console.log(`      [aws-ric image] ${line}`));
    console.log(`      [aws-ric image] ${image.tag} (Node.js ${image.nodeVersion}, aws-lambda-ric ${image.ricVersion}): ${
      image.cached === 'image' ? 'already built' : `built in ${(image.totalMs / 1000).toFixed(1)} s (install ${image.cached === 'install' ? 'cached' : `${(image.installMs / 1000).toFixed(1)} s`}, import ${(image.importMs / 1000).toFixed(1)} s)`}`);
    host = await startDockerHost({ runtimeImages: { 'nodejs22.x': image.tag } });
    await host.deploy([echo, esm, throws, slow, missingExport]);
  });
  after(async () => host?.dispose());

  it('returns the handler\'s result, run by AWS\'s client on Node.js 22 with Lambda\'s context', async () => {
    const result = await host.invoke('RicEcho', json({ name: 'dock' }));
    assert.equal(result.status, 'ok', JSON.stringify(result.error));
    const body = parse(result.payload) as Record<string, unknown>;
    assert.equal(body.greeting, 'hi dock');
    assert.equal(body.requestId, result.requestId);
    assert.equal(body.functionName, 'RicEcho');
    assert.equal(body.arn, 'arn:aws:lambda:us-east-1:000000000000:function:RicEcho');
    assert.equal(body.memory, '512');
    assert.ok(Number(body.remaining) > 7000 && Number(body.remaining) <= 9000, `remaining ${String(body.remaining)}`);
    assert.match(String(body.node), /^v22\./);
    assert.equal(body.client, '/var/runtime/node_modules/aws-lambda-ric/index.mjs');
    assert.equal(body.handlerEnv, 'app.handler');
    assert.equal(body.taskRoot, '/var/task');
    assert.equal(body.awslambda, 'function');
    assert.deepEqual(parse((await host.invoke('RicEsm', json({ n: 21 }))).payload), { doubled: 42 });
  });

  it('gives each invocation its own log: START, the handler\'s line tagged with the request id, END and REPORT', async () => {
    const first = await host.invoke('RicEcho', json({ name: 'alpha' }));
    const second = await host.invoke('RicEcho', json({ name: 'beta' }));
    for (const [result, name, other] of [[first, 'alpha', 'beta'], [second, 'beta', 'alpha']] as const) {
      const id = result.requestId;
      assert.match(result.logs, new RegExp(`^START RequestId: ${id} Version: \\$LATEST\\n`), result.logs);
      assert.match(result.logs, new RegExp(`\\n\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z\\t${id}\\tINFO\\thello from aws ric ${name}\\n`), result.logs);
      assert.doesNotMatch(result.logs, new RegExp(other));
      assert.match(result.logs, new RegExp(`\\nEND RequestId: ${id}\\nREPORT RequestId: ${id}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 512 MB\\tMax Memory Used: \\d+ MB\\n$`), result.logs);
    }
  });

  it('keeps the instance warm between invocations', async () => {
    const first = await host.invoke('RicEcho', json({ name: 'one' }));
    const second = await host.invoke('RicEcho', json({ name: 'two' }));
    assert.equal(second.coldStart, false);
    assert.equal(second.instanceId, first.instanceId);
    // The cgroup's peak: file pages another container read first (the image's node binary) are charged to that
    // one, so this can be as low as the heap; what matters is that a figure came, within the limit.
    assert.ok(second.report.maxMemoryUsedMB > 0 && second.report.maxMemoryUsedMB < 512, `the engine's figure for a runtime that reports none: ${second.report.maxMemoryUsedMB}`);
    assert.equal(second.report.initDurationMs, undefined);
    assert.equal((parse(second.payload) as { greeting: string }).greeting, 'hi two');
    assert.equal(host.instances().filter((i) => i.functionName === 'RicEcho').length, 1);
  });

  it('reports a function error in Lambda\'s shape, with the client\'s error log', async () => {
    const result = await host.invoke('RicThrows', json({ id: 7 }));
    assert.equal(result.status, 'error');
    assert.equal(result.error?.errorType, 'OrderError');
    assert.equal(result.error?.errorMessage, 'order 7 is invalid');
    assert.match(result.error?.trace?.[0] ?? '', /^OrderError: order 7 is invalid/);
    assert.ok((result.error?.trace?.length ?? 0) > 1, 'the trace has the stack frames');
    assert.deepEqual(Object.keys(parse(result.payload) as object), ['errorType', 'errorMessage', 'trace']);
    assert.match(result.logs, new RegExp(`\\t${result.requestId}\\tERROR\\tabout to fail\\n`), result.logs);
    assert.match(result.logs, new RegExp(`\\t${result.requestId}\\tERROR\\tInvoke Error \\t\\{"errorType":"OrderError","errorMessage":"order 7 is invalid"`), result.logs);
    assert.match(result.logs, new RegExp(`END RequestId: ${result.requestId}\\nREPORT RequestId: ${result.requestId}\\t`));
    // The instance survives a function error.
    const again = await host.invoke('RicThrows', json({ id: 8 }));
    assert.equal(again.coldStart, false);
    assert.equal(again.error?.errorMessage, 'order 8 is invalid');
  });

  it('reports an init error the client posts to /init/error', async () => {
    const result = await host.invoke('RicMissingExport', json({}));
    assert.equal(result.status, 'error');
    assert.equal(result.error?.errorType, 'Runtime.HandlerNotFound');
    assert.match(result.error?.errorMessage ?? '', /app\.handler is undefined or not exported/);
    assert.equal(host.instances().filter((i) => i.functionName === 'RicMissingExport').length, 0);
  });

  it('times out with Sandbox.Timedout and replaces the instance', async () => {
    const result = await host.invoke('RicSlow', json({}));
    assert.equal(result.error?.errorType, 'Sandbox.Timedout');
    assert.equal(result.error?.errorMessage, `RequestId: ${result.requestId} Error: Task timed out after 1.00 seconds`);
    assert.match(result.logs, new RegExp(`\\t${result.requestId}\\tINFO\\tstarted\\n`), result.logs);
    assert.match(result.logs, /Status: timeout/);
    assert.equal(host.instances().find((i) => i.instanceId === result.instanceId), undefined);
    const again = await host.invoke('RicSlow', json({}));
    assert.equal(again.error?.errorType, 'Sandbox.Timedout');
    assert.equal(again.coldStart, true);
    assert.notEqual(again.instanceId, result.instanceId);
  });
});
