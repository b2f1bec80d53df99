import * as assert from 'node:assert/strict';
import { RuntimeApiChannel, subnetMatcher, type InvocationAnswer } from '../../../src/core/runtime/runtimeApiChannel';
import { RuntimeApiClient } from '../../../src/core/runtime/client/runtimeApiClient';

const invocation = (requestId: string) => ({ requestId, payload: Buffer.from('{"n":1}'), deadlineMs: Date.now() + 3000, invokedFunctionArn: 'arn:fn', traceId: 'Root=1-x' });

describe('the Runtime API channel (real HTTP on 127.0.0.1)', () => {
  let channel: RuntimeApiChannel;
  let client: RuntimeApiClient;
  beforeEach(async () => {
    channel = await RuntimeApiChannel.open({ bindAddress: '127.0.0.1', advertisedHost: '127.0.0.1' });
    client = new RuntimeApiClient(channel.address);
  });
  afterEach(() => channel.close());

  it('signals readiness on the first poll and hands over the invocation with Lambda\'s headers', async () => {
    const ready = new Promise((resolve) => channel.once('ready', resolve));
    const next = client.next();
    await ready;
    assert.equal(channel.ourClient, true);
    channel.dispatch(invocation('req-1'));
    const got = await next;
    assert.equal(got.requestId, 'req-1');
    assert.equal(got.invokedFunctionArn, 'arn:fn');
    assert.equal(got.traceId, 'Root=1-x');
    assert.deepEqual(got.event, { n: 1 });
  });

  it('holds an invocation dispatched before the poll, and takes the response and errors', async () => {
    channel.dispatch(invocation('req-2'));
    const answers: Array<[string, InvocationAnswer]> = [];
    channel.on('answer', (id: string, answer: InvocationAnswer) => answers.push([id, answer]));
    const got = await client.next();
    await client.postResponse(got.requestId, '"done"');
    assert.equal(answers[0][0], 'req-2');
    assert.equal(answers[0][1].kind === 'response' && answers[0][1].body.toString(), '"done"');
    channel.dispatch(invocation('req-3'));
    await client.next();
    await client.postError('req-3', { errorType: 'Oops', errorMessage: 'bad', trace: ['a'] });
    assert.deepEqual(answers[1][1], { kind: 'error', error: { errorType: 'Oops', errorMessage: 'bad', trace: ['a'] } });
  });

  it('refuses an answer for an invocation that is not the instance\'s own', async () => {
    channel.dispatch(invocation('mine'));
    await client.next();
    await assert.rejects(client.postResponse('someone-elses', '1'), /answered 400: .*InvalidRequestID/);
  });

  it('reports an init error', async () => {
    const initError = new Promise((resolve) => channel.once('initError', resolve));
    await client.postInitError({ errorType: 'Runtime.ImportModuleError', errorMessage: 'Error: Cannot find module', trace: [] });
    assert.deepEqual(await initError, { errorType: 'Runtime.ImportModuleError', errorMessage: 'Error: Cannot find module', trace: [] });
  });
});

describe('subnetMatcher', () => {
  it('accepts addresses in the subnet only, IPv4-mapped ones included', () => {
    const inBridge = subnetMatcher('10.88.0.0/16');
    assert.equal(inBridge('10.88.0.5'), true);
    assert.equal(inBridge('::ffff:10.88.255.1'), true);
    assert.equal(inBridge('10.89.0.1'), false);
    assert.equal(inBridge('192.168.1.10'), false);
    assert.equal(inBridge('::1'), false);
  });
});
