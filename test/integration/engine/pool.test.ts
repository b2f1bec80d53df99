import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FunctionHost } from '../../../src/core/runtime/functionHost';
import { containerExists, docker, eventually, json, makeFunction, parse, sessionContainers, startDockerHost } from '../support/engine';

const sleeper = (ms: number) => ({ 'app.js': `exports.handler = async (event) => { await new Promise(r => setTimeout(r, event.ms ?? ${ms})); return process.env.AWS_LAMBDA_LOG_STREAM_NAME; };` });

describe('the warm pool', function () {
  let host: FunctionHost | undefined;
  afterEach(async () => {
    await host?.dispose();
    host = undefined;
  });

  it('launches instances in parallel, one invocation each, when none is idle', async () => {
    host = await startDockerHost();
    await host.deploy([makeFunction('Parallel', sleeper(400))]);
    const results = await Promise.all([1, 2, 3].map(() => host!.invoke('Parallel', json({}))));
    assert.equal(new Set(results.map((r) => r.instanceId)).size, 3);
    assert.ok(results.every((r) => r.coldStart));
    assert.equal((await sessionContainers(host.session.id)).length, 3);
    const warm = await Promise.all([1, 2, 3].map(() => host!.invoke('Parallel', json({ ms: 1 }))));
    assert.ok(warm.every((r) => !r.coldStart));
  });

  it('queues invocations past the concurrency cap', async () => {
    host = await startDockerHost({ maxConcurrencyPerFunction: 2 });
    await host.deploy([makeFunction('Capped', sleeper(300))]);
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => host!.invoke('Capped', json({}))));
    assert.ok(results.every((r) => r.status === 'ok'));
    assert.equal(new Set(results.map((r) => r.instanceId)).size, 2);
    assert.equal(results.filter((r) => r.coldStart).length, 2);
    assert.equal((await sessionContainers(host.session.id)).length, 2);
  });

  it('throttles past a reserved concurrency with TooManyRequests', async () => {
    host = await startDockerHost();
    await host.deploy([makeFunction('Reserved', sleeper(500), { reservedConcurrency: 1 })]);
    const first = host.invoke('Reserved', json({}));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await assert.rejects(host.invoke('Reserved', json({})), (error: Error & { code?: string }) => error.code === 'TOO_MANY_REQUESTS' && /reserved concurrency/.test(error.message));
    assert.equal((await first).status, 'ok');
  });

  it('stops instances that stay idle past the idle timeout', async () => {
    host = await startDockerHost({ idleTimeoutMs: 500 });
    await host.deploy([makeFunction('Idle', sleeper(1))]);
    const result = await host.invoke('Idle', json({}));
    const containerId = host.instances()[0].containerId!;
    assert.ok(await containerExists(containerId));
    await eventually(async () => !(await containerExists(containerId)), 5000, 'the idle container to be removed');
    assert.equal(host.instances().length, 0);
    assert.equal((await host.invoke('Idle', json({}))).coldStart, true);
    assert.equal(result.status, 'ok');
  });

  it('drops an instance whose container dies, failing its invocation with Runtime.ExitError', async () => {
    host = await startDockerHost();
    await host.deploy([makeFunction('Killed', sleeper(3000))]);
    await host.invoke('Killed', json({ ms: 1 }));
    const containerId = host.instances()[0].containerId!;
    const inFlight = host.invoke('Killed', json({}));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await docker.getContainer(containerId).kill();
    const result = await inFlight;
    assert.equal(result.error?.errorType, 'Runtime.ExitError');
    assert.match(result.error?.errorMessage ?? '', /Runtime exited with error: signal: killed/);
    assert.equal(host.instances().length, 0);
    await eventually(async () => !(await containerExists(containerId)), 5000, 'the dead container to be removed');
    const next = await host.invoke('Killed', json({ ms: 1 }));
    assert.equal(next.coldStart, true);
  });

  it('sends new invocations to the new code after a redeploy while in-flight ones finish on the old', async () => {
    host = await startDockerHost();
    const fn = makeFunction('Redeploy', { 'app.js': `exports.handler = async (e) => { await new Promise(r => setTimeout(r, e.ms || 0)); return 'v1'; };` });
    await host.deploy([fn]);
    assert.equal(parse((await host.invoke('Redeploy', json({}))).payload), 'v1');
    const before = host.fingerprintOf('Redeploy');
    const inFlight = host.invoke('Redeploy', json({ ms: 800 }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    fs.writeFileSync(path.join(fn.codeDir!, 'app.js'), `exports.handler = async () => 'v2';`);
    const report = await host.deploy([fn]);
    assert.deepEqual(report.functions.map((f) => [f.name, f.change]), [['Redeploy', 'changed']]);
    assert.notEqual(host.fingerprintOf('Redeploy'), before);
    const fresh = await host.invoke('Redeploy', json({}));
    assert.equal(parse(fresh.payload), 'v2');
    assert.equal(fresh.coldStart, true);
    assert.equal(parse((await inFlight).payload), 'v1');
    await eventually(async () => host!.instances().every((i) => i.fingerprint === host!.fingerprintOf('Redeploy')), 5000, 'the old instance to retire');
    const unchanged = await host.deploy([fn]);
    assert.equal(unchanged.functions[0].change, 'unchanged');
  });

  it('mounts code read-only at /var/task, layers at /opt in attach order, a tmpfs /tmp and the memory limit', async () => {
    const layerA = makeFunction('LayerA', { 'nodejs/node_modules/shared/index.js': 'module.exports = "from A";', 'a-only.txt': 'A' }).codeDir!;
    const layerB = makeFunction('LayerB', { 'nodejs/node_modules/shared/index.js': 'module.exports = "from B";', 'b-only.txt': 'B' }).codeDir!;
    host = await startDockerHost();
    await host.deploy([makeFunction('Mounts', {
      'app.js': `const fs = require('fs');
        exports.handler = async () => {
          let codeWritable = true; try { fs.writeFileSync('/var/task/x', 'x'); } catch (e) { codeWritable = e.code; }
          fs.writeFileSync('/tmp/scratch', 'ok');
          return { shared: require('shared'), a: fs.readFileSync('/opt/a-only.txt', 'utf8'), b: fs.readFileSync('/opt/b-only.txt', 'utf8'), codeWritable, tmp: fs.readFileSync('/tmp/scratch', 'utf8') };
        };`,
    }, { memorySizeMB: 192, layers: [{ name: 'A', dir: layerA }, { name: 'B', dir: layerB }] })]);
    const result = await host.invoke('Mounts', json({}));
    assert.deepEqual(parse(result.payload), { shared: 'from B', a: 'A', b: 'B', codeWritable: 'EROFS', tmp: 'ok' });
    const [info] = await sessionContainers(host.session.id);
    const inspect = await docker.getContainer(info.Id).inspect();
    assert.equal(inspect.HostConfig.Memory, 192 * 1024 * 1024);
    assert.ok(inspect.HostConfig.Tmpfs?.['/tmp']);
    assert.ok(inspect.HostConfig.Binds?.some((b) => b.endsWith(':/var/task:ro')));
    assert.ok(inspect.HostConfig.Binds?.some((b) => b.endsWith(':/opt:ro')));
    assert.equal(inspect.Config.Labels['lambda-dock.function'], 'Mounts');
    assert.equal(inspect.Config.Labels['lambda-dock.session'], host.session.id);
    assert.equal(inspect.Config.Labels['lambda-dock.deploy'], host.fingerprintOf('Mounts'));
    assert.ok(inspect.Config.Labels['lambda-dock.workspace']);
    assert.ok(inspect.Config.Env.includes('AWS_LAMBDA_FUNCTION_MEMORY_SIZE=192'));
  });

  it('terminates idempotently and leaves no container after dispose', async () => {
    host = await startDockerHost();
    await host.deploy([makeFunction('Dispose', sleeper(1))]);
    await host.invoke('Dispose', json({}));
    const [instance] = host.instances();
    await host.backend.terminate(instance.instanceId);
    await host.backend.terminate(instance.instanceId);
    await host.backend.terminate('no-such-instance');
    assert.equal(await containerExists(instance.containerId!), false);
    // Two at once (the pool retiring a lost instance while the editor stops it): both wait for the one removal.
    await host.invoke('Dispose', json({}));
    const [next] = host.instances();
    const first = host.backend.terminate(next.instanceId);
    await host.backend.terminate(next.instanceId);
    assert.equal(await containerExists(next.containerId!), false, 'gone once the second terminate resolves');
    await first;
    await host.invoke('Dispose', json({}));
    const session = host.session.id;
    await host.dispose();
    host = undefined;
    assert.deepEqual(await sessionContainers(session), []);
  });

  it('never pulls an image that is present, and says why a missing one cannot be had', async () => {
    host = await startDockerHost();
    const backend = host.backend as import('../../../src/core/engine/dockerBackend').DockerBackend;
    const local = await backend.localNodeImage();
    assert.equal(await backend.prepullImage(local), false);
    await assert.rejects(backend.prepullImage('lambda-dock-test/not-there:1'), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'IMAGE_UNAVAILABLE');
      assert.match(error.message, /lambda-dock-test\/not-there:1 is not on this machine and could not be pulled/);
      return true;
    });
  });
});

describe('FunctionHost without an engine', () => {
  it('says which engine is not running when one is asked for', async () => {
    await assert.rejects(
      FunctionHost.start({ workspace: '.', engine: { engine: 'podman', env: { DOCKER_HOST: 'unix:///nonexistent/podman.sock' } } }),
      (error: Error & { code?: string }) => error.code === 'ENGINE_NOT_RUNNING' && /^Podman is not running at unix:\/\/\/nonexistent\/podman.sock: start it/.test(error.message),
    );
  });
});
