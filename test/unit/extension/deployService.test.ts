import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Discovery } from '../../../src/core/workspace';
import { HostService } from '../../../src/extension/engine/hostService';
import { DEFAULT_SETTINGS } from '../../../src/extension/settingsModel';
import { affectedFunctions } from '../../../src/extension/workspace/affected';
import { DeployService } from '../../../src/extension/workspace/deployService';
import { BuildError } from '../../../src/core/workspace/errors';
import { definition, fakeFactory, quietLog, type FakeHost } from './fakes';

const ws = '/ws';

function setup(discovery: Discovery, options = { prewarm: false }) {
  const factory = fakeFactory();
  const hosts = new HostService(ws, () => DEFAULT_SETTINGS, factory, quietLog);
  let current = discovery;
  let discoveries = 0;
  const service = new DeployService(ws, hosts, async () => {
    discoveries++;
    return current;
  }, () => options, quietLog);
  return {
    service,
    hosts,
    factory,
    host: () => factory.hosts[0] as FakeHost,
    setDiscovery: (d: Discovery) => (current = d),
    discoveries: () => discoveries,
  };
}

describe('DeployService', () => {
  const hello = definition('Hello', path.join(ws, 'hello'));
  const orders = definition('Orders', path.join(ws, 'orders'));

  it('discovers without starting the engine', async () => {
    const t = setup({ functions: [hello, orders], problems: [] });
    await t.service.refreshDiscovery();
    assert.deepEqual(t.service.definitions.map((d) => d.name), ['Hello', 'Orders']);
    assert.equal(t.factory.hosts.length, 0);
    assert.deepEqual(t.service.state('Hello'), { kind: 'discovered' });
  });

  it('reads the workspace once when several callers ask for it at once', async () => {
    const t = setup({ functions: [hello, orders], problems: [] });
    let changes = 0;
    t.service.onDidChange(() => changes++);
    await Promise.all([t.service.ensureDiscovered(), t.service.ensureDiscovered(), t.service.ensureDiscovered()]);
    assert.equal(t.discoveries(), 1);
    assert.equal(changes, 1);
    await t.service.deployFunctions(['Hello']);
    assert.equal(t.discoveries(), 1, 'deploying a function does not read the workspace again');
  });

  it('ends its "deploying" state (status bar spinner, building items) when a deploy throws part-way', async () => {
    const t = setup({ functions: [hello, orders], problems: [] });
    await t.service.deployAll();
    // Orders leaves the workspace and Hello no longer builds: removing Orders redeploys Hello, which throws.
    t.setDiscovery({ functions: [hello], problems: [] });
    t.host().failPackaging.add('Hello');
    const seen: boolean[] = [];
    t.service.onDidChange(() => seen.push(t.service.running));
    await assert.rejects(t.service.deployAll(), /Expected ";"/);
    assert.equal(t.service.running, false);
    assert.equal(seen.at(-1), false, 'the last change told the status bar the deploy is over');
    assert.equal(t.service.state('Hello').kind, 'error', 'no item is left reading "building"');
  });

  it('deploys every function on its own, so one that fails leaves the others deployed', async () => {
    const t = setup({ functions: [hello, orders], problems: [] });
    await t.hosts.ensure();
    t.host().failPackaging.add('Orders');
    const states: string[] = [];
    t.service.onDidChange(() => states.push(`${t.service.state('Hello').kind}/${t.service.state('Orders').kind}`));
    const outcome = await t.service.deployAll();
    assert.deepEqual(outcome.deployed, ['Hello']);
    assert.equal(outcome.failed[0].name, 'Orders');
    assert.match(outcome.failed[0].error, /Expected ";"/);
    assert.deepEqual(t.host().deployCalls, [['Hello'], ['Orders']]);
    assert.equal(t.service.state('Hello').kind, 'deployed');
    assert.equal(t.service.state('Orders').kind, 'error');
    assert.ok(states.includes('building/building'), 'both show building while the deploy runs');
  });

  it('refuses to deploy a function whose handler file is missing, with discovery\'s message', async () => {
    const t = setup({
      functions: [hello],
      problems: [{ file: '/ws/template.yaml', line: 7, code: 'WORKSPACE_HANDLER_NOT_FOUND', functionName: 'Hello', message: 'Hello: the handler file app.js is not in hello/' }],
    });
    const outcome = await t.service.deployAll();
    assert.deepEqual(outcome.deployed, []);
    assert.deepEqual(t.service.state('Hello'), { kind: 'error', reason: 'Hello: the handler file app.js is not in hello/' });
    assert.deepEqual(t.host().deployCalls, []);
  });

  it('removes functions that left the workspace from the engine', async () => {
    const t = setup({ functions: [hello, orders], problems: [] });
    await t.service.deployAll();
    t.setDiscovery({ functions: [hello], problems: [] });
    const outcome = await t.service.deployAll();
    assert.deepEqual(outcome.removed, ['Orders']);
    assert.deepEqual(t.host().functions().map((d) => d.name), ['Hello']);
  });

  it('on save redeploys only the affected deployed function, and never starts the engine', async () => {
    const t = setup({ functions: [hello, orders], problems: [] });
    assert.equal(await t.service.deployForSave('/ws/hello/app.js'), undefined);
    assert.equal(t.factory.hosts.length, 0, 'a save before any deploy starts no engine');

    await t.service.deployAll();
    t.host().deployCalls = [];
    const outcome = await t.service.deployForSave('/ws/hello/app.js');
    assert.equal(outcome?.reason, 'save');
    assert.deepEqual(outcome?.deployed, ['Hello']);
    assert.deepEqual(t.host().deployCalls, [['Hello']]);
    assert.equal(await t.service.deployForSave('/ws/README.md'), undefined);
  });

  it('on a template save discovers again and redeploys the workspace', async () => {
    const t = setup({ functions: [hello], problems: [] });
    await t.service.deployAll();
    const before = t.discoveries();
    t.setDiscovery({ functions: [hello, orders], problems: [] });
    const outcome = await t.service.deployForSave('/ws/template.yaml');
    assert.equal(t.discoveries(), before + 1);
    assert.deepEqual(outcome?.deployed, ['Hello', 'Orders']);
  });

  it('on a save of an OpenAPI file the definitions were read from (DefinitionUri) discovers again', async () => {
    const t = setup({ functions: [hello], problems: [], definitionFiles: ['/ws/api/openapi.yaml'] });
    await t.service.deployAll();
    const before = t.discoveries();
    const outcome = await t.service.deployForSave('/ws/api/openapi.yaml');
    assert.equal(t.discoveries(), before + 1);
    assert.deepEqual(outcome?.deployed, ['Hello']);
    assert.equal(await t.service.deployForSave('/ws/api/other.yaml'), undefined, 'another YAML file is nobody\'s');
  });

  it('deploys every function to a new session without starting instances, whatever prewarm says', async () => {
    const t = setup({ functions: [hello, orders], problems: [] }, { prewarm: true });
    await t.hosts.ensure();
    const fresh = t.factory.hosts[0];
    const outcome = await t.service.deployOnStart(fresh);
    assert.equal(outcome?.reason, 'start');
    assert.deepEqual(fresh.functions().map((d) => d.name), ['Hello', 'Orders']);
    assert.deepEqual(fresh.prewarmed, [], 'nothing started');
    assert.equal(t.service.state('Hello').kind, 'deployed');
    assert.equal(await t.service.deployOnStart(fresh), undefined, 'a session something deployed to already is left as it is');
  });
});

describe('affectedFunctions', () => {
  const a = definition('A', '/ws/a');
  const b = definition('B', '/ws/b', { layers: [{ name: 'shared', dir: '/ws/layers/shared' }] });
  const ts = definition('T', '/cache/build/t', { build: { sourceDir: '/ws/t' } });

  it('maps a file to the functions whose code, sources or layers hold it', () => {
    assert.deepEqual(affectedFunctions('/ws/a/index.js', [a, b, ts]), ['A']);
    assert.deepEqual(affectedFunctions('/ws/layers/shared/nodejs/util.js', [a, b, ts]), ['B']);
    assert.deepEqual(affectedFunctions('/ws/t/src/app.ts', [a, b, ts]), ['T']);
    assert.deepEqual(affectedFunctions('/ws/ab/index.js', [a, b, ts]), [], 'a sibling folder with a common prefix is not inside');
    assert.deepEqual(affectedFunctions('/ws/a/.lambda-dock/events/A/x.json', [a]), []);
  });

  it("maps a saved .py file (or requirements.txt) to its Python function, built from its source folder", () => {
    const py = definition('Py', '/cache/build/py', { runtime: 'python3.12', build: { sourceDir: '/ws/py', pipRequirements: '/ws/py/requirements.txt' } });
    const custom = definition('Custom', '/ws/custom', { runtime: 'provided.al2023', handler: 'bootstrap' });
    assert.deepEqual(affectedFunctions('/ws/py/pkg/orders.py', [a, py, custom]), ['Py']);
    assert.deepEqual(affectedFunctions('/ws/py/requirements.txt', [a, py, custom]), ['Py']);
    assert.deepEqual(affectedFunctions('/ws/custom/bootstrap', [a, py, custom]), ['Custom']);
  });

  it('treats project files as affecting everything', () => {
    assert.equal(affectedFunctions('/ws/template.yaml', [a]), 'all');
    assert.equal(affectedFunctions('/ws/sub/serverless.yml', [a]), 'all');
    assert.equal(affectedFunctions('/ws/lambda-dock.json', [a]), 'all');
  });
});

describe('DeployService with a build step', () => {
  it('deploys what the packager built, and redeploys when a bundle input outside the function\'s folder is saved', async () => {
    const factory = fakeFactory();
    const hosts = new HostService(ws, () => DEFAULT_SETTINGS, factory, quietLog);
    const typed = definition('Typed', '/ws/.cache/typed', { build: { sourceDir: '/ws/typed' } });
    const packaged: string[] = [];
    const service = new DeployService(ws, hosts, async () => ({ functions: [typed], problems: [] }), () => ({ prewarm: false }), quietLog, {
      async package(d) {
        packaged.push(d.name);
        return { definition: { ...d, codeDir: '/cache/content/abc' }, inputs: ['/ws/shared/greeting.ts'] };
      },
      dispose: async () => undefined,
    });
    await service.deployAll();
    const host = factory.hosts[0] as FakeHost;
    assert.equal(host.functions()[0].codeDir, '/cache/content/abc');
    const outcome = await service.deployForSave('/ws/shared/greeting.ts');
    assert.deepEqual(outcome?.deployed, ['Typed']);
    assert.deepEqual(packaged, ['Typed', 'Typed']);
  });

  it('a build that fails makes the deployed function answer with that failure, until a build succeeds', async () => {
    const factory = fakeFactory();
    const hosts = new HostService(ws, () => DEFAULT_SETTINGS, factory, quietLog);
    const typed = definition('Typed', '/ws/.cache/typed', { build: { sourceDir: '/ws/typed' } });
    let broken = false;
    const service = new DeployService(ws, hosts, async () => ({ functions: [typed], problems: [] }), () => ({ prewarm: false }), quietLog, {
      async package(d) {
        if (broken) throw new BuildError('Typed does not build: app.ts:3:7: Unexpected "}"', undefined, { file: '/ws/typed/app.ts', line: 3 });
        return { definition: { ...d, codeDir: '/cache/content/abc' }, inputs: [] };
      },
      dispose: async () => undefined,
    });
    await service.deployAll();
    const host = factory.hosts[0] as FakeHost;
    assert.equal((await host.invoke('Typed', Buffer.from('{}'))).status, 'ok');
    broken = true;
    const outcome = await service.deployForSave('/ws/typed/app.ts');
    assert.deepEqual(outcome?.failed.map((f) => f.name), ['Typed']);
    assert.deepEqual(host.buildFailureOf('Typed'), { message: 'Typed does not build: app.ts:3:7: Unexpected "}"', file: '/ws/typed/app.ts', line: 3 });
    await assert.rejects(host.invoke('Typed', Buffer.from('{}')), /^LambdaDockError: Typed was not run because its last build failed \(its last good build is not used\): Typed does not build: app\.ts:3:7/);
    broken = false;
    await service.deployForSave('/ws/typed/app.ts');
    assert.equal(host.buildFailureOf('Typed'), undefined);
    assert.equal((await host.invoke('Typed', Buffer.from('{}'))).status, 'ok');
  });

  it('a save of the env-vars file discovers again and redeploys every function', async () => {
    const factory = fakeFactory();
    const hosts = new HostService(ws, () => DEFAULT_SETTINGS, factory, quietLog);
    const hello = definition('Hello', '/ws/hello');
    let discoveries = 0;
    const service = new DeployService(ws, hosts, async () => {
      discoveries++;
      return { functions: [hello], problems: [] };
    }, () => ({ prewarm: false, envVarsFile: '/ws/env.json' }), quietLog);
    await service.deployAll();
    const outcome = await service.deployForSave('/ws/env.json');
    assert.equal(discoveries, 2);
    assert.deepEqual(outcome?.deployed, ['Hello']);
    assert.equal(await service.deployForSave('/ws/other.json'), undefined);
  });
});
