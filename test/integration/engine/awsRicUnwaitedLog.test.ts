import * as assert from 'node:assert/strict';
import { InvokeCommand, LogType, type LambdaClient } from '@aws-sdk/client-lambda';
import { InvokeApiServer } from '../../../src/core/api/server';
import type { HttpApiDefinition } from '../../../src/core/functions/routes';
import { ApiGatewayServer, type ServedRequest } from '../../../src/core/gateway/apiGatewayServer';
import type { FunctionLogEvent } from '../../../src/core/runtime/functionPool';
import type { FunctionHost } from '../../../src/core/runtime/functionHost';
import { send } from '../../support/httpClient';
import { sdkClient } from '../api/harness';
import { ensureAwsRicImage } from '../support/awsRicImage';
import { docker, json, makeFunction, requireEngine, startDockerHost } from '../support/engine';

const HTTP_API: HttpApiDefinition = { id: 'Http', kind: 'http', stage: '$default', binaryMediaTypes: [], source: { file: 'template.yaml', line: 1 } };

/**
 * A caller that does not ask for the log gets its answer as soon as the function answers, in an image that runs
 * AWS's own runtime client (which reports no output tally): the log still comes, complete and in order, in the
 * host's 'log' events; a caller that asks for it (LogType Tail) gets exactly its own.
 */
describe('AWS\'s runtime client: answers that do not wait for the log', function () {
  let host: FunctionHost;
  let api: InvokeApiServer;
  let gateway: ApiGatewayServer;
  let gatewayUrl: string;
  let client: LambdaClient;
  const events: FunctionLogEvent[] = [];

  // Invocation n logs two lines; with `keepWriting` it goes on writing (every millisecond, from a timer it
  // started) after it has answered, until an invocation with `stop` comes.
  const talker = makeFunction('RicTalker', {
    'app.js': `let writing;
      exports.handler = async (event, context) => {
        if (event.stop) clearInterval(writing);
        console.log('first line of', event.n);
        console.info('second line of', event.n);
        if (event.keepWriting) writing = setInterval(() => console.log('still writing', event.n), 1);
        if (event.requestContext) return { statusCode: 200, body: 'routed ' + event.rawPath };
        return { n: event.n, requestId: context.awsRequestId };
      };`,
  }, {
    runtime: 'nodejs22.x',
    routes: [{ api: HTTP_API, method: 'GET', path: '/talk', payloadFormat: '2.0', timeoutMs: 30_000, source: { file: 'template.yaml', line: 2 } }],
  });

  before(async function () {
    this.timeout(15 * 60_000);
    await requireEngine();
    const image = await ensureAwsRicImage(docker, (line) => console.log(`      [aws-ric image] ${line}`));
    host = await startDockerHost({ runtimeImages: { 'nodejs22.x': image.tag } });
    host.on('log', (event: FunctionLogEvent) => events.push(event));
    await host.deploy([talker]);
    await host.prewarm('RicTalker');
    api = new InvokeApiServer({ invoker: host, port: 0 });
    client = sdkClient(await api.start());
    gateway = new ApiGatewayServer({ invoker: host, port: 0 });
    gatewayUrl = await gateway.start();
  });
  after(async () => {
    client?.destroy();
    await gateway?.close();
    await api?.close();
    await host?.dispose();
  });

  /** Resolves once the host has emitted the END and REPORT of this invocation. */
  async function untilEnded(requestId: string): Promise<void> {
    while (!events.some((e) => e.requestId === requestId && e.text.startsWith(`END RequestId: ${requestId}\n`))) {
      await new Promise<void>((resolve) => host.once('log', () => resolve()));
    }
  }

  /** The text of the log events of one instance from START to REPORT of this invocation, checking nothing else is inside. */
  function block(requestId: string): string {
    const start = events.findIndex((e) => e.requestId === requestId && e.text.startsWith('START RequestId:'));
    const end = events.findIndex((e) => e.requestId === requestId && e.text.startsWith('END RequestId:'));
    assert.ok(start >= 0 && end > start, `START then END for ${requestId}`);
    const instanceId = events[start].instanceId;
    const inside = events.slice(start, end + 1).filter((e) => e.instanceId === instanceId);
    assert.deepEqual(inside.filter((e) => e.requestId !== requestId).map((e) => e.text), [], 'nothing of another invocation inside its START..END');
    return inside.map((e) => e.text).join('');
  }

  async function invoke(payload: unknown, logType?: LogType): Promise<{ requestId: string; body: Record<string, unknown>; tail?: string }> {
    const out = await client.send(new InvokeCommand({ FunctionName: 'RicTalker', Payload: json(payload), ...(logType ? { LogType: logType } : {}) }));
    const body = JSON.parse(Buffer.from(out.Payload!).toString('utf8')) as Record<string, unknown>;
    return { requestId: String(body.requestId), body, tail: out.LogResult && Buffer.from(out.LogResult, 'base64').toString('utf8') };
  }

  it('answers an SDK Invoke without LogType while the function still writes; its log events then come complete and in order', async () => {
    const first = await invoke({ n: 1, keepWriting: true });
    // The function writes every millisecond after its answer: a caller that waited for the log would have it only now.
    const endedAtAnswer = events.some((e) => e.requestId === first.requestId && e.text.startsWith('END'));
    // The next invocation stops the writing; the first one's log ends, then the second one's events follow it.
    const second = await invoke({ n: 2, stop: true });
    assert.equal(endedAtAnswer, false, 'the answer came before the log had ended');
    assert.equal(first.body.n, 1);
    assert.equal(first.tail, undefined, 'no log without LogType');
    await untilEnded(first.requestId);
    await untilEnded(second.requestId);
    const firstLog = block(first.requestId);
    assert.match(firstLog, new RegExp(`^START RequestId: ${first.requestId} Version: \\$LATEST\\n`));
    assert.match(firstLog, new RegExp(`\\t${first.requestId}\\tINFO\\tfirst line of 1\\n[^]*\\t${first.requestId}\\tINFO\\tsecond line of 1\\n`));
    assert.match(firstLog, new RegExp(`\\t${first.requestId}\\tINFO\\tstill writing 1\\n`));
    assert.match(firstLog, new RegExp(`END RequestId: ${first.requestId}\\nREPORT RequestId: ${first.requestId}\\tDuration: [\\d.]+ ms\\t[^\\n]*\\n$`));
    assert.doesNotMatch(firstLog, new RegExp(second.requestId));
    const secondLog = block(second.requestId);
    assert.match(secondLog, new RegExp(`\\t${second.requestId}\\tINFO\\tfirst line of 2\\n[^]*\\t${second.requestId}\\tINFO\\tsecond line of 2\\n`));
    const firstEnd = events.findIndex((e) => e.requestId === first.requestId && e.text.startsWith('END'));
    const secondStart = events.findIndex((e) => e.requestId === second.requestId && e.text.startsWith('START'));
    assert.ok(secondStart > firstEnd, 'the second invocation\'s events follow the first one\'s END');
  });

  it('gives every invocation of a sequential SDK loop its own lines, each next one sent as soon as the previous answered', async () => {
    const results = [];
    for (let n = 10; n < 30; n++) results.push(await invoke({ n }));
    for (const { requestId } of results) await untilEnded(requestId);
    results.forEach(({ requestId, body }) => {
      const log = block(requestId);
      const lines = log.split('\n').filter((line) => line.includes('\tINFO\t'));
      assert.deepEqual(lines.map((line) => line.replace(/^[^\t]+\t/, '')), [`${requestId}\tINFO\tfirst line of ${String(body.n)}`, `${requestId}\tINFO\tsecond line of ${String(body.n)}`]);
    });
  });

  it('gives an Invoke with LogType Tail exactly its own log, right after invocations that did not wait for theirs', async () => {
    const before = await invoke({ n: 40 });
    const tailed = await invoke({ n: 41 }, LogType.Tail);
    const tail = tailed.tail ?? '';
    const id = tailed.requestId;
    assert.match(tail, new RegExp(`^START RequestId: ${id} Version: \\$LATEST\\n`), tail);
    assert.match(tail, new RegExp(`\\t${id}\\tINFO\\tfirst line of 41\\n[^]*\\t${id}\\tINFO\\tsecond line of 41\\n`), tail);
    assert.match(tail, new RegExp(`\\nEND RequestId: ${id}\\nREPORT RequestId: ${id}\\t[^\\n]*\\n$`), tail);
    assert.doesNotMatch(tail, new RegExp(`${before.requestId}|of 40`));
  });

  it('answers an HTTP route at once; its log comes in the events and to the editor\'s served record', async () => {
    const served: ServedRequest[] = [];
    const subscription = gateway.onDidServe((request) => served.push(request));
    const reply = await send(gatewayUrl, 'GET', '/talk');
    subscription.dispose();
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.text, 'routed /talk');
    assert.equal(served.length, 1);
    const log = await served[0].logs;
    const requestId = /^START RequestId: ([\w-]+) /.exec(log)?.[1] ?? '';
    assert.match(log, new RegExp(`\\t${requestId}\\tINFO\\tfirst line of undefined\\n`), log);
    assert.match(log, new RegExp(`END RequestId: ${requestId}\\nREPORT RequestId: ${requestId}\\t`), log);
    await untilEnded(requestId);
    assert.equal(block(requestId), log);
  });

  it('gives a host.invoke without the log an empty log at once, and the complete log when it has arrived', async () => {
    const result = await host.invoke('RicTalker', json({ n: 50 }), { wantsLog: false });
    assert.equal(result.status, 'ok');
    assert.equal(result.logs, '');
    const log = await result.logComplete;
    assert.match(log ?? '', new RegExp(`^START RequestId: ${result.requestId} [^]*\\t${result.requestId}\\tINFO\\tsecond line of 50\\nEND RequestId: ${result.requestId}\\nREPORT `));
  });
});
