import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { LABELS } from '../../../src/core/engine/backend';
import type { DockerBackend } from '../../../src/core/engine/dockerBackend';
import { Session } from '../../../src/core/engine/session';
import type { FunctionHost } from '../../../src/core/runtime/functionHost';
import { runtimeDir } from '../../../src/core/paths';
import { containerExists, docker, startDockerHost } from '../support/engine';

/** A container labelled as another session's instance, as that session would have left it. */
async function leftBehind(image: string, labels: Record<string, string>): Promise<string> {
  const container = await docker.createContainer({
    Image: image,
    Entrypoint: ['/usr/local/bin/node', '-e', 'setTimeout(() => {}, 600000)'],
    Labels: { [LABELS.function]: 'Orphan', [LABELS.host]: Session.hostname, ...labels },
  });
  await container.start();
  return container.id;
}

describe('cleaning up after sessions that are gone', function () {
  let host: FunctionHost;
  let image: string;
  const created: string[] = [];

  before(async () => {
    host = await startDockerHost();
    image = await (host.backend as DockerBackend).localNodeImage();
  });
  after(async () => {
    await Promise.all(created.map((id) => docker.getContainer(id).remove({ force: true }).catch(() => undefined)));
    await host?.dispose();
  });

  it('removes what a dead session left and keeps what a live session runs', async () => {
    const deadSocket = path.join(runtimeDir(), 'sessions', 'deadbeef0000.sock');
    const dead = await leftBehind(image, { [LABELS.session]: 'deadbeef0000', [LABELS.sessionSocket]: deadSocket });
    const live = await Session.start();
    const alive = await leftBehind(image, { [LABELS.session]: live.id, [LABELS.sessionSocket]: live.livenessSocket });
    const elsewhere = await leftBehind(image, { [LABELS.session]: 'otherhost000', [LABELS.sessionSocket]: deadSocket, [LABELS.host]: 'another-machine' });
    created.push(dead, alive, elsewhere);
    const network = await docker.createNetwork({ Name: 'lambda-dock-it-dead-network', Labels: { [LABELS.session]: 'deadbeef0000', [LABELS.host]: Session.hostname, [LABELS.sessionSocket]: deadSocket } });

    const listed = await host.backend.listManaged();
    assert.equal(listed.find((c) => c.id === dead)?.stale, true);
    assert.equal(listed.find((c) => c.id === alive)?.stale, false);
    assert.equal(listed.find((c) => c.id === elsewhere)?.stale, false);

    const report = await host.backend.reapStale();
    assert.ok(report.containers.length >= 1);
    assert.ok(report.networks.includes('lambda-dock-it-dead-network'));
    assert.equal(await containerExists(dead), false);
    assert.equal(await containerExists(alive), true, 'a live session keeps its instances');
    assert.equal(await containerExists(elsewhere), true, 'a session on another machine is never judged dead from here');
    await assert.rejects(network.inspect(), /404|no such network/i);

    await live.dispose();
    await host.backend.reapStale();
    assert.equal(await containerExists(alive), false, 'once its session ends, its instances are stale');
  });

  it('cleans up only the dead sessions of the given workspace folders, with their networks', async () => {
    const deadSocket = path.join(runtimeDir(), 'sessions', 'deadbeef0002.sock');
    const here = await leftBehind(image, { [LABELS.session]: 'deadbeef0002', [LABELS.sessionSocket]: deadSocket, [LABELS.workspace]: '/lambda-dock-it/ws-a' });
    const there = await leftBehind(image, { [LABELS.session]: 'deadbeef0003', [LABELS.sessionSocket]: deadSocket, [LABELS.workspace]: '/lambda-dock-it/ws-b' });
    created.push(here, there);
    const network = await docker.createNetwork({ Name: 'lambda-dock-it-ws-a-network', Labels: { [LABELS.session]: 'deadbeef0002', [LABELS.host]: Session.hostname, [LABELS.sessionSocket]: deadSocket } });
    const report = await host.reapStale({ workspaces: ['/lambda-dock-it/ws-a/'] });
    assert.equal(report.containers.length, 1);
    assert.deepEqual(report.networks, ['lambda-dock-it-ws-a-network']);
    assert.equal(await containerExists(here), false);
    assert.equal(await containerExists(there), true, 'another workspace\'s dead session is left to its own window');
    await assert.rejects(network.inspect(), /404|no such network/i);
  });

  it('stops a container and keeps it, follows its log live, and removes it, through the host', async () => {
    const live = await Session.start();
    try {
      const id = await docker
        .createContainer({
          Image: image,
          Entrypoint: ['/usr/local/bin/node', '-e', "console.log('first'); process.on('SIGTERM', () => { console.log('stopping'); process.exit(0); }); setInterval(() => {}, 1e6);"],
          Labels: { [LABELS.function]: 'Other', [LABELS.host]: Session.hostname, [LABELS.session]: live.id, [LABELS.sessionSocket]: live.livenessSocket },
        })
        .then(async (container) => {
          await container.start();
          return container.id;
        });
      created.push(id);
      let text = '';
      let onText: () => void = () => undefined;
      const following = host.containerLogs(id, { follow: true }, (piece) => {
        text += piece;
        onText();
      });
      await new Promise<void>((resolve) => {
        onText = () => text.includes('first') && resolve();
        onText();
      });
      await host.stopContainer(id);
      await following;
      assert.match(text, /^first\nstopping\n$/, 'the line written after following began arrived too, and the follow ended with the container');
      assert.equal((await docker.getContainer(id).inspect()).State.Running, false);
      assert.equal(await containerExists(id), true, 'Stop keeps the container');
      let tail = '';
      await host.containerLogs(id, { follow: false }, (piece) => (tail += piece));
      assert.equal(tail, 'first\nstopping\n');
      await host.removeContainer(id);
      await host.removeContainer(id);
      assert.equal(await containerExists(id), false);
    } finally {
      await live.dispose();
    }
  });
});
