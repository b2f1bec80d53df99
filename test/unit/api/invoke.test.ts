import * as assert from 'node:assert/strict';
import { INVOKE_ERROR_CODES } from '../../../src/core/runtime/invoker';
import type { AsyncInvocationOutcome } from '../../../src/core/api/asyncInvocations';
import { InvokeApiServer } from '../../../src/core/api/server';
import { FakeInvoker, reject } from './fakeInvoker';
import { json, raw } from './rawHttp';

const INVOKE = (name: string): string => `/2015-03-31/functions/${encodeURIComponent(name)}/invocations`;

describe('Invoke API: Invoke (raw HTTP)', () => {
  let invoker: FakeInvoker;
  let server: InvokeApiServer;
  let url: string;

  beforeEach(async () => {
    invoker = new FakeInvoker()
      .add({ name: 'echo' }, (payload) => ({ raw: payload }))
      .add({ name: 'throws' }, () => ({ error: { errorType: 'Error', errorMessage: 'boom', trace: ['Error: boom', '    at handler'] } }))
      .add({ name: 'busy' }, () => reject(INVOKE_ERROR_CODES.tooManyRequests, 'busy is past its reserved concurrency of 1'))
      .add({ name: 'broken' }, () => reject(INVOKE_ERROR_CODES.engineFailure, 'Docker is not running at /var/run/docker.sock'));
    server = new InvokeApiServer({ invoker, port: 0, asyncRetry: { functionErrorDelaysMs: [5, 5], throttleDelaysMs: [5] } });
    url = await server.start();
  });
  afterEach(() => server.close());

  it('answers RequestResponse with the payload, the request id and the executed version', async () => {
    const res = await raw(url, 'POST', INVOKE('echo'), { body: '{"hello":"world"}' });
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), '{"hello":"world"}');
    assert.equal(res.headers['x-amz-executed-version'], '$LATEST');
    assert.equal(res.headers['x-amzn-requestid'], invoker.calls[0].requestId);
    assert.equal(res.headers['x-amz-function-error'], undefined);
    assert.equal(res.headers['x-amz-log-result'], undefined);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(invoker.calls[0].options.wantsLog, false, 'without LogType the answer does not wait for the log');
  });

  it('passes an empty body on as the event {}', async () => {
    const res = await raw(url, 'POST', INVOKE('echo'));
    assert.equal(res.body.toString(), '{}');
  });

  it('marks a function error with X-Amz-Function-Error: Unhandled and returns the error object', async () => {
    const res = await raw(url, 'POST', INVOKE('throws'), { body: '{}' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-amz-function-error'], 'Unhandled');
    assert.deepEqual(json(res), { errorType: 'Error', errorMessage: 'boom', trace: ['Error: boom', '    at handler'] });
  });

  it('returns the base64 of this invocation\'s log with X-Amz-Log-Type: Tail', async () => {
    const res = await raw(url, 'POST', INVOKE('echo'), { body: '{}', headers: { 'X-Amz-Log-Type': 'Tail' } });
    const log = Buffer.from(String(res.headers['x-amz-log-result']), 'base64').toString();
    const id = invoker.calls[0].requestId;
    assert.equal(invoker.calls[0].options.wantsLog, true);
    assert.match(log, new RegExp(`^START RequestId: ${id}`));
    assert.match(log, new RegExp(`REPORT RequestId: ${id}`));
  });

  it('keeps only the last 4 KB of a long log', async () => {
    invoker.add({ name: 'chatty' }, () => ({ ok: 1 }));
    const original = invoker.invoke.bind(invoker);
    invoker.invoke = async (name, payload, options) => ({ ...(await original(name, payload, options)), logs: `${'a'.repeat(5000)}é${'b'.repeat(4000)}` });
    const res = await raw(url, 'POST', INVOKE('chatty'), { body: '{}', headers: { 'X-Amz-Log-Type': 'Tail' } });
    const tail = Buffer.from(String(res.headers['x-amz-log-result']), 'base64');
    assert.ok(tail.length <= 4096);
    assert.ok(tail.toString().endsWith('b'.repeat(4000)));
  });

  it('answers Event with 202 at once and runs the invocation in the background', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    invoker.add({ name: 'slow' }, async () => {
      await released;
      return { ok: 'done' };
    });
    const settled = new Promise<AsyncInvocationOutcome>((resolve) => server.onAsyncInvocationSettled(resolve));
    const res = await raw(url, 'POST', INVOKE('slow'), { body: '{"n":1}', headers: { 'X-Amz-Invocation-Type': 'Event' } });
    assert.equal(res.status, 202);
    assert.equal(res.body.length, 0);
    release();
    const outcome = await settled;
    assert.equal(outcome.attempts, 1);
    assert.equal(outcome.result?.status, 'ok');
    assert.equal(invoker.calls[0].payload.toString(), '{"n":1}');
  });

  it('retries an Event invocation twice on a function error, as Lambda does', async () => {
    const settled = new Promise<AsyncInvocationOutcome>((resolve) => server.onAsyncInvocationSettled(resolve));
    const res = await raw(url, 'POST', INVOKE('throws'), { body: '{}', headers: { 'X-Amz-Invocation-Type': 'Event' } });
    assert.equal(res.status, 202);
    const outcome = await settled;
    assert.equal(outcome.attempts, 3);
    assert.equal(invoker.calls.length, 3);
  });

  it('stops retrying an Event invocation once it succeeds', async () => {
    let attempt = 0;
    invoker.add({ name: 'flaky' }, () => (++attempt === 1 ? { error: { errorType: 'Error', errorMessage: 'once' } } : { ok: 'fine' }));
    const settled = new Promise<AsyncInvocationOutcome>((resolve) => server.onAsyncInvocationSettled(resolve));
    await raw(url, 'POST', INVOKE('flaky'), { body: '{}', headers: { 'X-Amz-Invocation-Type': 'Event' } });
    const outcome = await settled;
    assert.equal(outcome.attempts, 2);
    assert.equal(outcome.result?.status, 'ok');
  });

  it('answers DryRun with 204 and runs nothing', async () => {
    const res = await raw(url, 'POST', INVOKE('echo'), { body: '{}', headers: { 'X-Amz-Invocation-Type': 'DryRun' } });
    assert.equal(res.status, 204);
    assert.equal(invoker.calls.length, 0);
  });

  it('finds the function by name, partial ARN, full ARN, $LATEST and ?Qualifier', async () => {
    const names = [
      'echo',
      'echo:$LATEST',
      '000000000000:function:echo',
      'arn:aws:lambda:us-east-1:000000000000:function:echo',
      'arn:aws:lambda:eu-west-1:123456789012:function:echo:$LATEST',
    ];
    for (const name of names) {
      const res = await raw(url, 'POST', INVOKE(name), { body: '[1]' });
      assert.equal(res.status, 200, name);
      assert.equal(res.body.toString(), '[1]', name);
    }
    const res = await raw(url, 'POST', `${INVOKE('echo')}?Qualifier=%24LATEST`, { body: '[2]' });
    assert.equal(res.body.toString(), '[2]');
  });

  it('answers 404 for a qualifier the function does not have, and 400 for conflicting qualifiers', async () => {
    const missing = await raw(url, 'POST', INVOKE('echo:prod'), { body: '{}' });
    assert.equal(missing.status, 404);
    assert.deepEqual(json(missing), { Type: 'User', Message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:echo:prod' });
    const conflict = await raw(url, 'POST', `${INVOKE('echo:$LATEST')}?Qualifier=prod`, { body: '{}' });
    assert.equal(conflict.status, 400);
    assert.equal(conflict.headers['x-amzn-errortype'], 'InvalidParameterValueException');
  });

  it('passes X-Amz-Client-Context through, and refuses one that is not base64 JSON', async () => {
    const context = Buffer.from('{"custom":{"k":"v"}}').toString('base64');
    await raw(url, 'POST', INVOKE('echo'), { body: '{}', headers: { 'X-Amz-Client-Context': context } });
    assert.equal(invoker.calls[0].options.clientContext, context);
    const bad = await raw(url, 'POST', INVOKE('echo'), { body: '{}', headers: { 'X-Amz-Client-Context': 'not json' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.headers['x-amzn-errortype'], 'InvalidRequestContentException');
  });

  describe('errors in Lambda\'s shapes', () => {
    it('ResourceNotFoundException 404 for an unknown function', async () => {
      const res = await raw(url, 'POST', INVOKE('nope'), { body: '{}' });
      assert.equal(res.status, 404);
      assert.equal(res.headers['x-amzn-errortype'], 'ResourceNotFoundException');
      assert.ok(res.headers['x-amzn-requestid']);
      assert.deepEqual(json(res), { Type: 'User', Message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope' });
    });

    it('InvalidRequestContentException 400 for a body that is not JSON', async () => {
      const res = await raw(url, 'POST', INVOKE('echo'), { body: '{not json' });
      assert.equal(res.status, 400);
      assert.equal(res.headers['x-amzn-errortype'], 'InvalidRequestContentException');
      const body = json(res) as { Type: string; message: string };
      assert.equal(body.Type, 'User');
      assert.match(body.message, /^Could not parse request body into json: /);
      assert.equal(invoker.calls.length, 0);
    });

    it('RequestTooLargeException 413 over 6 MB synchronous', async () => {
      const body = Buffer.alloc(6 * 1024 * 1024 + 1, 0x20);
      const res = await raw(url, 'POST', INVOKE('echo'), { body });
      assert.equal(res.status, 413);
      assert.equal(res.headers['x-amzn-errortype'], 'RequestTooLargeException');
      assert.match((json(res) as { message: string }).message, /smaller than 6291456 bytes for the Invoke operation \(this one has 6291457 bytes\)/);
    });

    it('RequestTooLargeException 413 over 256 KB asynchronous', async () => {
      const body = Buffer.alloc(256 * 1024 + 1, 0x20);
      const res = await raw(url, 'POST', INVOKE('echo'), { body, headers: { 'X-Amz-Invocation-Type': 'Event' } });
      assert.equal(res.status, 413);
      assert.match((json(res) as { message: string }).message, /smaller than 262144 bytes/);
      const ok = await raw(url, 'POST', INVOKE('echo'), { body: `"${'a'.repeat(256 * 1024 - 2)}"`, headers: { 'X-Amz-Invocation-Type': 'Event' } });
      assert.equal(ok.status, 202);
    });

    it('TooManyRequestsException 429 with Retry-After and the reason when the engine throttles', async () => {
      const res = await raw(url, 'POST', INVOKE('busy'), { body: '{}' });
      assert.equal(res.status, 429);
      assert.equal(res.headers['x-amzn-errortype'], 'TooManyRequestsException');
      assert.equal(res.headers['retry-after'], '1');
      assert.deepEqual(json(res), {
        Type: 'User',
        message: 'busy is past its reserved concurrency of 1',
        Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
      });
    });

    it('ServiceException 500 that says why when the engine fails', async () => {
      const res = await raw(url, 'POST', INVOKE('broken'), { body: '{}' });
      assert.equal(res.status, 500);
      assert.equal(res.headers['x-amzn-errortype'], 'ServiceException');
      assert.deepEqual(json(res), {
        Type: 'Service',
        Message: 'The engine failed to run arn:aws:lambda:us-east-1:000000000000:function:broken:$LATEST: Docker is not running at /var/run/docker.sock',
      });
    });

    it('InvalidParameterValueException 400 for an unknown invocation or log type', async () => {
      const type = await raw(url, 'POST', INVOKE('echo'), { body: '{}', headers: { 'X-Amz-Invocation-Type': 'Later' } });
      assert.equal(type.status, 400);
      assert.equal(type.headers['x-amzn-errortype'], 'InvalidParameterValueException');
      const log = await raw(url, 'POST', INVOKE('echo'), { body: '{}', headers: { 'X-Amz-Log-Type': 'All' } });
      assert.equal(log.status, 400);
    });

    it('UnknownOperationException 404 for a route the API does not serve', async () => {
      const res = await raw(url, 'DELETE', '/2015-03-31/functions/echo');
      assert.equal(res.status, 404);
      assert.equal(res.headers['x-amzn-errortype'], 'UnknownOperationException');
    });
  });

  it('keeps the connection alive between invocations', async () => {
    const first = await raw(url, 'POST', INVOKE('echo'), { body: '{}' });
    assert.notEqual(first.headers.connection, 'close');
  });
});
