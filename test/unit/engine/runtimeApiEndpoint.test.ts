import * as assert from 'node:assert/strict';
import { chooseRuntimeApiEndpoint, type EndpointFacts } from '../../../src/core/engine/runtimeApiEndpoint';

const facts = (overrides: Partial<EndpointFacts>): EndpointFacts => ({
  kind: 'docker',
  endpoint: '/var/run/docker.sock',
  local: true,
  rootless: async () => false,
  gateway: async () => ({ address: '172.18.0.1', bindable: true }),
  ...overrides,
});

describe('where Runtime APIs listen and whom they serve', () => {
  it('a local rootful engine: the instances\' gateway, by address', async () => {
    assert.deepEqual(await chooseRuntimeApiEndpoint(facts({})), { bindAddress: '172.18.0.1', advertisedHost: '172.18.0.1', identity: { kind: 'address' } });
  });

  it('Podman before its bridge is up: the gateway, else every address, still by address', async () => {
    const endpoint = await chooseRuntimeApiEndpoint(facts({ kind: 'podman', gateway: async () => ({ address: '10.89.0.1', bindable: false }) }));
    assert.deepEqual(endpoint, { bindAddress: '10.89.0.1', fallbackBindAddress: '0.0.0.0', advertisedHost: '10.89.0.1', identity: { kind: 'address' } });
  });

  it('Docker whose bridge is not on this machine (Desktop, a VM): loopback, unverified, and says why', async () => {
    const endpoint = await chooseRuntimeApiEndpoint(facts({ gateway: async () => ({ address: '172.18.0.1', bindable: false }) }));
    assert.equal(endpoint.bindAddress, '127.0.0.1');
    assert.equal(endpoint.advertisedHost, 'host.docker.internal');
    assert.equal(endpoint.identity.kind, 'unverified');
    assert.match(endpoint.identity.kind === 'unverified' ? endpoint.identity.reason : '', /not on this machine \(Docker Desktop or another engine in a VM\)/);
  });

  it('a rootless engine or a remote one: unverified, without asking for the network of a remote one', async () => {
    const rootless = await chooseRuntimeApiEndpoint(facts({ kind: 'podman', rootless: async () => true }));
    assert.equal(rootless.advertisedHost, 'host.containers.internal');
    assert.match(rootless.identity.kind === 'unverified' ? rootless.identity.reason : '', /rootless/);
    const remote = await chooseRuntimeApiEndpoint(facts({ local: false, endpoint: 'tcp://10.0.0.5:2375', rootless: () => assert.fail('not asked'), gateway: () => assert.fail('not asked') }));
    assert.match(remote.identity.kind === 'unverified' ? remote.identity.reason : '', /tcp:\/\/10\.0\.0\.5:2375 runs on another machine/);
  });

  it('LAMBDA_DOCK_RUNTIME_API_HOST set by hand: as before (every address unless told), and says it is unverified', async () => {
    const endpoint = await chooseRuntimeApiEndpoint(facts({ override: { host: '192.168.5.2' }, gateway: () => assert.fail('not asked') }));
    assert.deepEqual([endpoint.bindAddress, endpoint.advertisedHost, endpoint.identity.kind], ['0.0.0.0', '192.168.5.2', 'unverified']);
    assert.equal((await chooseRuntimeApiEndpoint(facts({ override: { host: 'h', bind: '192.168.5.2' } }))).bindAddress, '192.168.5.2');
  });
});
