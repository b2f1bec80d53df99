import * as assert from 'node:assert/strict';
import { HostService } from '../../../src/extension/engine/hostService';
import { ContainersStore } from '../../../src/extension/model/containersStore';
import { FunctionsStore } from '../../../src/extension/model/functionsStore';
import type { ContainerRecord } from '../../../src/extension/model/records';
import { DEFAULT_SETTINGS } from '../../../src/extension/settingsModel';
import { containerNodes, nestCreated } from '../../../src/extension/views/containerNodes';
import { functionNodes } from '../../../src/extension/views/functionNodes';
import { formatAge } from '../../../src/extension/views/treeNode';
import { DeployService } from '../../../src/extension/workspace/deployService';
import { functionSocketToken, scopeIdOf } from '../../../src/core/sockets';
import { definition, fakeFactory, managed, quietLog, type FakeHost } from './fakes';

const NOW = 1_700_000_100_000;

async function functionsSetup() {
  const factory = fakeFactory();
  const hosts = new HostService('/ws', () => DEFAULT_SETTINGS, factory, quietLog);
  const defs = [definition('Hello', '/ws/hello'), definition('Broken', '/ws/broken'), definition('Image', '/ws/img', { runtime: undefined, image: { uri: 'my/img:1' } })];
  const deploys = new DeployService('/ws', hosts, async () => ({
    functions: defs,
    problems: [{ file: '/ws/template.yaml', line: 9, code: 'WORKSPACE_HANDLER_NOT_FOUND' as const, functionName: 'Broken', message: 'Broken: the handler file app.js is not in broken/' }],
  }), () => ({ prewarm: false }), quietLog);
  const store = new FunctionsStore(deploys, hosts);
  return { factory, hosts, deploys, store };
}

describe('the Functions view', () => {
  it('shows each function with runtime and state, errors with their reason, and contextValues that encode state', async () => {
    const { deploys, store } = await functionsSetup();
    await deploys.deployAll();
    store.refresh();
    const nodes = functionNodes(store.snapshot, NOW);
    assert.deepEqual(nodes.map((n) => [n.id, n.label, n.description, n.contextValue]), [
      ['function:Hello', 'Hello', 'nodejs20.x · deployed', 'function.deployed'],
      ['function:Broken', 'Broken', 'nodejs20.x · error: Broken: the handler file app.js is not in broken/', 'function.error'],
      ['function:Image', 'Image', 'image · deployed', 'function.deployed'],
    ]);
    assert.match(nodes[0].tooltip ?? '', /Defined in \/ws\/hello\/template.yaml:5/);
  });

  it('lists warm instances under their function: state, cold start, invocations, age', async () => {
    const { factory, hosts, deploys, store } = await functionsSetup();
    await deploys.deployAll();
    const host = factory.hosts[0] as FakeHost;
    host.instanceList = [
      { instanceId: 'b2', functionName: 'Hello', fingerprint: 'f', state: 'busy', invocations: 3, coldStartMs: 312.4, startedAt: NOW - 90_000 },
      { instanceId: 'a1', functionName: 'Hello', fingerprint: 'f', state: 'idle', invocations: 1, coldStartMs: 280, startedAt: NOW - 5_000 },
      { instanceId: 'gone', functionName: 'Hello', fingerprint: 'f', state: 'stopped', invocations: 1, startedAt: NOW - 5_000 },
    ];
    let changes = 0;
    store.onDidChange(() => changes++);
    store.refresh();
    assert.equal(changes, 1);
    const hello = functionNodes(store.snapshot, NOW)[0];
    assert.equal(hello.collapsible, 'expanded');
    assert.equal(hello.description, 'nodejs20.x · deployed · 2 instances');
    assert.deepEqual(hello.children?.map((c) => [c.id, c.description, c.contextValue]), [
      ['instance:b2', 'busy · cold start 312 ms · 3 invocations · up 1 min', 'instance.busy'],
      ['instance:a1', 'idle · cold start 280 ms · 1 invocation · up 5 s', 'instance.idle'],
    ]);
    assert.equal(store.instance('a1')?.functionName, 'Hello');
    await hosts.dispose();
  });

  it('keeps listing the functions while the engine is unreachable, under a first line that offers Select Engine', async () => {
    const { factory, hosts, deploys, store } = await functionsSetup();
    await deploys.refreshDiscovery();
    factory.unreachable = true;
    await hosts.ensure().catch(() => undefined);
    store.refresh();
    const nodes = functionNodes(store.snapshot, NOW);
    assert.deepEqual(nodes.map((n) => n.label), ['No container engine is reachable', 'Hello', 'Broken', 'Image']);
    assert.equal(nodes[0].contextValue, 'notice.unreachable');
    assert.equal(nodes[0].command?.command, 'lambdaDock.selectEngine');
    assert.match(nodes[0].tooltip ?? '', /No Docker or Podman engine answers/);
  });

  it('in an untrusted workspace lists the functions under a line that says nothing runs until it is trusted, and starts no engine', async () => {
    const factory = fakeFactory();
    const hosts = new HostService('/ws', () => DEFAULT_SETTINGS, factory, quietLog, false);
    const deploys = new DeployService('/ws', hosts, async () => ({ functions: [definition('Hello', '/ws/hello')], problems: [] }), () => ({ prewarm: false }), quietLog);
    const store = new FunctionsStore(deploys, hosts);
    await deploys.refreshDiscovery();
    await assert.rejects(hosts.ensure(), (error: Error & { code?: string }) => error.code === 'EDITOR_WORKSPACE_UNTRUSTED' && /not trusted/.test(error.message));
    await assert.rejects(deploys.deployAll(), /not trusted/);
    assert.equal(factory.hosts.length, 0, 'no engine session');
    store.refresh();
    const nodes = functionNodes(store.snapshot, NOW);
    assert.deepEqual(nodes.map((n) => [n.label, n.contextValue]), [['This workspace is not trusted', 'notice.untrusted'], ['Hello', 'function.discovered']]);
    assert.equal(nodes[0].command?.command, 'workbench.trust.manage');
    hosts.trust();
    assert.equal(hosts.state.kind, 'idle');
    await hosts.ensure();
    assert.equal(factory.hosts.length, 1);
    await hosts.dispose();
  });

  it('opens the handler on click, and expands a function only when it has instances', async () => {
    const { factory, deploys, store } = await functionsSetup();
    await deploys.deployAll();
    store.refresh();
    const [cold] = functionNodes(store.snapshot, NOW);
    assert.equal(cold.collapsible, 'none');
    assert.deepEqual(cold.command, { command: 'lambdaDock.openHandler', title: 'Open Handler', arguments: ['Hello'] });
    assert.deepEqual(cold.data, { kind: 'function', record: store.function('Hello') });
    (factory.hosts[0] as FakeHost).instanceList = [{ instanceId: 'a1', functionName: 'Hello', fingerprint: 'f', state: 'idle', invocations: 1, startedAt: NOW }];
    store.refresh();
    assert.equal(functionNodes(store.snapshot, NOW)[0].collapsible, 'expanded');
  });

  it('shows discovered functions as not deployed before any deploy, without an engine', async () => {
    const { factory, deploys, store } = await functionsSetup();
    await deploys.refreshDiscovery();
    store.refresh();
    assert.equal(factory.hosts.length, 0);
    assert.equal(functionNodes(store.snapshot, NOW)[0].description, 'nodejs20.x · not deployed');
    assert.equal(functionNodes(store.snapshot, NOW)[0].contextValue, 'function.discovered');
  });
});

describe('the Containers view', () => {
  const ready = { kind: 'ready' as const, engine: 'docker', endpoint: '/var/run/docker.sock', isolated: true };

  it('lists the engine\'s containers grouped by function, marking stale ones and this window\'s own', async () => {
    const factory = fakeFactory();
    const hosts = new HostService('/ws', () => DEFAULT_SETTINGS, factory, quietLog);
    const store = new ContainersStore(hosts, quietLog, () => ['/ws']);
    await store.refresh();
    assert.deepEqual(store.snapshot.containers, [], 'no engine started: nothing listed');

    const host = (await hosts.ensure()) as FakeHost;
    host.backend.containers = [
      managed({ id: 'c1', functionName: 'Hello', labels: { 'lambda-dock.instance': 'i1' } }),
      managed({ id: 'c2', functionName: 'Hello', session: 'dead00000000', stale: true, state: 'exited' }),
      managed({ id: 'c3', functionName: 'Orders', session: 'other0000000', createdAt: new Date(NOW - 3 * 3600_000) }),
    ];
    await store.refresh();
    const nodes = containerNodes(store.snapshot, NOW);
    assert.deepEqual(nodes.map((n) => [n.label, n.description, n.contextValue]), [
      ['Hello', '2 containers · 1 running · 1 stale', 'containerGroup.stale'],
      ['Orders', '1 container · 1 running', 'containerGroup'],
    ]);
    assert.deepEqual(nodes[0].children?.map((c) => [c.id, c.contextValue]), [
      ['container:c1', 'container.running.own'],
      ['container:c2', 'container.stopped.stale'],
    ]);
    assert.match(nodes[0].children![0].description ?? '', /^running · this window · /);
    assert.match(nodes[0].children![1].description ?? '', /^exited · stale \(its session is gone\)/);
    assert.match(nodes[1].children![0].description ?? '', /another session · 3 h old/);
    assert.equal(store.container('c1')?.instanceId, 'i1');
    assert.equal(store.container('c1')?.ownSession, true);
    await hosts.dispose();
  });

  it('marks containers with a scoped Docker socket and nests what they created through it', () => {
    const base = (id: string, extra: Partial<ContainerRecord>): ContainerRecord => ({
      id, name: id, functionName: 'Builder', session: 's1', state: 'running', status: 'Up', image: 'img', createdAt: NOW - 1000, stale: false, ownSession: true, workspace: '/ws', hasDockerSocket: false, ...extra,
    });
    const holder = base('holder', { hasDockerSocket: true, instanceId: 'i1' });
    const otherHolder = base('other-holder', { functionName: 'Other', hasDockerSocket: true, instanceId: 'i2' });
    const child = base('child', { functionName: '', workspace: '', ownSession: false, socketScope: scopeIdOf(functionSocketToken('Builder')) });
    const orphan = base('orphan', { session: 's2', socketScope: 'scope-2' });
    const { roots, createdBy } = nestCreated([otherHolder, holder, child, orphan]);
    assert.deepEqual(roots.map((r) => r.id), ['other-holder', 'holder', 'orphan']);
    assert.deepEqual(createdBy.get('holder')?.map((c) => c.id), ['child'], 'matched by the scope of the holder\'s function');
    assert.equal(createdBy.get('other-holder'), undefined);

    const nodes = containerNodes({ engine: ready, containers: [holder, child], workspaces: ['/ws'], showOtherWorkspaces: false }, NOW);
    const shown = nodes[0].children![0];
    assert.equal(shown.contextValue, 'container.running.socket.own');
    assert.match(shown.description ?? '', /docker socket/);
    assert.equal(shown.collapsible, 'expanded');
    assert.deepEqual(shown.children?.map((c) => [c.id, c.description?.includes('created through a socket')]), [['container:child', true]]);
  });

  it('shows this workspace\'s containers (stale ones too, and what their sockets created); other workspaces\' behind the toggle', async () => {
    const factory = fakeFactory();
    const hosts = new HostService('/ws', () => DEFAULT_SETTINGS, factory, quietLog);
    const store = new ContainersStore(hosts, quietLog, () => ['/ws']);
    const host = (await hosts.ensure()) as FakeHost;
    host.backend.containers = [
      managed({ id: 'mine', functionName: 'Hello', labels: { 'lambda-dock.instance': 'i1' } }),
      managed({ id: 'stale', functionName: 'Hello', session: 'dead00000000', stale: true }),
      managed({ id: 'made', functionName: '', session: 'dead00000000', labels: { 'lambda-dock.workspace': '', 'lambda-dock.io/scope': 'x' } }),
      managed({ id: 'theirs', functionName: 'Orders', session: 'other0000000', labels: { 'lambda-dock.workspace': '/elsewhere' } }),
    ];
    await store.refresh();
    const ids = (nodes: ReturnType<typeof containerNodes>): string[] => nodes.flatMap((n) => [n.id, ...ids(n.children ?? [])]);
    assert.deepEqual(ids(containerNodes(store.snapshot, NOW)), ['containers-of:(no function)', 'container:made', 'containers-of:Hello', 'container:mine', 'container:stale']);
    store.setShowOtherWorkspaces(true);
    const all = containerNodes(store.snapshot, NOW);
    assert.equal(all.at(-1)?.label, 'Other workspaces');
    assert.deepEqual(ids(all.at(-1)?.children ?? []), ['containers-of:other:Orders', 'container:theirs']);
    await hosts.dispose();
  });

  it('keeps the last list and says why when listing fails', async () => {
    const factory = fakeFactory();
    const hosts = new HostService('/ws', () => DEFAULT_SETTINGS, factory, quietLog);
    const store = new ContainersStore(hosts, quietLog);
    const host = (await hosts.ensure()) as FakeHost;
    host.backend.containers = [managed({ id: 'c1' })];
    await store.refresh();
    host.backend.listFailure = new Error('connect ECONNREFUSED /var/run/docker.sock');
    await store.refresh();
    assert.equal(store.snapshot.containers.length, 1);
    assert.match(store.snapshot.error ?? '', /ECONNREFUSED/);
    await hosts.dispose();
  });

  it('coalesces overlapping refreshes into one more listing', async () => {
    const factory = fakeFactory();
    const hosts = new HostService('/ws', () => DEFAULT_SETTINGS, factory, quietLog);
    const store = new ContainersStore(hosts, quietLog);
    const host = (await hosts.ensure()) as FakeHost;
    let listings = 0;
    const list = host.backend.listManaged.bind(host.backend);
    host.backend.listManaged = async () => {
      listings++;
      return list();
    };
    await Promise.all([store.refresh(), store.refresh(), store.refresh()]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(listings, 2);
    await hosts.dispose();
  });
});

describe('ages', () => {
  it('reads like a person would say it', () => {
    assert.equal(formatAge(42_000), '42 s');
    assert.equal(formatAge(5 * 60_000 + 10_000), '5 min');
    assert.equal(formatAge(3 * 3600_000), '3 h');
    assert.equal(formatAge(50 * 3600_000), '2 d');
    assert.equal(formatAge(-5), '0 s');
  });
});
