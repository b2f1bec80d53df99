import * as assert from 'node:assert/strict';
import {
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetFunctionUrlConfigCommand,
  InvokeCommand,
  InvokeWithResponseStreamCommand,
  type LambdaClient,
  ListFunctionsCommand,
} from '@aws-sdk/client-lambda';
import type { AsyncInvocationOutcome } from '../../../src/core/api/asyncInvocations';
import { type ApiHarness, parse, startApiHarness, text } from './harness';

interface EchoAnswer {
  event: unknown;
  requestId: string;
  instanceId: string;
  sequence: number;
  clientContext: { custom?: Record<string, string> } | null;
  functionArn: string;
}

describe('Invoke API against the real engine, through the AWS SDK', function () {
  this.timeout(120_000);
  let harness: ApiHarness;
  let client: LambdaClient;

  before(async () => {
    harness = await startApiHarness();
    client = harness.client();
  });
  after(() => harness?.dispose());

  const settledEvent = (functionName: string): Promise<AsyncInvocationOutcome> =>
    new Promise((resolve) => {
      const subscription = harness.server.onAsyncInvocationSettled((outcome) => {
        if (outcome.functionName !== functionName) return;
        subscription.dispose();
        resolve(outcome);
      });
    });

  describe('Invoke', () => {
    it('runs RequestResponse and returns the function\'s answer with its request id', async () => {
      const out = await client.send(new InvokeCommand({ FunctionName: 'Echo', Payload: Buffer.from('{"hello":"world"}') }));
      assert.equal(out.StatusCode, 200);
      assert.equal(out.ExecutedVersion, '$LATEST');
      assert.equal(out.FunctionError, undefined);
      const answer = parse<EchoAnswer>(out.Payload);
      assert.deepEqual(answer.event, { hello: 'world' });
      assert.equal(answer.requestId, out.$metadata.requestId);
      assert.match(answer.functionArn, /:function:Echo$/);
    });

    it('accepts the function by full ARN, partial ARN and $LATEST', async () => {
      for (const name of ['arn:aws:lambda:us-east-1:000000000000:function:Echo', '000000000000:function:Echo', 'Echo:$LATEST']) {
        const out = await client.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('[1]') }));
        assert.deepEqual(parse<EchoAnswer>(out.Payload).event, [1], name);
      }
      const qualified = await client.send(new InvokeCommand({ FunctionName: 'Echo', Qualifier: '$LATEST', Payload: Buffer.from('2') }));
      assert.equal(parse<EchoAnswer>(qualified.Payload).event, 2);
    });

    it('returns the tail of exactly this invocation\'s log with LogType Tail', async () => {
      const out = await client.send(new InvokeCommand({ FunctionName: 'Echo', Payload: Buffer.from('{}'), LogType: 'Tail' }));
      const log = Buffer.from(out.LogResult ?? '', 'base64').toString();
      const id = out.$metadata.requestId ?? '';
      assert.match(log, new RegExp(`START RequestId: ${id}`));
      assert.match(log, new RegExp(`echo ${id} #`));
      assert.match(log, new RegExp(`END RequestId: ${id}`));
      assert.match(log, new RegExp(`REPORT RequestId: ${id}`));
      assert.equal(log.match(/START RequestId/g)?.length, 1);
    });

    it('reports a function error as Unhandled with Lambda\'s error payload', async () => {
      const out = await client.send(new InvokeCommand({ FunctionName: 'Throws', LogType: 'Tail' }));
      assert.equal(out.StatusCode, 200);
      assert.equal(out.FunctionError, 'Unhandled');
      const error = parse<{ errorType: string; errorMessage: string; trace: string[] }>(out.Payload);
      assert.equal(error.errorType, 'TypeError');
      assert.equal(error.errorMessage, 'boom from the fixture');
      assert.ok(Array.isArray(error.trace));
      assert.match(Buffer.from(out.LogResult ?? '', 'base64').toString(), /about to throw/);
    });

    it('passes the client context to the function', async () => {
      const context = Buffer.from(JSON.stringify({ custom: { user: 'tester' } })).toString('base64');
      const out = await client.send(new InvokeCommand({ FunctionName: 'Echo', ClientContext: context }));
      assert.deepEqual(parse<EchoAnswer>(out.Payload).clientContext?.custom, { user: 'tester' });
    });

    it('answers Event with 202 at once and runs the function in the background', async () => {
      const settled = settledEvent('Slow');
      const started = Date.now();
      const out = await client.send(new InvokeCommand({ FunctionName: 'Slow', InvocationType: 'Event', Payload: Buffer.from('{"ms":1500}') }));
      assert.equal(out.StatusCode, 202);
      assert.ok(Date.now() - started < 1500, 'the 202 came before the function finished');
      const outcome = await settled;
      assert.equal(outcome.result?.status, 'ok');
      assert.deepEqual(JSON.parse(outcome.result?.payload.toString() ?? ''), { waited: 1500 });
      assert.equal(outcome.result?.requestId, out.$metadata.requestId, 'the 202 names the request id the function saw');
    });

    it('retries an Event invocation that fails twice more, as Lambda does', async () => {
      const settled = settledEvent('Throws');
      const out = await client.send(new InvokeCommand({ FunctionName: 'Throws', InvocationType: 'Event' }));
      assert.equal(out.StatusCode, 202);
      const outcome = await settled;
      assert.equal(outcome.attempts, 3);
      assert.equal(outcome.result?.error?.errorType, 'TypeError');
      assert.equal(outcome.result?.requestId, out.$metadata.requestId, 'a retry keeps the request id');
    });

    it('answers DryRun with 204 without running the function', async () => {
      const out = await client.send(new InvokeCommand({ FunctionName: 'Throws', InvocationType: 'DryRun' }));
      assert.equal(out.StatusCode, 204);
    });
  });

  describe('functions', () => {
    it('lists the functions, paginated', async () => {
      const first = await client.send(new ListFunctionsCommand({ MaxItems: 4 }));
      assert.equal(first.Functions?.length, 4);
      assert.ok(first.NextMarker);
      const rest = await client.send(new ListFunctionsCommand({ Marker: first.NextMarker }));
      const names = [...(first.Functions ?? []), ...(rest.Functions ?? [])].map((fn) => fn.FunctionName);
      assert.deepEqual(names, ['Broken', 'Echo', 'Single', 'Slow', 'Streamer', 'Tally', 'Throws', 'Web', 'WebStream']);
      assert.equal(rest.NextMarker, undefined);
    });

    it('gets a function and its configuration', async () => {
      const fn = await client.send(new GetFunctionCommand({ FunctionName: 'Single' }));
      assert.equal(fn.Configuration?.FunctionName, 'Single');
      assert.equal(fn.Configuration?.Runtime, 'nodejs20.x');
      assert.equal(fn.Configuration?.Handler, 'slow.handler');
      assert.equal(fn.Configuration?.Timeout, 10);
      assert.equal(fn.Configuration?.MemorySize, 256);
      assert.equal(fn.Concurrency?.ReservedConcurrentExecutions, 1);
      const config = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'Echo' }));
      assert.equal(config.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:Echo');
      assert.equal(config.State, 'Active');
    });
  });

  describe('InvokeWithResponseStream', () => {
    it('delivers chunks as the handler writes them', async () => {
      const out = await client.send(new InvokeWithResponseStreamCommand({ FunctionName: 'Streamer', Payload: Buffer.from('{"delayMs":1000}') }));
      assert.equal(out.StatusCode, 200);
      assert.equal(out.ResponseStreamContentType, 'text/plain');
      const chunks: { at: number; text: string }[] = [];
      let complete: { ErrorCode?: string } | undefined;
      for await (const event of out.EventStream ?? []) {
        if (event.PayloadChunk?.Payload) chunks.push({ at: Date.now(), text: text(event.PayloadChunk.Payload) });
        if (event.InvokeComplete) complete = event.InvokeComplete;
      }
      const body = chunks.map((c) => c.text).join('');
      const match = /^first;second@(\d+)$/.exec(body);
      assert.ok(match, `the streamed body: ${body}`);
      const secondWrittenAt = Number(match[1]);
      assert.ok(chunks[0].at < secondWrittenAt, `the first chunk arrived (${chunks[0].at}) before the handler wrote the second (${secondWrittenAt})`);
      assert.ok(complete);
      assert.equal(complete.ErrorCode, undefined);
    });

    it('reports a failure mid-stream in InvokeComplete', async () => {
      const out = await client.send(new InvokeWithResponseStreamCommand({ FunctionName: 'Streamer', Payload: Buffer.from('{"delayMs":10,"fail":true}') }));
      let complete: { ErrorCode?: string; ErrorDetails?: string } | undefined;
      for await (const event of out.EventStream ?? []) if (event.InvokeComplete) complete = event.InvokeComplete;
      assert.ok(complete?.ErrorCode, 'InvokeComplete names the error');
    });

    it('sends a function that does not stream as one chunk', async () => {
      const out = await client.send(new InvokeWithResponseStreamCommand({ FunctionName: 'Echo', Payload: Buffer.from('{"n":1}') }));
      let body = '';
      for await (const event of out.EventStream ?? []) if (event.PayloadChunk?.Payload) body += text(event.PayloadChunk.Payload);
      assert.deepEqual(JSON.parse(body).event, { n: 1 });
    });
  });

  describe('Function URLs', () => {
    it('serves a BUFFERED Function URL with payload format 2.0 and returns GetFunctionUrlConfig', async () => {
      const config = await client.send(new GetFunctionUrlConfigCommand({ FunctionName: 'Web' }));
      assert.equal(config.AuthType, 'NONE');
      assert.equal(config.InvokeMode, 'BUFFERED');
      assert.ok(config.FunctionUrl);
      const response = await fetch(new URL('/orders/7?x=1', config.FunctionUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: 'a=b' },
        body: '{"item":"tea"}',
      });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-seen-path'), '/orders/7');
      assert.equal(response.headers.get('set-cookie'), 'visited=yes; Path=/');
      assert.deepEqual(await response.json(), {
        method: 'POST',
        rawPath: '/orders/7',
        query: { x: '1' },
        cookies: ['a=b'],
        body: '{"item":"tea"}',
        isBase64Encoded: false,
      });
      const missing = await fetch(new URL('/missing', config.FunctionUrl));
      assert.equal(missing.status, 404);
    });

    it('streams a RESPONSE_STREAM Function URL as the handler writes', async () => {
      const config = await client.send(new GetFunctionUrlConfigCommand({ FunctionName: 'WebStream' }));
      assert.equal(config.InvokeMode, 'RESPONSE_STREAM');
      const response = await fetch(config.FunctionUrl ?? '');
      assert.equal(response.status, 201);
      assert.equal(response.headers.get('x-streamed'), 'yes');
      const reader = response.body?.getReader();
      assert.ok(reader);
      let body = '';
      let firstAt = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (firstAt === 0) firstAt = Date.now();
        body += Buffer.from(value).toString();
      }
      const match = /^part one;part two@(\d+)$/.exec(body);
      assert.ok(match, body);
      assert.ok(firstAt < Number(match[1]), 'the first part arrived before the handler wrote the second');
    });

    it('has no URL for a function without FunctionUrlConfig', async () => {
      await assert.rejects(client.send(new GetFunctionUrlConfigCommand({ FunctionName: 'Echo' })), { name: 'ResourceNotFoundException' });
    });
  });

  describe('errors', () => {
    it('ResourceNotFoundException for a function that is not deployed', async () => {
      await assert.rejects(client.send(new InvokeCommand({ FunctionName: 'Nope' })), (error: Error) => {
        assert.equal(error.name, 'ResourceNotFoundException');
        assert.match(error.message, /Function not found: arn:aws:lambda:us-east-1:000000000000:function:Nope/);
        return true;
      });
    });

    it('InvalidRequestContentException for a payload that is not JSON', async () => {
      await assert.rejects(client.send(new InvokeCommand({ FunctionName: 'Echo', Payload: Buffer.from('{oops') })), (error: Error) => {
        assert.equal(error.name, 'InvalidRequestContentException');
        assert.match(error.message, /Could not parse request body into json/);
        return true;
      });
    });

    it('RequestTooLargeException over 6 MB synchronous and 256 KB asynchronous', async () => {
      const big = Buffer.from(JSON.stringify('x'.repeat(6 * 1024 * 1024)));
      await assert.rejects(client.send(new InvokeCommand({ FunctionName: 'Echo', Payload: big })), { name: 'RequestTooLargeException' });
      const medium = Buffer.from(JSON.stringify('x'.repeat(256 * 1024)));
      await assert.rejects(client.send(new InvokeCommand({ FunctionName: 'Echo', InvocationType: 'Event', Payload: medium })), (error: Error) => {
        assert.equal(error.name, 'RequestTooLargeException');
        assert.match(error.message, /262144 bytes/);
        return true;
      });
    });

    it('TooManyRequestsException past the reserved concurrency', async () => {
      const slow = client.send(new InvokeCommand({ FunctionName: 'Single', Payload: Buffer.from('{"ms":2000}') }));
      await new Promise((resolve) => setTimeout(resolve, 300));
      await assert.rejects(client.send(new InvokeCommand({ FunctionName: 'Single', Payload: Buffer.from('{"ms":1}') })), (error: Error & { Reason?: string }) => {
        assert.equal(error.name, 'TooManyRequestsException');
        assert.equal(error.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
        assert.match(error.message, /Single/);
        return true;
      });
      const first = await slow;
      assert.equal(first.FunctionError, undefined);
    });

    it('ServiceException when the engine cannot run the function', async () => {
      await assert.rejects(client.send(new InvokeCommand({ FunctionName: 'Broken' })), (error: Error) => {
        assert.equal(error.name, 'ServiceException');
        assert.match(error.message, /Broken/);
        return true;
      });
    });
  });
});
