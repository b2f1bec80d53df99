import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { silentLogger, type Logger } from '../../../src/core/log';
import type { LaunchedInstance, RuntimeApiEndpoint } from '../../../src/core/engine/backend';
import { canonicalAddress } from '../../../src/core/runtime/connectionGate';
import { RuntimeApiChannel, type InvocationAnswer } from '../../../src/core/runtime/runtimeApiChannel';
import { formatOutputTally } from '../../../src/core/runtime/client/protocol';
import { RuntimeApiClient } from '../../../src/core/runtime/client/runtimeApiClient';

const invocation = (requestId: string) => ({ requestId, payload: Buffer.from('{"n":1}'), deadlineMs: Date.now() + 3000, invokedFunctionArn: 'arn:fn', traceId: 'Root=1-x' });

describe('the Runtime API channel (real HTTP on 127.0.0.1)', () => {
  let channel: RuntimeApiChannel;
  let client: RuntimeApiClient;
  beforeEach(async () => {
    channel = await RuntimeApiChannel.open({ bindAddress: '127.0.0.1', advertisedHost: '127.0.0.1', identity: { kind: 'secretPath' } }, { instanceId: 'instance-1', owner: 'Fn instance 1', log: silentLogger });
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

  it('holds an invocation dispatched before the poll, and takes the response and errors with their output tallies', async () => {
    channel.dispatch(invocation('req-2'));
    const answers: Array<[string, InvocationAnswer]> = [];
    channel.on('answer', (id: string, answer: InvocationAnswer) => answers.push([id, answer]));
    const got = await client.next();
    await client.postResponse(got.requestId, '"done"', formatOutputTally({ stdout: 12, stderr: 0, maxRssKB: 40_000 }));
    assert.equal(answers[0][0], 'req-2');
    assert.equal(answers[0][1].kind === 'response' && answers[0][1].body.toString(), '"done"');
    assert.deepEqual(answers[0][1].kind === 'response' && answers[0][1].tally, { stdout: 12, stderr: 0, maxRssKB: 40_000 });
    channel.dispatch(invocation('req-3'));
    await client.next();
    await client.postError('req-3', { errorType: 'Oops', errorMessage: 'bad', trace: ['a'] }, 'garbled');
    assert.deepEqual(answers[1][1], { kind: 'error', error: { errorType: 'Oops', errorMessage: 'bad', trace: ['a'] }, tally: undefined }, 'a malformed tally is none');
  });

  it('refuses an answer for an invocation that is not the instance\'s own', async () => {
    channel.dispatch(invocation('mine'));
    await client.next();
    await assert.rejects(client.postResponse('someone-elses', '1', ''), /answered 400: .*InvalidRequestID/);
  });

  it('reports an init error', async () => {
    const initError = new Promise((resolve) => channel.once('initError', resolve));
    await client.postInitError({ errorType: 'Runtime.ImportModuleError', errorMessage: 'Error: Cannot find module', trace: [] });
    assert.deepEqual(await initError, { errorType: 'Runtime.ImportModuleError', errorMessage: 'Error: Cannot find module', trace: [] });
  });
});

/** A log that keeps its warnings. */
function recordingLog(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { ...silentLogger, warn: (m: string) => warnings.push(m), warnings };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

const launchedAt = (...addresses: string[]) => ({ addresses }) as unknown as LaunchedInstance;

interface Outcome {
  status?: number;
  body?: string;
  error?: string;
}

/** One request from a chosen local address (all of 127/8 is loopback), on a fresh connection. */
function requestFrom(localAddress: string, address: string, method: string, path: string, body?: string): Promise<Outcome> {
  const [host, rest] = address.split(/:(.*)/s);
  const slash = rest.indexOf('/');
  const port = Number(slash < 0 ? rest : rest.slice(0, slash));
  const prefix = slash < 0 ? '' : rest.slice(slash);
  return new Promise((resolve) => {
    const request = http.request({ host, port, localAddress, method, path: prefix + path, agent: false }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode, body: text }));
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code }));
    request.end(body);
  });
}

describe('who a Runtime API channel serves', () => {
  const opened: RuntimeApiChannel[] = [];
  const open = async (endpoint: RuntimeApiEndpoint, log: Logger = silentLogger) => {
    const channel = await RuntimeApiChannel.open(endpoint, { instanceId: 'instance-1', owner: 'Fn instance 1', log });
    opened.push(channel);
    return channel;
  };
  const byAddress: RuntimeApiEndpoint = { bindAddress: '127.0.0.1', advertisedHost: '127.0.0.1', identity: { kind: 'address' } };
  afterEach(() => opened.splice(0).forEach((c) => c.close()));

  it('holds a connection unread until the instance\'s address is known, then serves it', async () => {
    const channel = await open(byAddress);
    let ready = false;
    channel.once('ready', () => (ready = true));
    const poll = requestFrom('127.0.0.3', channel.address, 'GET', '/2018-06-01/runtime/invocation/next');
    // The poll reached the listener (its connection is accepted and held) but nothing of it was read.
    await until(() => channel.waitingConnections === 1);
    assert.equal(ready, false);
    channel.admit(launchedAt('127.0.0.3'));
    await new Promise((resolve) => channel.once('ready', resolve));
    channel.dispatch(invocation('held-1'));
    assert.equal((await poll).status, 200);
  });

  it('closes a connection from any other address before reading it, and logs the source once', async () => {
    const log = recordingLog();
    const channel = await open(byAddress, log);
    const events: string[] = [];
    channel.on('ready', () => events.push('ready'));
    channel.on('initError', () => events.push('initError'));
    channel.admit(launchedAt('127.0.0.3'));
    const initError = JSON.stringify({ errorType: 'Forged', errorMessage: 'x' });
    const refused = await Promise.all([
      requestFrom('127.0.0.4', channel.address, 'POST', '/2018-06-01/runtime/init/error', initError),
      requestFrom('127.0.0.4', channel.address, 'GET', '/2018-06-01/runtime/invocation/next'),
      requestFrom('127.0.0.5', channel.address, 'GET', '/2018-06-01/runtime/invocation/next'),
    ]);
    for (const outcome of refused) assert.ok(outcome.error === 'ECONNRESET' || outcome.error === 'EPIPE', JSON.stringify(outcome));
    assert.deepEqual(events, []);
    assert.equal(log.warnings.length, 2);
    assert.match(log.warnings[0], /^Fn instance 1: refused a connection to its Runtime API from 127\.0\.0\.4 \(it is not the instance's address\)/);
    assert.match(log.warnings[1], /from 127\.0\.0\.5 /);
    // The instance itself is still served.
    channel.dispatch(invocation('mine-1'));
    const own = await requestFrom('127.0.0.3', channel.address, 'GET', '/2018-06-01/runtime/invocation/next');
    assert.equal(own.status, 200);
  });

  it('decides held connections when the address arrives: another address is closed unread', async () => {
    const channel = await open(byAddress);
    const events: string[] = [];
    channel.on('ready', () => events.push('ready'));
    channel.on('answer', () => events.push('answer'));
    channel.dispatch(invocation('r-1'));
    const forged = requestFrom('127.0.0.9', channel.address, 'GET', '/2018-06-01/runtime/invocation/next');
    await until(() => channel.waitingConnections === 1);
    channel.admit(launchedAt('127.0.0.3'));
    assert.equal((await forged).error, 'ECONNRESET');
    assert.deepEqual(events, []);
  });

  it('serves no one when the engine gave the instance no address', async () => {
    const channel = await open(byAddress);
    channel.admit(launchedAt());
    assert.equal((await requestFrom('127.0.0.1', channel.address, 'GET', '/2018-06-01/runtime/invocation/next')).error, 'ECONNRESET');
  });

  it('refuses a request without the instance\'s secret path (the process backend), and logs it once', async () => {
    const log = recordingLog();
    const channel = await open({ bindAddress: '127.0.0.1', advertisedHost: '127.0.0.1', identity: { kind: 'secretPath' } }, log);
    assert.match(channel.address, /^127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{24}$/);
    let ready = false;
    channel.once('ready', () => (ready = true));
    const hostPort = channel.address.slice(0, channel.address.indexOf('/'));
    const without = await requestFrom('127.0.0.1', hostPort, 'GET', '/2018-06-01/runtime/invocation/next');
    const wrong = await requestFrom('127.0.0.1', `${hostPort}/${'A'.repeat(24)}`, 'GET', '/2018-06-01/runtime/invocation/next');
    const truncated = await requestFrom('127.0.0.1', channel.address.slice(0, -1), 'GET', '/2018-06-01/runtime/invocation/next');
    for (const outcome of [without, wrong, truncated]) {
      assert.equal(outcome.status, 403);
      assert.match(outcome.body ?? '', /"errorType":"Forbidden"/);
    }
    assert.equal(ready, false);
    assert.equal(log.warnings.length, 1);
    assert.match(log.warnings[0], /refused a Runtime API request without the instance's secret path/);
    const client = new RuntimeApiClient(channel.address);
    channel.dispatch(invocation('secret-1'));
    assert.equal((await client.next()).requestId, 'secret-1');
  });

  it('says once per endpoint, not per instance, when it cannot tell instances apart', async () => {
    const log = recordingLog();
    const endpoint: RuntimeApiEndpoint = { bindAddress: '127.0.0.1', advertisedHost: 'host.docker.internal', identity: { kind: 'unverified', reason: 'the engine runs in a VM' } };
    await open(endpoint, log);
    const second = await open(endpoint, log);
    assert.deepEqual(log.warnings, [
      'Runtime APIs are not private to their instances here: the engine runs in a VM. Any container or process that reaches host.docker.internal can read and answer invocations.',
    ]);
    assert.equal((await requestFrom('127.0.0.7', second.address.replace('host.docker.internal', '127.0.0.1'), 'GET', '/2018-06-01/runtime/invocation/nope')).status, 404);
  });

  it('listens on the fallback address while the preferred one is not this machine\'s', async () => {
    const channel = await open({ bindAddress: '192.0.2.123', fallbackBindAddress: '127.0.0.1', advertisedHost: '127.0.0.1', identity: { kind: 'address' } });
    channel.admit(launchedAt('127.0.0.1'));
    channel.dispatch(invocation('fallback-1'));
    assert.equal((await requestFrom('127.0.0.1', channel.address, 'GET', '/2018-06-01/runtime/invocation/next')).status, 200);
  });
});

describe('canonicalAddress', () => {
  it('reads an IPv4-mapped IPv6 address as the IPv4 address, and IPv6 in lower case', () => {
    assert.equal(canonicalAddress('::ffff:10.88.0.5'), '10.88.0.5');
    assert.equal(canonicalAddress('10.88.0.5'), '10.88.0.5');
    assert.equal(canonicalAddress('FD00::5'), 'fd00::5');
    assert.equal(canonicalAddress('::ffff:abcd'), '::ffff:abcd');
  });
});
