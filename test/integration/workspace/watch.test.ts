import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deployFixture, json, nextDeploy, parse, type DeployedWorkspace } from './support';

describe('watching a workspace', () => {
  let ws: DeployedWorkspace | undefined;
  afterEach(async () => {
    await ws?.dispose();
    ws = undefined;
  });

  it('rebuilds only the TypeScript function whose file was saved; the next invoke returns the new result, warm', async () => {
    ws = await deployFixture('sam-hello-ts', { prewarm: true });
    await ws.deployer.watch();
    const before = await ws.host.invoke('HelloWorldFunction', json({}));
    assert.equal(JSON.parse((parse(before.payload) as { body: string }).body).message, 'hello world');

    const greeting = path.join(ws.dir, 'hello-world', 'greeting.ts');
    const redeployed = nextDeploy(ws.deployer);
    fs.writeFileSync(greeting, fs.readFileSync(greeting, 'utf8').replace('hello ${name}', 'howdy ${name}'));
    const report = await redeployed;
    assert.equal(report.reason, 'watch');
    assert.deepEqual(report.changedFiles, ['hello-world/greeting.ts']);
    assert.deepEqual(report.functions.map((f) => [f.name, f.change, f.incremental]), [['HelloWorldFunction', 'changed', true]]);
    assert.ok(report.functions[0].prewarmMs! > 0);

    const after = await ws.host.invoke('HelloWorldFunction', json({}));
    assert.equal(JSON.parse((parse(after.payload) as { body: string }).body).message, 'howdy world');
    assert.equal(after.coldStart, false, 'pre-warm started an instance of the new code');
    assert.notEqual(after.instanceId, before.instanceId);
  });

  it('redeploys a JavaScript function after a save, and a template change reaches only what it changed', async () => {
    ws = await deployFixture('sam-globals');
    await ws.deployer.watch();
    const handler = path.join(ws.dir, 'orders', 'index.js');
    let redeployed = nextDeploy(ws.deployer);
    fs.writeFileSync(handler, "exports.handler = async () => ({ orders: ['new'] });\n");
    let report = await redeployed;
    assert.deepEqual(report.functions.map((f) => [f.name, f.change]), [['OrdersFunction', 'changed']]);
    assert.deepEqual(parse((await ws.host.invoke('OrdersFunction', json({}))).payload), { orders: ['new'] });

    const template = path.join(ws.dir, 'template.yaml');
    redeployed = nextDeploy(ws.deployer);
    fs.writeFileSync(template, fs.readFileSync(template, 'utf8').replace('SHARED: from-globals', 'SHARED: edited'));
    report = await redeployed;
    const changes = Object.fromEntries(report.functions.map((f) => [f.name, f.change]));
    assert.equal(changes.GreetFunction, 'changed');
    assert.equal(changes.OrdersFunction, 'unchanged');
    assert.equal((parse((await ws.host.invoke('GreetFunction', json({}))).payload) as { shared: string }).shared, 'edited');
  });

  it('an invoke while the last build failed fails with that build error and its line, never the last good build; the next good save recovers', async () => {
    ws = await deployFixture('sam-hello-ts');
    await ws.deployer.watch();
    const app = path.join(ws.dir, 'hello-world', 'app.ts');
    const good = fs.readFileSync(app, 'utf8');
    let redeployed = nextDeploy(ws.deployer);
    fs.writeFileSync(app, good.replace('return {', 'return {{'));
    let report = await redeployed;
    assert.equal(report.functions[0].change, 'failed');
    assert.match(report.functions[0].error ?? '', /app\.ts:\d+:\d+/);
    const line = good.split('\n').findIndex((l) => l.includes('return {')) + 1;
    await assert.rejects(ws.host.invoke('HelloWorldFunction', json({})), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'BUILD_FAILED');
      assert.match(error.message, new RegExp(`^HelloWorldFunction was not run because its last build failed \\(its last good build is not used\\): HelloWorldFunction does not build: app\\.ts:${line}:\\d+: `));
      return true;
    });
    redeployed = nextDeploy(ws.deployer);
    fs.writeFileSync(app, good.replace("'world'", "'again'"));
    report = await redeployed;
    assert.equal(report.functions[0].change, 'changed');
    assert.match((parse((await ws.host.invoke('HelloWorldFunction', json({}))).payload) as { body: string }).body, /hello again/);
  });

  it('picks up files changed outside the editor as a save is: a git checkout of another branch', async () => {
    ws = await deployFixture('sam-globals');
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: ws!.dir, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-qm', 'one');
    git('checkout', '-qb', 'other');
    fs.writeFileSync(path.join(ws.dir, 'orders', 'index.js'), "exports.handler = async () => ({ orders: ['from the other branch'] });\n");
    git('commit', '-qam', 'two');
    git('checkout', '-q', 'main');
    await ws.deployer.watch();
    const redeployed = nextDeploy(ws.deployer);
    git('checkout', '-q', 'other');
    const report = await redeployed;
    assert.deepEqual(report.changedFiles, [path.join('orders', 'index.js')], 'nothing under .git is reported');
    assert.deepEqual(report.functions.map((f) => [f.name, f.change]), [['OrdersFunction', 'changed']]);
    assert.deepEqual(parse((await ws.host.invoke('OrdersFunction', json({}))).payload), { orders: ['from the other branch'] });
  });

  it('notices a dependency install in a function\'s folder once, not file by file, and runs with what it installed', async () => {
    ws = await deployFixture('npm-deps');
    await ws.deployer.watch();
    const fnDir = path.join(ws.dir, 'install-fn');
    const redeployed = nextDeploy(ws.deployer, 120_000);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--omit=dev'], { cwd: fnDir, stdio: 'pipe' });
    const report = await redeployed;
    // A new node_modules is reported as that folder (an install into an existing one, as the packages it touched).
    assert.ok(report.changedFiles.includes(path.join('install-fn', 'node_modules')), report.changedFiles.join(', '));
    assert.ok(report.changedFiles.every((file) => !/node_modules\/.+\//.test(file)), `not file by file: ${report.changedFiles.join(', ')}`);
    assert.deepEqual(report.functions.map((f) => [f.name, f.change]), [['InstallFunction', 'changed']]);
    const result = await ws.host.invoke('InstallFunction', json({ value: 1 }));
    assert.deepEqual(parse(result.payload), { isNumber: true, devDependencyPackaged: false });
  });
});
