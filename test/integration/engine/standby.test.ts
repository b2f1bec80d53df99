import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir } from '../../../src/core/paths';
import { StandbyRecord } from '../../../src/core/engine/standbyRecord';
import { LABELS } from '../../../src/core/engine/backend';
import type { FunctionHost } from '../../../src/core/runtime/functionHost';
import { ensureOfficialNodeImage, SDK_PACKAGE, SDK_RELEASE } from '../support/officialNodeImage';
import { ensureOfficialPythonImage } from '../support/officialPythonImage';
import { containerExists, docker, eventually, json, makeFolder, makeFunction, parse, sessionContainers, startDockerHost } from '../support/engine';

const reporter = {
  'app.js': `
    const loadedWith = { name: process.env.AWS_LAMBDA_FUNCTION_NAME, memory: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, greeting: process.env.GREETING };
    console.log('loading as', process.env.AWS_LAMBDA_FUNCTION_NAME);
    exports.handler = async (event, context) => (console.log('invoked', context.awsRequestId), {
      loadedWith,
      env: { name: process.env.AWS_LAMBDA_FUNCTION_NAME, memory: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, greeting: process.env.GREETING, handler: process.env._HANDLER, standby: process.env.LAMBDA_DOCK_STANDBY ?? null, logStream: process.env.AWS_LAMBDA_LOG_STREAM_NAME },
      context: { functionName: context.functionName, memoryLimitInMB: context.memoryLimitInMB, arn: context.invokedFunctionArn, logStreamName: context.logStreamName },
      files: require('fs').readdirSync('/var/task').sort(),
      sleptMs: await new Promise((r) => setTimeout(() => r(event.ms ?? 0), event.ms ?? 0)),
    });`,
};

interface Reported {
  loadedWith: { name: string; memory: string; greeting: string };
  env: Record<string, string | null>;
  context: Record<string, string>;
  files: string[];
}

async function standbyContainers(sessionId: string) {
  return (await sessionContainers(sessionId)).filter((c) => c.Labels[LABELS.standby] !== undefined);
}

async function readyStandbys(host: FunctionHost, count: number): Promise<void> {
  await eventually(async () => (host.standbys?.counts() ?? []).some((c) => c.ready >= count), 60_000, `${count} standbys to be ready`);
}

describe('standby sandboxes', function () {
  let host: FunctionHost | undefined;
  afterEach(async () => {
    await host?.dispose();
    host = undefined;
  });

  it('a launch takes a ready standby: the container existed before the invoke and is now the function\'s, with its environment, context and memory limit', async () => {
    host = await startDockerHost({ standbyInstances: 2 });
    await host.deploy([makeFunction('Reporter', reporter, { memorySizeMB: 256, environment: { GREETING: 'hello' } })]);
    await readyStandbys(host, 2);
    const before = await standbyContainers(host.session.id);
    assert.equal(before.length, 2);

    const result = await host.invoke('Reporter', json({}));
    assert.equal(result.status, 'ok', result.payload.toString());
    assert.equal(result.coldStart, true);
    assert.ok(result.report.initDurationMs !== undefined);
    assert.match(result.logs, new RegExp(`^START RequestId: ${result.requestId}[^]*\\tINFO\\tloading as Reporter\\n[^]*\\tINFO\\tinvoked ${result.requestId}\\n[^]*Init Duration`));
    const body = parse(result.payload) as Reported;
    assert.deepEqual(body.loadedWith, { name: 'Reporter', memory: '256', greeting: 'hello' });
    assert.equal(body.env.handler, 'app.handler');
    assert.equal(body.env.standby, null);
    assert.deepEqual(body.context, { functionName: 'Reporter', memoryLimitInMB: '256', arn: 'arn:aws:lambda:us-east-1:000000000000:function:Reporter', logStreamName: body.env.logStream });
    assert.deepEqual(body.files, ['app.js']);

    const containerId = host.instances()[0].containerId!;
    const taken = before.find((c) => c.Id === containerId);
    assert.ok(taken, 'the instance runs in a container that was a standby before the invoke');
    const inspected = await docker.getContainer(containerId).inspect();
    assert.equal(inspected.Name, `/lambda-dock-Reporter-${result.instanceId}`);
    assert.equal(inspected.HostConfig.Memory, 256 * 1024 * 1024);
    assert.equal(inspected.HostConfig.ReadonlyRootfs, true);

    const listed = (await host.containers()).find((c) => c.id === containerId);
    assert.equal(listed?.functionName, 'Reporter');
    assert.equal(listed?.labels[LABELS.function], 'Reporter');
    assert.equal(listed?.labels[LABELS.deploy], host.fingerprintOf('Reporter'));
    assert.equal((await host.containers()).filter((c) => c.labels[LABELS.standby] && !c.functionName).length, 0, 'unassigned standbys are not listed');

    // Replaced in the background.
    await eventually(async () => (await standbyContainers(host!.session.id)).filter((c) => c.Id !== containerId).length === 2, 60_000, 'the taken standby to be replaced');
  });

  it('never shares a container between two functions, nor between two deploys of one', async () => {
    host = await startDockerHost({ standbyInstances: 2 });
    const first = makeFunction('First', reporter, { environment: { GREETING: 'first' } });
    await host.deploy([first, makeFunction('Second', reporter, { environment: { GREETING: 'second' } })]);
    await readyStandbys(host, 2);
    const [a, b] = await Promise.all([host.invoke('First', json({})), host.invoke('Second', json({}))]);
    assert.notEqual(a.instanceId, b.instanceId);
    assert.equal((parse(a.payload) as Reported).loadedWith.greeting, 'first');
    assert.equal((parse(b.payload) as Reported).loadedWith.greeting, 'second');
    const containers = host.instances().map((i) => i.containerId);
    assert.equal(new Set(containers).size, 2);

    await readyStandbys(host, 2);
    await host.deploy([{ ...first, environment: { GREETING: 'redeployed' } }], { removeMissing: false });
    const again = await host.invoke('First', json({}));
    assert.equal((parse(again.payload) as Reported).loadedWith.greeting, 'redeployed');
    assert.ok(!containers.includes(host.instances().find((i) => i.instanceId === again.instanceId)?.containerId));
  });

  it('gives a function with a scoped Docker socket its socket in the folder mounted when the standby was made', async () => {
    host = await startDockerHost({ standbyInstances: 1 });
    const pinger = {
      'app.js': `exports.handler = async () => new Promise((resolve, reject) => {
        const request = require('http').request({ socketPath: '/var/run/docker.sock', path: '/_ping' }, (response) => {
          let body = ''; response.on('data', (c) => (body += c)); response.on('end', () => resolve({ ping: body, dockerHost: process.env.DOCKER_HOST }));
        });
        request.on('error', reject); request.end();
      });`,
    };
    await host.deploy([makeFunction('Socket', pinger, { dockerSocket: true })]);
    await readyStandbys(host, 1);
    const standbyIds = (await standbyContainers(host.session.id)).map((c) => c.Id);
    const result = await host.invoke('Socket', json({}));
    assert.deepEqual(parse(result.payload), { ping: 'OK', dockerHost: 'unix:///var/run/docker.sock' });
    const containerId = host.instances()[0].containerId!;
    assert.ok(standbyIds.includes(containerId), 'it ran on a standby');
    const listed = (await host.containers()).find((c) => c.id === containerId);
    assert.equal(listed?.labels[LABELS.dockerSocket], 'true');
  });

  it('reaps a dead session\'s standbys, assigned or not, with their folders and record, as any instance', async () => {
    const dying = await startDockerHost({ standbyInstances: 2 });
    try {
      await dying.deploy([makeFunction('Stale', reporter)]);
      await readyStandbys(dying, 2);
      await dying.invoke('Stale', json({}));
      await readyStandbys(dying, 2);
      const left = await standbyContainers(dying.session.id);
      assert.equal(left.length, 3);
      const assigned = dying.instances()[0].containerId!;

      host = await startDockerHost();
      const seen = (await host.containers()).filter((c) => c.session === dying.session.id);
      assert.deepEqual(seen.map((c) => [c.id, c.functionName, c.stale]), [[assigned, 'Stale', false]], 'another session sees the assigned one as the function\'s, and not the waiting ones');

      // The session ends without cleaning up (a crash): its liveness socket is gone.
      await dying.session.dispose();
      const report = await host.reapStale();
      for (const c of left) {
        assert.equal(await containerExists(c.Id), false, `${c.Names[0]} was reaped`);
        assert.ok(report.containers.includes(c.Names[0].replace(/^\//, '')));
      }
      assert.equal(fs.existsSync(StandbyRecord.forSession(dying.session.id).file), false);
      for (const c of left) assert.equal(fs.existsSync(path.join(cacheDir(), 'standby', dying.session.id, c.Labels[LABELS.instance])), false);
    } finally {
      await dying.dispose();
    }
  });

  it('serves the official Node.js images too: our client on the image\'s own Node.js and AWS SDK', async function () {
    this.timeout(15 * 60_000);
    const image = await ensureOfficialNodeImage(docker);
    host = await startDockerHost({ standbyInstances: 1, runtimeImages: { 'nodejs22.x': image.tag } });
    const observer = `exports.handler = async () => ({ execPath: process.execPath, sdk: require('${SDK_PACKAGE}/package.json').version, name: process.env.AWS_LAMBDA_FUNCTION_NAME, nodePath: process.env.NODE_PATH });`;
    await host.deploy([makeFunction('OfficialStandby', { 'app.js': observer }, { runtime: 'nodejs22.x' })]);
    await readyStandbys(host, 1);
    const standbyIds = (await standbyContainers(host.session.id)).map((c) => c.Id);
    const result = await host.invoke('OfficialStandby', json({}));
    assert.equal(result.status, 'ok', result.payload.toString());
    const body = parse(result.payload) as Record<string, string>;
    assert.equal(body.execPath, '/var/lang/bin/node');
    assert.equal(body.sdk, SDK_RELEASE);
    assert.equal(body.name, 'OfficialStandby');
    assert.match(body.nodePath, /\/var\/runtime\/node_modules/);
    assert.ok(standbyIds.includes(host.instances()[0].containerId!), 'it ran on a standby');
    assert.equal((await docker.getContainer(host.instances()[0].containerId!).inspect()).Config.Image, image.tag);
  });

  it('serves the official Python images too: our Python client on the image\'s interpreter and boto3', async function () {
    this.timeout(15 * 60_000);
    const image = await ensureOfficialPythonImage(docker);
    const runtime = `python${image.pythonVersion}`;
    host = await startDockerHost({ standbyInstances: 1, runtimeImages: { [runtime]: image.tag } });
    const handler = 'import os, sys, boto3\ndef handler(event, context):\n    return {"executable": sys.executable, "boto3": boto3.__version__, "name": context.function_name, "pythonPath": os.environ.get("PYTHONPATH")}\n';
    await host.deploy([makeFunction('OfficialPyStandby', { 'app.py': handler }, { runtime })]);
    await readyStandbys(host, 1);
    const standbyIds = (await standbyContainers(host.session.id)).map((c) => c.Id);
    const result = await host.invoke('OfficialPyStandby', json({}));
    assert.equal(result.status, 'ok', result.logs);
    assert.deepEqual(parse(result.payload), { executable: `/var/lang/bin/python${image.pythonVersion}`, boto3: image.boto3Release, name: 'OfficialPyStandby', pythonPath: '/var/runtime' });
    assert.ok(standbyIds.includes(host.instances()[0].containerId!), 'it ran on a standby');
  });

  it('runs an ES module handler that imports a layer\'s package through NODE_PATH, and a CommonJS one\'s import() too', async () => {
    host = await startDockerHost({ standbyInstances: 2 });
    const layer = makeFolder({ 'nodejs/node_modules/greeter/package.json': '{"name":"greeter","type":"module","exports":"./index.js"}', 'nodejs/node_modules/greeter/index.js': 'export const greet = (n) => `hello ${n}`;' });
    await host.deploy([
      makeFunction('EsmLayer', { 'app.mjs': "import { greet } from 'greeter';\nexport const handler = async () => ({ greeting: greet('esm'), layer: (await import('node:fs')).readdirSync('/opt') });" }, { layers: [{ name: 'Greeter', dir: layer }] }),
      makeFunction('CjsImport', { 'app.js': "exports.handler = async () => ({ greeting: (await import('greeter')).greet('cjs') });" }, { layers: [{ name: 'Greeter', dir: layer }] }),
    ]);
    await readyStandbys(host, 2);
    const standbyIds = (await standbyContainers(host.session.id)).map((c) => c.Id);
    const [esm, cjs] = await Promise.all([host.invoke('EsmLayer', json({})), host.invoke('CjsImport', json({}))]);
    assert.deepEqual(parse(esm.payload), { greeting: 'hello esm', layer: ['nodejs'] });
    assert.deepEqual(parse(cjs.payload), { greeting: 'hello cjs' });
    for (const instance of host.instances()) assert.ok(standbyIds.includes(instance.containerId!), `${instance.functionName} ran on a standby`);
  });

  it('serves Python functions from the local Python image: our Python client takes its assignment the same way', async () => {
    host = await startDockerHost({ standbyInstances: 1 });
    const handler = [
      'import os',
      "print('loading as', os.environ['AWS_LAMBDA_FUNCTION_NAME'])",
      'def handler(event, context):',
      "    return {'name': os.environ['AWS_LAMBDA_FUNCTION_NAME'], 'context': context.function_name, 'memory': context.memory_limit_in_mb, 'greeting': os.environ.get('GREETING'), 'standby': os.environ.get('LAMBDA_DOCK_STANDBY')}",
    ].join('\n');
    await host.deploy([makeFunction('PyStandby', { 'app.py': handler }, { runtime: 'python3.12', memorySizeMB: 256, environment: { GREETING: 'hi' } })]);
    await readyStandbys(host, 1);
    const standbyIds = (await standbyContainers(host.session.id)).map((c) => c.Id);
    const result = await host.invoke('PyStandby', json({}));
    assert.equal(result.status, 'ok', result.logs);
    assert.deepEqual(parse(result.payload), { name: 'PyStandby', context: 'PyStandby', memory: '256', greeting: 'hi', standby: null });
    assert.match(result.logs, /loading as PyStandby/);
    assert.ok(standbyIds.includes(host.instances()[0].containerId!), 'it ran on a standby');
    assert.equal((await docker.getContainer(host.instances()[0].containerId!).inspect()).HostConfig.Memory, 256 * 1024 * 1024);

    // Once no deployed function runs on the Python image, its standbys go.
    const pythonImage = (await standbyContainers(host.session.id)).find((c) => c.Id !== host!.instances()[0].containerId)!.Image;
    await host.deploy([makeFunction('NodeOnly', reporter)]);
    await eventually(async () => !(await standbyContainers(host!.session.id)).some((c) => c.Image === pythonImage), 30_000, 'the Python standbys to be removed');
    await readyStandbys(host, 1);
  });

  it('--standby 0 makes none', async () => {
    host = await startDockerHost({ standbyInstances: 0 });
    await host.deploy([makeFunction('NoStandby', reporter)]);
    const result = await host.invoke('NoStandby', json({}));
    assert.equal(result.status, 'ok');
    assert.equal(host.standbys, undefined);
    assert.deepEqual(await standbyContainers(host.session.id), []);
  });

  it('serves a burst of 10 concurrent invokes on a cold function', async () => {
    host = await startDockerHost({ standbyInstances: 2 });
    await host.deploy([makeFunction('Burst', reporter)]);
    await readyStandbys(host, 2);
    const results = await Promise.all(Array.from({ length: 10 }, () => host!.invoke('Burst', json({ ms: 50 }))));
    for (const result of results) assert.equal(result.status, 'ok', result.payload.toString());
    assert.ok(results.every((r) => (parse(r.payload) as Reported).loadedWith.name === 'Burst'));
    // The burst raised the number kept.
    assert.ok((host.standbys?.counts()[0].target ?? 0) > 2);
  });
});
