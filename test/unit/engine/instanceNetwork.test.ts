import * as assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { LABELS } from '../../../src/core/engine/backend';
import { ensureInstanceNetwork, INSTANCE_NETWORK } from '../../../src/core/engine/instanceNetwork';

interface FakeNetwork {
  Id: string;
  Name: string;
  Labels: Record<string, string>;
  Options: Record<string, string>;
  IPAM: { Config: Array<{ Subnet: string; Gateway: string }> };
}

/** An engine's network calls, enough for ensureInstanceNetwork: what exists, what it was asked to do. */
function fakeEngine(names: string[], removable = true) {
  const calls: string[] = [];
  const network = (name: string, options: Record<string, string> = {}): FakeNetwork => ({
    Id: name,
    Name: name,
    Labels: { [LABELS.network]: 'instances' },
    Options: options,
    IPAM: { Config: [{ Subnet: '10.9.0.0/16', Gateway: '10.9.0.1' }] },
  });
  let networks = names.map((name) => network(name));
  const docker = {
    listNetworks: async () => networks,
    getNetwork: (id: string) => ({
      inspect: async () => networks.find((n) => n.Id === id),
      remove: async () => {
        calls.push(`remove ${id}`);
        if (!removable) throw Object.assign(new Error('has active endpoints'), { statusCode: 403 });
        networks = networks.filter((n) => n.Id !== id);
      },
    }),
    createNetwork: async (options: { Name: string; Options?: Record<string, string> }) => {
      calls.push(`create ${options.Name} ${JSON.stringify(options.Options ?? {})}`);
      networks.push(network(options.Name, options.Options));
    },
  } as unknown as Docker;
  return { docker, calls };
}

describe('the instances\' network: made with members cut off from one another where the engine can', () => {
  const icc = '{"com.docker.network.bridge.enable_icc":"false"}';

  it('makes it with inter-container traffic off on Docker, without the option on Podman (netavark has none)', async () => {
    const docker = fakeEngine([]);
    assert.deepEqual(await ensureInstanceNetwork(docker.docker, { isolateMembers: true }), { id: INSTANCE_NETWORK, name: INSTANCE_NETWORK, gateway: '10.9.0.1' });
    assert.deepEqual(docker.calls, [`create ${INSTANCE_NETWORK} ${icc}`]);
    const podman = fakeEngine([]);
    await ensureInstanceNetwork(podman.docker, { isolateMembers: false });
    assert.deepEqual(podman.calls, [`create ${INSTANCE_NETWORK} {}`]);
  });

  it('gives up an earlier version\'s network (lambda-dock-instances, members not isolated): removed where nothing holds it, else left', async () => {
    const idle = fakeEngine(['lambda-dock-instances']);
    assert.equal((await ensureInstanceNetwork(idle.docker, { isolateMembers: true })).name, INSTANCE_NETWORK);
    assert.deepEqual(idle.calls, ['remove lambda-dock-instances', `create ${INSTANCE_NETWORK} ${icc}`]);
    const held = fakeEngine(['lambda-dock-instances'], false);
    assert.equal((await ensureInstanceNetwork(held.docker, { isolateMembers: true })).name, INSTANCE_NETWORK, 'a session of that version still runs on it');
  });

  it('uses the network it made before as it is', async () => {
    const ready = fakeEngine([INSTANCE_NETWORK]);
    assert.equal((await ensureInstanceNetwork(ready.docker, { isolateMembers: true })).name, INSTANCE_NETWORK);
    assert.deepEqual(ready.calls, []);
  });
});
