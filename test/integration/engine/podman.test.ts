import * as assert from 'node:assert/strict';
import Docker from 'dockerode';
import { LABELS } from '../../../src/core/engine/backend';
import { detectEngine } from '../../../src/core/engine/detect';
import { FunctionHost } from '../../../src/core/runtime/functionHost';
import { docker, eventually, json, makeFunction, parse } from '../support/engine';
import { ensureOfficialNodeImage, SDK_PACKAGE } from '../support/officialNodeImage';
import { copyImage } from '../support/remoteEngine';

const PODMAN_SOCKET = '/run/podman/podman.sock';
const podman = new Docker({ socketPath: PODMAN_SOCKET });

describe('Podman through its Docker-compatible API', function () {
  let host: FunctionHost;

  before(async () => {
    try {
      await podman.ping();
    } catch (error) {
      throw new Error(`The Podman tests need Podman's API at ${PODMAN_SOCKET}: run 'bash scripts/ensure-podman.sh' (npm test does). ${(error as Error).message}`);
    }
    host = await FunctionHost.start({ workspace: '.', engine: { engine: 'podman' } });
  });
  after(async () => host?.dispose());

  it('is detected as Podman when asked for', async () => {
    const selection = await detectEngine({ env: { ...process.env, LAMBDA_DOCK_CONTAINER_CLI: 'podman', DOCKER_HOST: '' } });
    assert.deepEqual([selection.kind, selection.endpoint, selection.reason], ['podman', PODMAN_SOCKET, 'LAMBDA_DOCK_CONTAINER_CLI']);
    assert.equal(host.backend.name, 'podman');
  });

  it('runs a function warm, reports its errors and logs, and notices a runtime that exits', async () => {
    await host.deploy([
      makeFunction('PodHello', { 'app.js': `exports.handler = async (e) => { console.log('on podman', e.n); if (e.exit) process.exit(2); if (e.fail) throw new RangeError('too far'); return { n: e.n + 1 }; };` }),
    ]);
    const cold = await host.invoke('PodHello', json({ n: 1 }));
    assert.deepEqual(parse(cold.payload), { n: 2 });
    assert.equal(cold.coldStart, true);
    assert.match(cold.logs, /\tINFO\ton podman 1\n/);
    const warm = await host.invoke('PodHello', json({ n: 2, fail: true }));
    assert.equal(warm.coldStart, false);
    assert.deepEqual([warm.error?.errorType, warm.error?.errorMessage], ['RangeError', 'too far']);
    const exited = await host.invoke('PodHello', json({ n: 3, exit: true }));
    assert.equal(exited.error?.errorType, 'Runtime.ExitError');
    assert.match(exited.error?.errorMessage ?? '', /exit status 2/);
    await eventually(async () => (await podman.listContainers({ all: true, filters: { label: [`${LABELS.session}=${host.session.id}`] } })).length === 0, 10_000, 'the exited container to be removed');
  });

  it('keeps standbys and assigns one: the function\'s name, memory limit and environment', async () => {
    const withStandbys = await FunctionHost.start({ workspace: '.', engine: { engine: 'podman' }, standbyInstances: 1 });
    try {
      await withStandbys.deploy([makeFunction('PodStandby', { 'app.js': 'exports.handler = async () => ({ name: process.env.AWS_LAMBDA_FUNCTION_NAME, memory: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE });' }, { memorySizeMB: 256 })]);
      await eventually(async () => (withStandbys.standbys?.counts() ?? []).some((c) => c.ready >= 1), 60_000, 'a standby on Podman');
      const standbys = (await podman.listContainers({ filters: { label: [`${LABELS.session}=${withStandbys.session.id}`, LABELS.standby] } })).map((c) => c.Id);
      const result = await withStandbys.invoke('PodStandby', json({}));
      assert.deepEqual(parse(result.payload), { name: 'PodStandby', memory: '256' });
      const containerId = withStandbys.instances()[0].containerId!;
      assert.ok(standbys.includes(containerId), 'it ran on a standby');
      const inspected = await podman.getContainer(containerId).inspect();
      assert.equal(inspected.Name.replace(/^\//, ''), `lambda-dock-PodStandby-${result.instanceId}`);
      assert.equal(inspected.HostConfig.Memory, 256 * 1024 * 1024);
    } finally {
      await withStandbys.dispose();
    }
  });

  it("runs our client in an official image there, mounted into its read-only root, on the image's Node.js and SDK", async function () {
    this.timeout(10 * 60_000);
    const official = await ensureOfficialNodeImage(docker);
    if (!(await podman.getImage(official.tag).inspect().then(() => true, () => false))) await copyImage(docker, podman, official.tag);
    const onOfficial = await FunctionHost.start({ workspace: '.', engine: { engine: 'podman' }, runtimeImages: { 'nodejs22.x': official.tag } });
    try {
      await onOfficial.deploy([makeFunction('PodOfficial', {
        'app.js': `exports.handler = async () => { console.log('on podman, official'); return { client: process.argv[1], node: process.execPath, sdk: require('${SDK_PACKAGE}/package.json').version }; };`,
      }, { runtime: 'nodejs22.x' })]);
      const result = await onOfficial.invoke('PodOfficial', json({}));
      assert.equal(result.status, 'ok', result.logs);
      assert.deepEqual(parse(result.payload), { client: '/var/runtime/lambda-dock/bootstrap.js', node: '/var/lang/bin/node', sdk: official.sdkRelease });
      assert.match(result.logs, new RegExp(`\\t${result.requestId}\\tINFO\\ton podman, official\\n`), result.logs);
    } finally {
      await onOfficial.dispose();
    }
  });
});
