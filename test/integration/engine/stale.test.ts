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
});
