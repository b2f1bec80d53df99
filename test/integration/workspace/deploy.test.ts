import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { docker, sessionContainers, startDockerHost } from '../support/engine';
import { copyFixture, deployFixture, json, parse, type DeployedWorkspace } from './support';
import { WorkspaceDeployer } from '../../../src/core/workspace/workspaceDeployer';
import { DockerBackend } from '../../../src/core/engine/dockerBackend';

describe('deploying workspace fixtures to the engine', () => {
  let ws: DeployedWorkspace | undefined;
  afterEach(async () => {
    await ws?.dispose();
    ws = undefined;
  });

  it('runs the SAM hello world in JavaScript', async () => {
    ws = await deployFixture('sam-hello-js');
    assert.deepEqual(ws.report.functions.map((f) => [f.name, f.change]), [['HelloWorldFunction', 'added']]);
    const result = await ws.host.invoke('HelloWorldFunction', json({}));
    assert.equal(result.status, 'ok', result.logs);
    const body = JSON.parse((parse(result.payload) as { body: string }).body) as { message: string; requestId: string };
    assert.equal(body.message, 'hello world');
    assert.equal(body.requestId, result.requestId);
  });

  it('builds and runs the SAM hello world in TypeScript, with stack traces at the .ts line', async () => {
    ws = await deployFixture('sam-hello-ts');
    const [fn] = ws.report.functions;
    assert.equal(fn.change, 'added');
    assert.equal(fn.incremental, false);
    const ok = await ws.host.invoke('HelloWorldFunction', json({ queryStringParameters: { name: 'dock' } }));
    assert.deepEqual(parse(ok.payload), { statusCode: 200, body: '{"message":"hello dock"}' });
    const failed = await ws.host.invoke('HelloWorldFunction', json({ fail: true }));
    assert.equal(failed.status, 'error');
    assert.equal(failed.error?.errorMessage, 'asked to fail');
    assert.match(failed.error?.trace?.join('\n') ?? '', /hello-world\/app\.ts:15:\d+/);
  });

  it('mounts the shared layers under /opt in attach order', async () => {
    ws = await deployFixture('sam-layer');
    const result = await ws.host.invoke('GreeterFunction', json({ name: 'dock' }));
    assert.deepEqual(parse(result.payload), { greeting: 'hello dock from the shared layer', config: 'override' });
  });

  it('runs functions with Globals and Parameters resolved', async () => {
    ws = await deployFixture('sam-globals');
    assert.deepEqual(ws.report.problems.map((p) => p.code), ['WORKSPACE_UNRESOLVED_VALUE', 'WORKSPACE_UNRESOLVED_VALUE']);
    const greet = parse((await ws.host.invoke('GreetFunction', json({}))).payload) as Record<string, string>;
    assert.equal(greet.stage, 'dev');
    assert.equal(greet.shared, 'from-globals');
    assert.equal(greet.logLevel, 'debug');
    assert.equal(greet.memory, '512');
    assert.deepEqual(parse((await ws.host.invoke('OrdersFunction', json({ id: 1 }))).payload), { orders: [], stage: 'dev', echo: { id: 1 } });
  });

  it('runs a serverless.yml project with its layer and package patterns', async () => {
    ws = await deployFixture('serverless');
    const hello = parse((await ws.host.invoke('hello', json({ a: 1 }))).payload) as Record<string, unknown>;
    assert.deepEqual(hello, { message: 'HI FROM SERVERLESS!', service: 'orders-service', stage: 'dev', table: 'orders-dev', input: { a: 1 } });
    assert.deepEqual(parse((await ws.host.invoke('goodbye', json({}))).payload), { message: 'goodbye', helloPackaged: false, docsPackaged: false });
  });

  it('runs a lambda-dock.json project, building its TypeScript function', async () => {
    ws = await deployFixture('lambda-dock-json');
    assert.deepEqual(parse((await ws.host.invoke('hello', json({ x: 1 }))).payload), { greeting: 'hello from json', app: 'lambda-dock-json', tools: '1.2.3', event: { x: 1 } });
    assert.deepEqual(parse((await ws.host.invoke('typed', json({ n: 21 }))).payload), { doubled: 42 });
  });

  it('pre-warms one instance per function, so the first invoke is warm', async () => {
    ws = await deployFixture('sam-hello-js', { prewarm: true });
    assert.ok(ws.report.functions[0].prewarmMs! > 0);
    assert.equal((await sessionContainers(ws.host.session.id)).length, 1);
    const result = await ws.host.invoke('HelloWorldFunction', json({}));
    assert.equal(result.coldStart, false);
  });

  it('builds an image function from its Dockerfile through the engine, and runs it', async () => {
    const dir = copyFixture('sam-misc');
    const host = await startDockerHost({ workspace: dir });
    const deployer = new WorkspaceDeployer(host, { workspace: dir });
    ws = { dir, host, deployer, report: undefined as never, dispose: async () => { await deployer.dispose(); await host.dispose(); } };
    assert.ok(host.backend instanceof DockerBackend);
    // No registry here: the Dockerfile builds FROM the engine's local Node.js image.
    const base = await host.backend.localNodeImage();
    const template = path.join(dir, 'template.yaml');
    const text = fs.readFileSync(template, 'utf8');
    fs.writeFileSync(template, text.slice(0, text.indexOf('  RemoteImageFunction:')).replace('NODE_ENV: production', `NODE_ENV: production\n        BASE_IMAGE: ${base}`));
    const progress: string[] = [];
    deployer.on('imageProgress', (p: { message: string }) => progress.push(p.message));
    try {
      const report = await deployer.deploy();
      const fn = report.functions.find((f) => f.name === 'BuiltImageFunction');
      assert.ok(fn && fn.change === 'added', JSON.stringify(report.functions));
      assert.ok(fn.imageBuildMs! > 0);
      assert.ok(progress.some((line) => /Step \d|COPY/.test(line)), progress.join('\n'));
      const result = await host.invoke('BuiltImageFunction', json({}));
      assert.equal(result.status, 'ok', result.logs);
      assert.equal(parse(result.payload), 'from the image');
      const labels = (await docker.getImage('builtimagefunction:v1').inspect()).Config.Labels ?? {};
      assert.equal(labels['lambda-dock.session'], host.session.id);
    } finally {
      await ws.dispose();
      ws = undefined;
      await docker.getImage('builtimagefunction:v1').remove({ force: true }).catch(() => undefined);
    }
  });
});
