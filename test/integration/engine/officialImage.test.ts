import * as assert from 'node:assert/strict';
import type { FunctionHost } from '../../../src/core/runtime/functionHost';
import type { InvokeResult } from '../../../src/core/runtime/invokeResult';
import { ensureOfficialNodeImage, SDK_PACKAGE, type OfficialNodeImage } from '../support/officialNodeImage';
import { ensureOfficialPythonImage, type OfficialPythonImage } from '../support/officialPythonImage';
import { docker, json, makeFunction, parse, requireEngine, startDockerHost } from '../support/engine';

/**
 * The official Node.js images (a faithful stand-in of public.ecr.aws/lambda/nodejs:22 with AWS's own runtime
 * interface client and an AWS SDK of its own release, see support/officialNodeImage): by default our runtime
 * client runs in them on the image's Node.js and SDK; with officialImageClient 'aws' the image's entrypoint
 * and AWS's client do. What a function sees is the same either way.
 */
const nodejs22 = { runtime: 'nodejs22.x' };

/** Everything a function can observe of its runtime, to compare the two clients. */
const observer = `const sdk = require('${SDK_PACKAGE}');
exports.handler = async (event, context) => ({
  client: process.argv[1],
  execPath: process.execPath,
  node: process.version,
  execArgv: process.execArgv,
  gc: typeof globalThis.gc,
  env: process.env,
  sdkFile: require.resolve('${SDK_PACKAGE}'),
  sdkVersion: require('${SDK_PACKAGE}/package.json').version,
  sdkClient: typeof sdk.STSClient,
  context: { functionName: context.functionName, functionVersion: context.functionVersion, arn: context.invokedFunctionArn,
    memory: context.memoryLimitInMB, requestId: context.awsRequestId, logGroup: context.logGroupName, logStream: context.logStreamName,
    remaining: context.getRemainingTimeInMillis(), waits: context.callbackWaitsForEmptyEventLoop },
  awslambda: typeof globalThis.awslambda?.streamifyResponse,
  cwd: process.cwd(),
});`;

const esmObserver = `import { STSClient } from '${SDK_PACKAGE}';
import pkg from '${SDK_PACKAGE}/package.json' with { type: 'json' };
export const handler = async (event) => ({ doubled: event.n * 2, sdkVersion: pkg.version, sdkClient: typeof STSClient });`;

const chatty = `exports.handler = async (event) => {
  console.log('first line of', event.name);
  console.error('to stderr from', event.name);
  process.stdout.write('raw write from ' + event.name + '\\n');
  setTimeout(() => console.log('late line of', event.name), 0);
  return { name: event.name };
};`;

const thrower = `class OrderError extends Error { constructor(m) { super(m); this.name = 'OrderError'; } }
exports.handler = async (event) => { console.error('about to fail'); throw new OrderError('order ' + event.id + ' is invalid'); };`;

const callback = `exports.handler = (event, context, callback) => { setTimeout(() => callback(null, { via: 'callback', n: event.n }), 5); };`;

function functions(prefix: string) {
  return {
    observer: makeFunction(`${prefix}Observer`, { 'app.js': observer }, { ...nodejs22, timeoutSeconds: 9, memorySizeMB: 512, environment: { MY_SETTING: 'kept' } }),
    esm: makeFunction(`${prefix}Esm`, { 'app.mjs': esmObserver }, nodejs22),
    chatty: makeFunction(`${prefix}Chatty`, { 'app.js': chatty }, nodejs22),
    thrower: makeFunction(`${prefix}Throws`, { 'app.js': thrower }, nodejs22),
    callback: makeFunction(`${prefix}Callback`, { 'app.js': callback }, nodejs22),
    missing: makeFunction(`${prefix}Missing`, { 'app.js': 'exports.other = async () => 1;' }, nodejs22),
  };
}

interface Observed {
  client: string;
  execPath: string;
  node: string;
  execArgv: string[];
  gc: string;
  env: Record<string, string>;
  sdkFile: string;
  sdkVersion: string;
  sdkClient: string;
  context: Record<string, unknown>;
  awslambda: string;
  cwd: string;
}

/** What differs between invocations and instances, whoever runs them. */
function comparable(observed: Observed, result: InvokeResult): Record<string, unknown> {
  // The client and node's flags are what differ by design (tested above); context.callbackWaitsForEmptyEventLoop
  // is on Lambda's documented Node.js context, which ours has, and absent from aws-lambda-ric 4.x's.
  const { env, context, client: _client, execArgv: _execArgv, ...rest } = observed;
  assert.equal(context.requestId, result.requestId);
  const { waits: _waits, ...documented } = context;
  return {
    ...rest,
    env: { ...env, AWS_LAMBDA_RUNTIME_API: '<per instance>', AWS_LAMBDA_LOG_STREAM_NAME: '<per instance>', HOSTNAME: '<per instance>', _X_AMZN_TRACE_ID: '<per invocation>' },
    context: { ...documented, requestId: '<per invocation>', remaining: '<counts down>', logStream: '<per instance>' },
  };
}

describe('The official Node.js images', function () {
  let image: OfficialNodeImage;
  let ours: FunctionHost;
  let aws: FunctionHost;
  const mine = functions('Official');
  const theirs = functions('OfficialAws');

  before(async function () {
    this.timeout(15 * 60_000);
    await requireEngine();
    image = await ensureOfficialNodeImage(docker, (line) => console.log(`      [official image] ${line}`));
    ours = await startDockerHost({ runtimeImages: { 'nodejs22.x': image.tag } });
    aws = await startDockerHost({ runtimeImages: { 'nodejs22.x': image.tag }, officialImageClient: 'aws' });
    await ours.deploy(Object.values(mine));
    await aws.deploy(Object.values(theirs));
  });
  after(async () => {
    await ours?.dispose();
    await aws?.dispose();
  });

  describe("with Lambda Dock's runtime client (the default)", () => {
    it("runs our client on the image's own Node.js, with the flags the image's bootstrap gives it", async () => {
      const result = await ours.invoke('OfficialObserver', json({}));
      assert.equal(result.status, 'ok', result.logs);
      const observed = parse(result.payload) as Observed;
      assert.equal(observed.client, '/var/runtime/lambda-dock/bootstrap.js');
      assert.equal(observed.execPath, '/var/lang/bin/node');
      assert.equal(observed.node, `v${image.nodeVersion}`);
      assert.equal(observed.gc, 'function');
      assert.deepEqual(observed.execArgv, ['--expose-gc', '--max-http-header-size', '81920', '--no-experimental-require-module', '--no-experimental-detect-module']);
    });

    it("gives a handler that requires or imports @aws-sdk the image's own SDK, not Lambda Dock's", async () => {
      const result = await ours.invoke('OfficialObserver', json({}));
      const observed = parse(result.payload) as Observed;
      assert.equal(observed.sdkFile, `/var/runtime/node_modules/${SDK_PACKAGE}/dist-cjs/index.js`);
      assert.equal(observed.sdkVersion, image.sdkRelease);
      assert.equal(observed.sdkClient, 'function');
      assert.equal(observed.env.LAMBDA_DOCK_RUNTIME_SDK, undefined);
      const esm = await ours.invoke('OfficialEsm', json({ n: 21 }));
      assert.equal(esm.status, 'ok', esm.logs);
      assert.deepEqual(parse(esm.payload), { doubled: 42, sdkVersion: image.sdkRelease, sdkClient: 'function' });
    });

    it("gives each invocation exactly its own output, by the client's tally: a line written after the answer goes to the next", async () => {
      const first = await ours.invoke('OfficialChatty', json({ name: 'alpha' }));
      const second = await ours.invoke('OfficialChatty', json({ name: 'beta' }));
      assert.equal(second.coldStart, false);
      for (const [result, name] of [[first, 'alpha'], [second, 'beta']] as const) {
        const id = result.requestId;
        const lines = result.logs.split('\n');
        assert.equal(lines[0], `START RequestId: ${id} Version: $LATEST`, result.logs);
        assert.match(result.logs, new RegExp(`\\n\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z\\t${id}\\tINFO\\tfirst line of ${name}\\n`), result.logs);
        assert.match(result.logs, new RegExp(`\\n\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z\\t${id}\\tERROR\\tto stderr from ${name}\\n`), result.logs);
        assert.match(result.logs, new RegExp(`\\nraw write from ${name}\\n`), result.logs);
        assert.doesNotMatch(result.logs, new RegExp(`late line of ${name}`), result.logs);
        assert.match(result.logs, new RegExp(`\\nEND RequestId: ${id}\\nREPORT RequestId: ${id}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB(\\tInit Duration: [\\d.]+ ms)?\\n$`), result.logs);
      }
      assert.match(second.logs, new RegExp(`\\t${first.requestId}\\tINFO\\tlate line of alpha\\n`), second.logs);
    });

    it("reports errors in Lambda's shape, callback handlers' results, and init errors", async () => {
      const failed = await ours.invoke('OfficialThrows', json({ id: 7 }));
      assert.equal(failed.status, 'error');
      assert.deepEqual(Object.keys(parse(failed.payload) as object), ['errorType', 'errorMessage', 'trace']);
      assert.equal(failed.error?.errorType, 'OrderError');
      assert.equal(failed.error?.errorMessage, 'order 7 is invalid');
      assert.match(failed.error?.trace?.[0] ?? '', /^OrderError: order 7 is invalid/);
      assert.match(failed.logs, new RegExp(`\\t${failed.requestId}\\tERROR\\tabout to fail\\n`), failed.logs);
      assert.match(failed.logs, new RegExp(`\\t${failed.requestId}\\tERROR\\tInvoke Error \\t\\{"errorType":"OrderError","errorMessage":"order 7 is invalid"`), failed.logs);
      assert.deepEqual(parse((await ours.invoke('OfficialCallback', json({ n: 3 }))).payload), { via: 'callback', n: 3 });
      const missing = await ours.invoke('OfficialMissing', json({}));
      assert.equal(missing.error?.errorType, 'Runtime.HandlerNotFound');
      assert.match(missing.error?.errorMessage ?? '', /app\.handler is undefined or not exported/);
    });
  });

  describe("with AWS's own client (officialImageClient 'aws')", () => {
    it("runs the image's entrypoint: AWS's client answers, with the image's bootstrap flags and SDK", async () => {
      const result = await aws.invoke('OfficialAwsObserver', json({}));
      assert.equal(result.status, 'ok', result.logs);
      const observed = parse(result.payload) as Observed;
      assert.equal(observed.client, '/var/runtime/index.mjs');
      assert.equal(observed.execPath, '/var/lang/bin/node');
      assert.ok(observed.execArgv.includes('--max-old-space-size=461'), observed.execArgv.join(' '));
      assert.equal(observed.sdkVersion, image.sdkRelease);
      // (aws-lambda-ric from npm, unlike the managed runtime's client, has import() read no NODE_PATH: the
      // stand-in's AWS client cannot import the SDK from an ES module, so that is compared for ours only.)
    });

    it("reports errors and init errors as AWS's client words them, which ours matches", async () => {
      const [theirsFailed, oursFailed] = await Promise.all([aws.invoke('OfficialAwsThrows', json({ id: 7 })), ours.invoke('OfficialThrows', json({ id: 7 }))]);
      assert.deepEqual({ ...theirsFailed.error, trace: undefined }, { ...oursFailed.error, trace: undefined });
      const [theirsMissing, oursMissing] = await Promise.all([aws.invoke('OfficialAwsMissing', json({})), ours.invoke('OfficialMissing', json({}))]);
      assert.deepEqual({ ...theirsMissing.error, trace: undefined }, { ...oursMissing.error, trace: undefined });
    });
  });

  it('a function sees the same environment, context and runtime from either client', async () => {
    const [theirsResult, oursResult] = await Promise.all([aws.invoke('OfficialAwsObserver', json({})), ours.invoke('OfficialObserver', json({}))]);
    const theirsSeen = comparable(parse(theirsResult.payload) as Observed, theirsResult);
    const oursSeen = comparable(parse(oursResult.payload) as Observed, oursResult);
    // Only the names differ, by the prefix the two sets of functions carry.
    const renamed = JSON.parse(JSON.stringify(theirsSeen).replace(/OfficialAwsObserver/g, 'OfficialObserver')) as Record<string, unknown>;
    // The entrypoint and bootstrap are shell scripts: a shell leaves its own bookkeeping in the environment.
    const shellOnly = ['PWD', 'SHLVL', '_'];
    for (const name of shellOnly) delete (renamed.env as Record<string, string>)[name];
    assert.deepEqual(oursSeen, renamed);
  });
});

/**
 * The official Python images (a stand-in of public.ecr.aws/lambda/python:3.N for the host's Python, boto3 at a
 * release of its own in /var/runtime, see support/officialPythonImage): our Python client runs on the image's
 * interpreter and finds the image's boto3, with Lambda's sys.path.
 */
describe('The official Python images', function () {
  let image: OfficialPythonImage;
  let host: FunctionHost;
  let runtime: string;

  before(async function () {
    this.timeout(15 * 60_000);
    await requireEngine();
    image = await ensureOfficialPythonImage(docker, (line) => console.log(`      [official python image] ${line}`));
    runtime = `python${image.pythonVersion}`;
    host = await startDockerHost({ runtimeImages: { [runtime]: image.tag } });
    const python = { runtime, handler: 'app.handler' };
    await host.deploy([
      makeFunction('OfficialPyObserver', {
        'app.py': `import os, sys, boto3
def handler(event, context):
    print("hello from", event["name"])
    return {"client": sys.argv[0], "executable": sys.executable, "path": sys.path, "boto3": boto3.__version__, "boto3File": boto3.__file__,
            "env": dict(os.environ), "functionName": context.function_name, "memory": context.memory_limit_in_mb,
            "requestId": context.aws_request_id, "remaining": context.get_remaining_time_in_millis()}
`,
      }, { ...python, memorySizeMB: 256, timeoutSeconds: 9 }),
      makeFunction('OfficialPyThrows', { 'app.py': 'def handler(event, context):\n    print("about to fail")\n    raise ValueError("order %d is invalid" % event["id"])\n' }, python),
      makeFunction('OfficialPyMissing', { 'app.py': 'def other(event, context):\n    return 1\n' }, python),
    ]);
  });
  after(async () => host?.dispose());

  it("runs our Python client on the image's interpreter, with the image's boto3 and Lambda's sys.path and environment", async () => {
    const result = await host.invoke('OfficialPyObserver', json({ name: 'py' }));
    assert.equal(result.status, 'ok', result.logs);
    const seen = parse(result.payload) as { client: string; executable: string; path: string[]; boto3: string; boto3File: string; env: Record<string, string>; functionName: string; memory: string; requestId: string; remaining: number };
    const v = image.pythonVersion;
    assert.equal(seen.client, '/var/runtime/lambda-dock/bootstrap.py');
    assert.equal(seen.executable, `/var/lang/bin/python${v}`);
    assert.equal(seen.boto3, image.boto3Release);
    assert.equal(seen.boto3File, '/var/runtime/boto3/__init__.py');
    assert.deepEqual(seen.path.slice(0, 5), ['/var/task', `/opt/python/lib/python${v}/site-packages`, '/opt/python', '/var/runtime', `/var/lang/lib/python${v.replace('.', '')}.zip`]);
    assert.ok(!seen.path.includes('/var/runtime/lambda-dock'), seen.path.join(':'));
    assert.equal(seen.env.PYTHONPATH, '/var/runtime');
    assert.equal(seen.env.AWS_EXECUTION_ENV, `AWS_Lambda_${runtime}`);
    assert.equal(seen.env._HANDLER, 'app.handler');
    assert.equal(seen.env.LAMBDA_TASK_ROOT, '/var/task');
    assert.equal(seen.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, '256');
    assert.deepEqual(Object.keys(seen.env).filter((name) => name.startsWith('LAMBDA_DOCK') || name.startsWith('_LAMBDA_DOCK')), []);
    assert.equal(seen.functionName, 'OfficialPyObserver');
    assert.equal(seen.memory, '256');
    assert.equal(seen.requestId, result.requestId);
    assert.ok(seen.remaining > 7000 && seen.remaining <= 9000, String(seen.remaining));
    const id = result.requestId;
    assert.match(result.logs, new RegExp(`^START RequestId: ${id} Version: \\$LATEST\\nhello from py\\nEND RequestId: ${id}\\nREPORT RequestId: ${id}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 256 MB\\tMax Memory Used: \\d+ MB(\\tInit Duration: [\\d.]+ ms)?\\n$`), result.logs);
  });

  it("reports errors and init errors in awslambdaric's shape", async () => {
    const failed = await host.invoke('OfficialPyThrows', json({ id: 7 }));
    assert.equal(failed.status, 'error');
    assert.equal(failed.error?.errorType, 'ValueError');
    assert.equal(failed.error?.errorMessage, 'order 7 is invalid');
    assert.deepEqual(Object.keys(parse(failed.payload) as object), ['errorMessage', 'errorType', 'requestId', 'stackTrace']);
    assert.match(failed.logs, /\nabout to fail\n/);
    assert.match(failed.logs, new RegExp(`\\[ERROR\\] ValueError: order 7 is invalid`), failed.logs);
    const missing = await host.invoke('OfficialPyMissing', json({}));
    assert.equal(missing.error?.errorType, 'Runtime.HandlerNotFound');
  });
});
