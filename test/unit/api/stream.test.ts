import * as assert from 'node:assert/strict';
import { INVOKE_ERROR_CODES } from '../../../src/core/runtime/invoker';
import { InvokeApiServer } from '../../../src/core/api/server';
import { decodeFrames } from './eventStreamDecode';
import { FakeInvoker, reject } from './fakeInvoker';
import { json, raw } from './rawHttp';

const STREAM = (name: string): string => `/2021-11-15/functions/${encodeURIComponent(name)}/response-streaming-invocations`;

describe('Invoke API: InvokeWithResponseStream (raw HTTP)', () => {
  let invoker: FakeInvoker;
  let server: InvokeApiServer;
  let url: string;
  let releaseLast: () => void = () => undefined;
  let handlerFinishedAt = 0;

  beforeEach(async () => {
    const released = new Promise<void>((resolve) => (releaseLast = resolve));
    invoker = new FakeInvoker()
      .add({ name: 'streamer' }, async (_payload, options) => {
        const sink = options.responseStream;
        assert.ok(sink, 'the API passes a response stream sink');
        sink.start('text/plain');
        sink.write(Buffer.from('first '));
        // The handler goes on only once the client has the first chunk: proof that chunks are not held back.
        await released;
        sink.write(Buffer.from('second'));
        handlerFinishedAt = performance.now();
        return { raw: Buffer.alloc(0) };
      })
      .add({ name: 'buffered' }, () => ({ ok: { answer: 42 } }))
      .add({ name: 'throws' }, () => ({ error: { errorType: 'TypeError', errorMessage: 'nope' } }))
      .add({ name: 'busy' }, () => reject(INVOKE_ERROR_CODES.tooManyRequests, 'busy is past its reserved concurrency of 1'));
    server = new InvokeApiServer({ invoker, port: 0 });
    url = await server.start();
  });
  afterEach(() => server.close());

  it('sends each chunk as an event as the handler writes it, then InvokeComplete', async () => {
    let firstChunkAt = 0;
    const res = await raw(url, 'POST', STREAM('streamer'), {
      body: '{}',
      onChunk: () => {
        if (firstChunkAt === 0) {
          firstChunkAt = performance.now();
          releaseLast();
        }
      },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/plain');
    assert.equal(res.headers['x-amz-executed-version'], '$LATEST');
    assert.ok(firstChunkAt > 0 && firstChunkAt < handlerFinishedAt, 'the first chunk arrived before the handler finished');
    const events = decodeFrames(res.body);
    assert.deepEqual(
      events.map((e) => [e.headers[':event-type'], e.headers[':message-type'], e.body.toString()]),
      [
        ['PayloadChunk', 'event', 'first '],
        ['PayloadChunk', 'event', 'second'],
        ['InvokeComplete', 'event', '{}'],
      ],
    );
  });

  it('sends a handler that does not stream as one PayloadChunk', async () => {
    const res = await raw(url, 'POST', STREAM('buffered'), { body: '{}' });
    const events = decodeFrames(res.body);
    assert.equal(events.length, 2);
    assert.equal(events[0].body.toString(), '{"answer":42}');
    assert.equal(events[1].headers[':event-type'], 'InvokeComplete');
  });

  it('reports a function error and the tail log in InvokeComplete', async () => {
    const res = await raw(url, 'POST', STREAM('throws'), { body: '{}', headers: { 'X-Amz-Log-Type': 'Tail' } });
    assert.equal(res.status, 200);
    const events = decodeFrames(res.body);
    assert.equal(events.length, 1);
    const complete = JSON.parse(events[0].body.toString()) as { ErrorCode: string; ErrorDetails: string; LogResult: string };
    assert.equal(complete.ErrorCode, 'TypeError');
    assert.equal(complete.ErrorDetails, 'nope');
    assert.match(Buffer.from(complete.LogResult, 'base64').toString(), /^START RequestId: /);
  });

  it('answers errors before the stream starts in Lambda\'s shapes', async () => {
    const missing = await raw(url, 'POST', STREAM('ghost'), { body: '{}' });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['x-amzn-errortype'], 'ResourceNotFoundException');
    const throttled = await raw(url, 'POST', STREAM('busy'), { body: '{}' });
    assert.equal(throttled.status, 429);
    const notJson = await raw(url, 'POST', STREAM('buffered'), { body: 'nope' });
    assert.equal(notJson.status, 400);
    assert.equal((json(notJson) as { Type: string }).Type, 'User');
  });

  it('answers DryRun with 204', async () => {
    const res = await raw(url, 'POST', STREAM('streamer'), { body: '{}', headers: { 'X-Amz-Invocation-Type': 'DryRun' } });
    assert.equal(res.status, 204);
    assert.equal(invoker.calls.length, 0);
  });
});
