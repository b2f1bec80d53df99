import * as assert from 'node:assert/strict';
import { INSTANCE_NETWORK } from '../../../src/core/engine/instanceNetwork';
import type { FunctionHost } from '../../../src/core/runtime/functionHost';
import { docker, json, makeFunction, parse, startDockerHost } from '../support/engine';

/**
 * Instances share one network, but not one another: what one instance listens on (a debugged instance's
 * inspector, a function's own server) is out of every other instance's reach, as Lambda's sandboxes are.
 */
describe('the instances\' network keeps instances from reaching one another (Docker)', function () {
  let host: FunctionHost;

  // Listens on a port of its own from init, and tries to connect to the address and port it is given.
  const handler = `const net = require('node:net');
    const os = require('node:os');
    const server = net.createServer((socket) => socket.end('hello')).listen(7070);
    const address = () => Object.values(os.networkInterfaces()).flat().find((i) => i.family === 'IPv4' && !i.internal).address;
    const probe = (target) => new Promise((resolve) => {
      const socket = net.connect({ host: target, port: 7070, timeout: 2000 });
      socket.once('data', (data) => { resolve('connected: ' + data); socket.destroy(); });
      socket.once('timeout', () => { resolve('cut off (no answer)'); socket.destroy(); });
      socket.once('error', (error) => resolve('cut off (' + error.code + ')'));
    });
    exports.handler = async (event) => ({ address: address(), probe: event.target ? await probe(event.target) : undefined });`;
  const listener = makeFunction('NetListener', { 'app.js': handler }, { timeoutSeconds: 15 });
  const prober = makeFunction('NetProber', { 'app.js': handler }, { timeoutSeconds: 15 });

  before(async () => {
    host = await startDockerHost();
    await host.deploy([listener, prober]);
  });
  after(async () => host?.dispose());

  it('is made with inter-container traffic off', async () => {
    await host.invoke('NetListener', json({}));
    const network = await docker.getNetwork(INSTANCE_NETWORK).inspect();
    assert.equal(network.Options?.['com.docker.network.bridge.enable_icc'], 'false');
  });

  it('an instance reaches its own port, another instance cannot reach it', async () => {
    const own = parse((await host.invoke('NetListener', json({}))).payload) as { address: string };
    const self = parse((await host.invoke('NetListener', json({ target: own.address }))).payload) as { probe: string };
    assert.equal(self.probe, 'connected: hello', 'the probe works: an instance reaches what it serves itself');
    const probed = await host.invoke('NetProber', json({ target: own.address }));
    assert.equal(probed.status, 'ok', probed.payload.toString());
    const other = parse(probed.payload) as { address: string; probe: string };
    assert.notEqual(other.address, own.address);
    assert.match(other.probe, /^cut off/, `another instance reached ${own.address}:7070`);
  });
});
