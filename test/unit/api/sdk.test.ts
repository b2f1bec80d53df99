import * as assert from 'node:assert/strict';
import {
  GetFunctionCommand,
  GetFunctionUrlConfigCommand,
  InvokeCommand,
  InvokeWithResponseStreamCommand,
  LambdaClient,
  paginateListFunctions,
} from '@aws-sdk/client-lambda';
import { INVOKE_ERROR_CODES } from '../../../src/core/runtime/invoker';
import { InvokeApiServer } from '../../../src/core/api/server';
import { FakeInvoker, reject } from './fakeInvoker';

/** What the AWS SDK makes of the API's answers: the shapes it parses, not only the bytes sent. */
describe('Invoke API: as the AWS SDK reads it (fake invoker)', () => {
  let invoker: FakeInvoker;
  let server: InvokeApiServer;
  let client: LambdaClient;

  before(async () => {
    invoker = new FakeInvoker()
      .add({ name: 'echo', functionUrl: { authType: 'NONE', invokeMode: 'BUFFERED' } }, (payload) => ({ raw: payload }))
      .add({ name: 'throws' }, () => ({ error: { errorType: 'Error', errorMessage: 'boom' } }))
      .add({ name: 'busy' }, () => reject(INVOKE_ERROR_CODES.tooManyRequests, 'busy is past its reserved concurrency of 1'))
      .add({ name: 'broken' }, () => reject(INVOKE_ERROR_CODES.engineFailure, 'the engine is gone'))
      .add({ name: 'streamer' }, (_payload, options) => {
        options.responseStream?.start('text/plain');
        options.responseStream?.write(Buffer.from('a'));
        options.responseStream?.write(Buffer.from('b'));
        return { raw: Buffer.alloc(0) };
      });
    for (let i = 0; i < 7; i++) invoker.add({ name: `fn-${i}` }, () => ({ ok: i }));
    server = new InvokeApiServer({ invoker, port: 0 });
    const endpoint = await server.start();
    client = new LambdaClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });
  after(async () => {
    client.destroy();
    await server.close();
  });

  it('reads Invoke\'s status, payload, version, function error and log', async () => {
    const ok = await client.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{"a":1}'), LogType: 'Tail' }));
    assert.equal(ok.StatusCode, 200);
    assert.equal(ok.ExecutedVersion, '$LATEST');
    assert.equal(Buffer.from(ok.Payload ?? []).toString(), '{"a":1}');
    assert.match(Buffer.from(ok.LogResult ?? '', 'base64').toString(), /^START RequestId/);
    assert.equal(ok.$metadata.requestId, invoker.calls.at(-1)?.requestId);
    const failed = await client.send(new InvokeCommand({ FunctionName: 'throws' }));
    assert.equal(failed.FunctionError, 'Unhandled');
    assert.deepEqual(JSON.parse(Buffer.from(failed.Payload ?? []).toString()), { errorType: 'Error', errorMessage: 'boom' });
    const event = await client.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event' }));
    assert.equal(event.StatusCode, 202);
    const dry = await client.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'DryRun' }));
    assert.equal(dry.StatusCode, 204);
  });

  it('raises each error as the exception class with its message', async () => {
    const cases: [string, Uint8Array | undefined, string, RegExp][] = [
      ['nope', undefined, 'ResourceNotFoundException', /Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope/],
      ['echo', Buffer.from('{bad'), 'InvalidRequestContentException', /Could not parse request body into json/],
      ['echo', Buffer.alloc(6 * 1024 * 1024 + 10, 0x20), 'RequestTooLargeException', /smaller than 6291456 bytes/],
      ['busy', undefined, 'TooManyRequestsException', /reserved concurrency of 1/],
      ['broken', undefined, 'ServiceException', /The engine failed to run .*: the engine is gone/],
    ];
    for (const [name, payload, exception, message] of cases) {
      await assert.rejects(client.send(new InvokeCommand({ FunctionName: name, Payload: payload })), (error: Error & { $metadata?: { httpStatusCode?: number }; Reason?: string }) => {
        assert.equal(error.name, exception);
        assert.match(error.message, message);
        if (exception === 'TooManyRequestsException') assert.equal(error.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
        return true;
      });
    }
  });

  it('iterates InvokeWithResponseStream events', async () => {
    const response = await client.send(new InvokeWithResponseStreamCommand({ FunctionName: 'streamer', LogType: 'Tail' }));
    assert.equal(response.StatusCode, 200);
    assert.equal(response.ResponseStreamContentType, 'text/plain');
    const chunks: string[] = [];
    let complete: { ErrorCode?: string; LogResult?: string } | undefined;
    for await (const event of response.EventStream ?? []) {
      if (event.PayloadChunk?.Payload) chunks.push(Buffer.from(event.PayloadChunk.Payload).toString());
      if (event.InvokeComplete) complete = event.InvokeComplete;
    }
    assert.deepEqual(chunks, ['a', 'b']);
    assert.ok(complete);
    assert.equal(complete.ErrorCode, undefined);
    assert.match(Buffer.from(complete.LogResult ?? '', 'base64').toString(), /^START RequestId/);
  });

  it('pages ListFunctions with the SDK\'s paginator', async () => {
    const names: string[] = [];
    for await (const page of paginateListFunctions({ client, pageSize: 3 }, {})) {
      names.push(...(page.Functions ?? []).map((fn) => fn.FunctionName ?? ''));
    }
    assert.equal(names.length, 12);
    assert.deepEqual(names, [...names].sort());
  });

  it('reads GetFunction and GetFunctionUrlConfig', async () => {
    const fn = await client.send(new GetFunctionCommand({ FunctionName: 'echo' }));
    assert.equal(fn.Configuration?.FunctionName, 'echo');
    assert.equal(fn.Configuration?.State, 'Active');
    const url = await client.send(new GetFunctionUrlConfigCommand({ FunctionName: 'echo' }));
    assert.equal(url.FunctionUrl, server.functionUrls.urlOf('echo'));
    assert.equal(url.InvokeMode, 'BUFFERED');
  });
});
