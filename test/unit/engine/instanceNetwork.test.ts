import * as assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { LABELS } from '../../../src/core/engine/backend';
import { ensureInstanceNetwork, INSTANCE_NETWORK } from '../../../src/core/engine/instanceNetwork';

/** An engine's network calls, enough for ensureInstanceNetwork: what exists, what it was asked to do. */
function fakeEngine(network?: { options?: Record<string, string>; members?: number; removeStatus?: number }) {
  const calls: string[] = [];
  let current = network ? { Id: 'old', Name: INSTANCE_NETWORK, Labels: { [LABELS.network]: 'instances' }, Options: network.options ?? {}, Containers: Object.fromEntries(Array.from({ length: network.members ?? 0 }, (_, i) => [`c${i}`, {}])), IPAM: { Config: [{ Subnet: '10.9.0.0/16', Gateway: '10.9.0.1' }] } } : undefined;
  const docker = {
    listNetworks: async () => (current ? [current] : []),
    getNetwork: (id: string) => ({
      inspect: async () => current,
      remove: async () => {
        calls.push(`remove ${id}`);
        if (network?.removeStatus) throw Object.assign(new Error('has active endpoints'), { statusCode: network.removeStatus });
        current = undefined;
      },
    }),
    createNetwork: async (options: { Options?: Record<string, string> }) => {
      calls.push(`create ${JSON.stringify(options.Options ?? {})}`);
      current = { Id: 'new', Name: INSTANCE_NETWORK, Labels: { [LABELS.network]: 'instances' }, Options: options.Options ?? {}, Containers: {}, IPAM: { Config: [{ Subnet: '10.9.0.0/16', Gateway: '10.9.0.1' }] } };
    },
  } as unknown as Docker;
  return { docker, calls };
}

describe('the instances\' network: made with members cut off from one another where the engine can', () => {
  const isolate = { isolateMembers: true };
  const icc = '{"com.docker.network.bridge.enable_icc":"false"}';

  it('makes it with inter-container traffic off on Docker, without the option on Podman (netavark has none)', async () => {
    const docker = fakeEngine();
    assert.equal((await ensureInstanceNetwork(docker.docker, isolate)).gateway, '10.9.0.1');
    assert.deepEqual(docker.calls, [`create ${icc}`]);
    const podman = fakeEngine();
    await ensureInstanceNetwork(podman.docker, { isolateMembers: false });
    assert.deepEqual(podman.calls, ['create {}']);
  });

  it('makes an earlier version\'s network again once no instance is on it, and keeps it (saying so) while one is', async () => {
    const idle = fakeEngine({ members: 0 });
    assert.equal((await ensureInstanceNetwork(idle.docker, isolate)).id, 'new');
    assert.deepEqual(idle.calls, ['remove old', `create ${icc}`]);

    const logged: string[] = [];
    const busy = fakeEngine({ members: 2 });
    assert.equal((await ensureInstanceNetwork(busy.docker, { ...isolate, log: { info: (m) => logged.push(m) } })).id, 'old');
    assert.deepEqual(busy.calls, []);
    assert.match(logged[0], /lets instances reach one another; it is made again with that cut off once no instance uses it/);

    const joined = fakeEngine({ members: 0, removeStatus: 403 });
    assert.equal((await ensureInstanceNetwork(joined.docker, isolate)).id, 'old', 'another session\'s instance joined it meanwhile');
  });

  it('uses a network that already cuts members off as it is', async () => {
    const ready = fakeEngine({ options: { 'com.docker.network.bridge.enable_icc': 'false' }, members: 3 });
    assert.equal((await ensureInstanceNetwork(ready.docker, isolate)).id, 'old');
    assert.deepEqual(ready.calls, []);
  });
});
