import * as assert from 'node:assert/strict';
import { HostService, type EngineState } from '../../../src/extension/engine/hostService';
import { InvokeApiService, type InvokeApiFactory } from '../../../src/extension/engine/invokeApiService';
import { DEFAULT_SETTINGS, type LambdaDockSettings } from '../../../src/extension/settingsModel';
import { fakeFactory, FakeHost, quietLog } from './fakes';

describe('HostService', () => {
  let settings: LambdaDockSettings;
  beforeEach(() => {
    settings = { ...DEFAULT_SETTINGS };
  });

  it('does no engine work until a host is asked for, then starts one host for concurrent callers', async () => {
    const factory = fakeFactory();
    const service = new HostService('/ws', () => settings, factory, quietLog);
    const states: string[] = [];
    service.onDidChangeState((s) => states.push(s.kind));
    assert.equal(service.state.kind, 'idle');
    assert.equal(factory.options.length, 0);
    const [a, b] = await Promise.all([service.ensure(), service.ensure()]);
    assert.equal(a, b);
    assert.equal(factory.hosts.length, 1);
    assert.deepEqual(states, ['starting', 'ready']);
    assert.deepEqual(service.state, { kind: 'ready', engine: 'docker', endpoint: '/var/run/docker.sock', isolated: true });
    await service.dispose();
  });

  it('passes the settings to the host: engine, dockerHost, idle timeout in ms, concurrency, images, no process fallback', async () => {
    const factory = fakeFactory();
    settings = { ...settings, engine: 'podman', dockerHost: 'unix:///run/podman/podman.sock', idleTimeoutSeconds: 30, maxConcurrencyPerFunction: 3, standbyInstances: 4, runtimeImages: { 'nodejs20.x': 'img' }, officialImageClient: 'aws' };
    const service = new HostService('/ws', () => settings, factory, quietLog);
    await service.ensure();
    const options = factory.options[0];
    assert.equal(options.workspace, '/ws');
    assert.deepEqual(options.engine, { engine: 'podman', dockerHost: 'unix:///run/podman/podman.sock' });
    assert.equal(options.fallbackToProcess, false);
    assert.equal(options.idleTimeoutMs, 30_000);
    assert.equal(options.maxConcurrencyPerFunction, 3);
    assert.equal(options.standbyInstances, 4);
    assert.deepEqual(options.runtimeImages, { 'nodejs20.x': 'img' });
    assert.equal(options.officialImageClient, 'aws');
    await service.dispose();
  });

  it('reports an unreachable engine as a state with the actionable message, and retries on request', async () => {
    const factory = fakeFactory();
    factory.unreachable = true;
    const service = new HostService('/ws', () => settings, factory, quietLog);
    await assert.rejects(service.ensure(), /No Docker or Podman engine answers/);
    const state = service.state as Extract<EngineState, { kind: 'unreachable' }>;
    assert.equal(state.kind, 'unreachable');
    assert.equal(state.code, 'ENGINE_NOT_FOUND');
    assert.match(state.message, /set lambdaDock.engine/);
    factory.unreachable = false;
    await service.retry();
    assert.equal(service.state.kind, 'ready');
    await service.dispose();
  });

  it('restarts a running host with new settings (old one disposed, restart announced), and leaves an idle one idle', async () => {
    const factory = fakeFactory();
    const idle = new HostService('/ws', () => settings, factory, quietLog);
    await idle.restart();
    assert.equal(factory.hosts.length, 0, 'a restart starts nothing that was not running');

    const service = new HostService('/ws', () => settings, factory, quietLog);
    const restarted: unknown[] = [];
    service.onDidStartSession((host) => restarted.push(host));
    const first = await service.ensure();
    settings = { ...settings, maxConcurrencyPerFunction: 1 };
    await service.restart();
    assert.equal(factory.hosts[0].disposed, true);
    assert.notEqual(service.current, first);
    assert.equal(factory.options[1].maxConcurrencyPerFunction, 1);
    assert.deepEqual(restarted, [first, service.current], 'each session announces itself, the restarted one too');
    await service.dispose();
  });

  it('forwards the host\'s changes, and dispose ends the session', async () => {
    const factory = fakeFactory();
    const service = new HostService('/ws', () => settings, factory, quietLog);
    let changes = 0;
    service.onDidChangeInstances(() => changes++);
    const host = factory.hosts[0] ?? (await service.ensure());
    host.emit('change');
    assert.equal(changes, 1);
    await service.dispose();
    assert.equal(factory.hosts[0].disposed, true);
    assert.equal(factory.hosts[0].backend.disposed, true);
    host.emit('change');
    assert.equal(changes, 1, 'no events after dispose');
  });

  it('fires onDidStart once, for the first host only', async () => {
    const factory = fakeFactory();
    const service = new HostService('/ws', () => settings, factory, quietLog);
    let started = 0;
    service.onDidStart(() => started++);
    await service.ensure();
    await service.restart();
    assert.equal(started, 1);
    await service.dispose();
  });
});

describe('InvokeApiService', () => {
  it('serves the running host on the configured port, follows restarts, and stops at port 0', async () => {
    const events: string[] = [];
    let port = 3001;
    const factory: InvokeApiFactory = ({ port: p }) => ({
      async start() {
        events.push(`start ${p}`);
        return `http://127.0.0.1:${p}`;
      },
      async close() {
        events.push(`close ${p}`);
      },
    });
    const service = new InvokeApiService(factory, () => port, quietLog);
    const host = new FakeHost();
    await service.update(host);
    assert.equal(service.endpoint, 'http://127.0.0.1:3001');
    await service.update(new FakeHost());
    port = 0;
    await service.update(host);
    assert.equal(service.endpoint, undefined);
    assert.deepEqual(events, ['start 3001', 'close 3001', 'start 3001', 'close 3001']);
  });

  it('reports a port in use in the log instead of failing the engine', async () => {
    const log = { ...quietLog, lines: [] as string[] };
    const service = new InvokeApiService(() => ({
      start: () => Promise.reject(new Error('listen EADDRINUSE: address already in use 127.0.0.1:3001')),
      close: async () => undefined,
    }), () => 3001, log);
    await service.update(new FakeHost());
    assert.equal(service.endpoint, undefined);
    assert.ok(log.lines.some((l) => /could not listen on 127.0.0.1:3001: .*EADDRINUSE.*change lambdaDock.invokeApiPort/.test(l)));
  });
});
