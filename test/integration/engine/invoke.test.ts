import * as assert from 'node:assert/strict';
import type { FunctionHost } from '../../../src/core/runtime/functionHost';
import { containerExists, eventually, json, makeFunction, parse, startDockerHost } from '../support/engine';

describe('invoking functions in Docker', function () {
  let host: FunctionHost;

  const cjs = makeFunction('CjsEcho', {
    'app.js': `exports.handler = async (event, context) => {
      console.log('echo', event.marker);
      return { event, context: {
        awsRequestId: context.awsRequestId, functionName: context.functionName, functionVersion: context.functionVersion,
        memoryLimitInMB: context.memoryLimitInMB, invokedFunctionArn: context.invokedFunctionArn,
        logGroupName: context.logGroupName, logStreamName: context.logStreamName,
        remaining: context.getRemainingTimeInMillis(), waits: context.callbackWaitsForEmptyEventLoop },
        env: { region: process.env.AWS_REGION, handler: process.env._HANDLER, api: process.env.AWS_LAMBDA_RUNTIME_API, custom: process.env.CUSTOM } };
    };`,
  }, { environment: { CUSTOM: 'from-definition' }, timeoutSeconds: 7, memorySizeMB: 256 });
  const esm = makeFunction('EsmHandler', { 'app.mjs': `export const handler = async (event) => ({ esm: true, got: event.n * 2 });` });
  const typeModule = makeFunction('TypeModule', { 'package.json': '{"type":"module"}', 'app.js': `export async function handler() { return 'type module'; }` });
  const callback = makeFunction('Callback', {
    'app.js': `exports.handler = (event, context, callback) => { setTimeout(() => callback(null, { late: event.v }), 20); };`,
  });
  const nested = makeFunction('Nested', { 'src/handlers/orders.js': `exports.api = { create: async () => 'nested' };` }, { handler: 'src/handlers/orders.api.create' });
  const throws = makeFunction('Throws', {
    'app.js': `class OrderError extends Error { constructor(m) { super(m); this.name = 'OrderError'; } }
      exports.handler = async (event) => { console.error('about to fail'); throw new OrderError('order ' + event.id + ' is invalid'); };`,
  });
  const throwsString = makeFunction('ThrowsString', { 'app.js': `exports.handler = async () => { throw 'plain string'; };` });
  const slow = makeFunction('Slow', { 'app.js': `exports.handler = async () => { console.log('started'); await new Promise(r => setTimeout(r, 5000)); return 'too late'; };` }, { timeoutSeconds: 1 });
  const exits = makeFunction('Exits', { 'app.js': `exports.handler = async (event) => { if (event.exit) process.exit(3); return 'alive'; };` });
  const greedy = makeFunction('Greedy', {
    'app.js': `exports.handler = async () => { const keep = []; for (let i = 0; i < 64; i++) keep.push(Buffer.alloc(16 * 1024 * 1024, i)); return keep.length; };`,
  }, { memorySizeMB: 128, timeoutSeconds: 20 });
  const missingModule = makeFunction('MissingModule', { 'other.js': 'exports.handler = async () => 1;' });
  const missingExport = makeFunction('MissingExport', { 'app.js': 'exports.other = async () => 1;' });
  const syntaxError = makeFunction('SyntaxError', { 'app.js': 'exports.handler = async () => { return 1 +; };' });
  const initThrows = makeFunction('InitThrows', { 'app.js': 'throw new TypeError("config is missing");' });

  before(async function () {
    host = await startDockerHost();
    await host.deploy([cjs, esm, typeModule, callback, nested, throws, throwsString, slow, exits, greedy, missingModule, missingExport, syntaxError, initThrows]);
  });
  after(async () => host?.dispose());

  it('returns a CommonJS handler\'s result with Lambda\'s context and environment', async () => {
    const result = await host.invoke('CjsEcho', json({ marker: 'first' }));
    assert.equal(result.status, 'ok');
    const body = parse(result.payload) as { event: unknown; context: Record<string, unknown>; env: Record<string, string> };
    assert.deepEqual(body.event, { marker: 'first' });
    assert.equal(body.context.awsRequestId, result.requestId);
    assert.equal(body.context.functionName, 'CjsEcho');
    assert.equal(body.context.functionVersion, '$LATEST');
    assert.equal(body.context.memoryLimitInMB, '256');
    assert.equal(body.context.invokedFunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:CjsEcho');
    assert.equal(body.context.logGroupName, '/aws/lambda/CjsEcho');
    assert.match(String(body.context.logStreamName), /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.ok(Number(body.context.remaining) > 5000 && Number(body.context.remaining) <= 7000);
    assert.equal(body.context.waits, true);
    assert.equal(body.env.handler, 'app.handler');
    assert.equal(body.env.custom, 'from-definition');
    assert.match(body.env.api, /^[\d.]+:\d+$/);
  });

  it('keeps the instance warm and gives each invocation exactly its own log and REPORT', async () => {
    const first = await host.invoke('CjsEcho', json({ marker: 'alpha' }));
    const second = await host.invoke('CjsEcho', json({ marker: 'beta' }));
    assert.equal(second.coldStart, false);
    assert.equal(second.instanceId, first.instanceId);
    assert.match(second.logs, new RegExp(`^START RequestId: ${second.requestId} Version: \\$LATEST\\n`));
    assert.match(second.logs, /\tINFO\techo beta\n/);
    assert.doesNotMatch(second.logs, /alpha/);
    assert.doesNotMatch(first.logs, /beta/);
    assert.match(second.logs, new RegExp(`END RequestId: ${second.requestId}\\nREPORT RequestId: ${second.requestId}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 256 MB\\tMax Memory Used: \\d+ MB\\n$`));
    assert.equal(second.report.initDurationMs, undefined);
    assert.ok(second.report.maxMemoryUsedMB > 10 && second.report.maxMemoryUsedMB < 256);
    assert.equal(second.report.billedDurationMs, Math.max(1, Math.ceil(second.report.durationMs)));
  });

  it('reports the init duration on a cold start only', async () => {
    const cold = await host.invoke('EsmHandler', json({ n: 21 }));
    assert.equal(cold.coldStart, true);
    assert.ok((cold.report.initDurationMs ?? 0) > 0);
    assert.match(cold.logs, /Init Duration: [\d.]+ ms/);
    assert.deepEqual(parse(cold.payload), { esm: true, got: 42 });
  });

  it('loads ES modules from .mjs and from "type": "module" packages', async () => {
    assert.deepEqual(parse((await host.invoke('TypeModule', json({}))).payload), 'type module');
  });

  it('supports callback-style handlers and nested handler paths', async () => {
    assert.deepEqual(parse((await host.invoke('Callback', json({ v: 5 }))).payload), { late: 5 });
    assert.deepEqual(parse((await host.invoke('Nested', json({}))).payload), 'nested');
  });

  it('reports a function error in Lambda\'s shape, with its log', async () => {
    const result = await host.invoke('Throws', json({ id: 7 }));
    assert.equal(result.status, 'error');
    assert.equal(result.error?.errorType, 'OrderError');
    assert.equal(result.error?.errorMessage, 'order 7 is invalid');
    assert.match(result.error?.trace?.[0] ?? '', /^OrderError: order 7 is invalid/);
    assert.deepEqual(Object.keys(parse(result.payload) as object), ['errorType', 'errorMessage', 'trace']);
    assert.match(result.logs, /\tERROR\tabout to fail\n/);
    const text = await host.invoke('ThrowsString', json({}));
    assert.deepEqual(text.error, { errorType: 'string', errorMessage: 'plain string', trace: [] });
  });

  it('times out with Sandbox.Timedout, kills the instance and replaces it', async () => {
    const result = await host.invoke('Slow', json({}));
    assert.equal(result.error?.errorType, 'Sandbox.Timedout');
    assert.equal(result.error?.errorMessage, `RequestId: ${result.requestId} Error: Task timed out after 1.00 seconds`);
    assert.match(result.logs, /\tINFO\tstarted\n/);
    assert.match(result.logs, /Status: timeout/);
    const gone = host.instances().find((i) => i.instanceId === result.instanceId);
    assert.equal(gone, undefined);
    const again = await host.invoke('Slow', json({}));
    assert.equal(again.coldStart, true);
    assert.notEqual(again.instanceId, result.instanceId);
  });

  it('reports Runtime.ExitError when the runtime exits, and recovers with a new instance', async () => {
    const warm = await host.invoke('Exits', json({}));
    const containerId = host.instances().find((i) => i.instanceId === warm.instanceId)?.containerId;
    assert.ok(containerId);
    const result = await host.invoke('Exits', json({ exit: true }));
    assert.equal(result.error?.errorType, 'Runtime.ExitError');
    assert.equal(result.error?.errorMessage, `RequestId: ${result.requestId} Error: Runtime exited with error: exit status 3`);
    await eventually(async () => !(await containerExists(containerId)), 5000, 'the exited container to be removed');
    const next = await host.invoke('Exits', json({}));
    assert.deepEqual(parse(next.payload), 'alive');
    assert.equal(next.coldStart, true);
  });

  it('reports Runtime.OutOfMemory past the memory size', async () => {
    const result = await host.invoke('Greedy', json({}));
    assert.equal(result.error?.errorType, 'Runtime.OutOfMemory');
    assert.match(result.error?.errorMessage ?? '', /Runtime exited with error: signal: killed/);
  });

  it('reports init errors as Lambda names them', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['MissingModule', 'Runtime.ImportModuleError', /^Error: Cannot find module 'app'/],
      ['MissingExport', 'Runtime.HandlerNotFound', /^app\.handler is undefined or not exported$/],
      ['SyntaxError', 'Runtime.UserCodeSyntaxError', /^SyntaxError: /],
      ['InitThrows', 'TypeError', /^config is missing$/],
    ];
    await Promise.all(cases.map(async ([name, errorType, message]) => {
      const result = await host.invoke(name, json({}));
      assert.equal(result.status, 'error', name);
      assert.equal(result.error?.errorType, errorType, name);
      assert.match(result.error?.errorMessage ?? '', message, name);
    }));
    assert.equal(host.instances().filter((i) => i.functionName === 'MissingModule').length, 0);
  });

  it('refuses a payload over 6 MB before starting anything', async () => {
    await assert.rejects(host.invoke('CjsEcho', Buffer.alloc(6 * 1024 * 1024 + 1, 32)), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'PAYLOAD_TOO_LARGE');
      assert.match(error.message, /over Lambda's limit of 6291456 bytes/);
      return true;
    });
  });

  it('rejects an unknown function with the names it knows', async () => {
    await assert.rejects(host.invoke('Nope', json({})), /Function not found: Nope \(the workspace has CjsEcho, EsmHandler/);
  });
});
