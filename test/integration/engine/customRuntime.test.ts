import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FunctionDefinition } from '../../../src/core/functions/definition';
import type { FunctionHost } from '../../../src/core/runtime/functionHost';
import { buildCBootstrap, SHELL_BOOTSTRAP } from '../support/customBootstraps';
import { docker, json, makeFolder, makeFunction, parse, startDockerHost } from '../support/engine';

function customFunction(name: string, files: Record<string, string>, overrides: Partial<FunctionDefinition> = {}): FunctionDefinition {
  const definition = makeFunction(name, files, { runtime: 'provided.al2023', handler: 'function.handler', ...overrides });
  const bootstrap = path.join(definition.codeDir!, 'bootstrap');
  if (fs.existsSync(bootstrap)) fs.chmodSync(bootstrap, 0o755);
  return definition;
}

describe('custom runtimes (provided.al2023) in the local custom-runtime image', function () {
  let host: FunctionHost;
  const shell = customFunction('ShellBootstrap', SHELL_BOOTSTRAP, { environment: { CUSTOM: 'set' } });
  const staticC = customFunction('StaticBootstrap', {}, { handler: 'ignored.by.c' });
  const dynamicC = customFunction('DynamicBootstrap', {}, { handler: 'dynamic.handler' });
  const inLayer = customFunction('LayerBootstrap', { 'function.sh': SHELL_BOOTSTRAP['function.sh'] }, {
    layers: [{ name: 'Runtime', dir: makeFolder({ bootstrap: SHELL_BOOTSTRAP.bootstrap }) }],
  });
  fs.chmodSync(path.join(inLayer.layers[0].dir, 'bootstrap'), 0o755);
  const missing = customFunction('NoBootstrap', { 'main.go': 'package main' });

  before(async function () {
    buildCBootstrap(staticC.codeDir!, 'static');
    buildCBootstrap(dynamicC.codeDir!, 'dynamic');
    host = await startDockerHost();
    await host.deploy([shell, staticC, dynamicC, inLayer, missing]);
  });
  after(async () => host?.dispose());

  it("runs a shell-script bootstrap's Runtime API loop (curl), with _HANDLER and the function's environment", async () => {
    const first = await host.invoke('ShellBootstrap', json({ n: 1 }));
    assert.equal(first.status, 'ok', first.payload.toString());
    assert.deepEqual(parse(first.payload), { echo: { n: 1 }, handler: 'function.handler', taskRoot: '/var/task', custom: 'set' });
    assert.match(first.logs, /\ninit from bootstrap\n/);
    assert.match(first.logs, /\nhandling \{"n":1\}\n/);
    assert.match(first.logs, new RegExp(`REPORT RequestId: ${first.requestId}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: [\\d.]+ ms\\n$`));
    const second = await host.invoke('ShellBootstrap', json({ n: 2 }));
    assert.equal(second.coldStart, false);
    assert.deepEqual((parse(second.payload) as { echo: unknown }).echo, { n: 2 });
    assert.match(second.logs, /\nhandling \{"n":2\}\n/);
    assert.doesNotMatch(second.logs, /"n":1/);
  });

  it('passes on the error a bootstrap posts', async () => {
    const result = await host.invoke('ShellBootstrap', json({ fail: true }));
    assert.equal(result.status, 'error');
    assert.deepEqual(parse(result.payload), { errorType: 'Handler.Failed', errorMessage: 'the script was asked to fail' });
  });

  it('runs a static C bootstrap built with gcc: the image needs nothing more', async () => {
    const result = await host.invoke('StaticBootstrap', json({ k: 'v' }));
    assert.equal(result.status, 'ok', result.logs);
    assert.deepEqual(parse(result.payload), { compiled: true, handler: 'ignored.by.c', event: { k: 'v' } });
    assert.match(result.logs, /\ncompiled bootstrap ready\n/);
    assert.match(result.logs, new RegExp(`\\nhandling ${result.requestId}\\n`));
    const failed = await host.invoke('StaticBootstrap', json({ fail: 1 }));
    assert.deepEqual(parse(failed.payload), { errorType: 'Compiled.Failed', errorMessage: 'asked to fail' });
  });

  it('runs a dynamically linked bootstrap: its image carries the shared libraries it links (libstdc++ here)', async () => {
    assert.match(execFileSync('ldd', [path.join(dynamicC.codeDir!, 'bootstrap')], { encoding: 'utf8' }), /libstdc\+\+/);
    const result = await host.invoke('DynamicBootstrap', json({ d: 1 }));
    assert.equal(result.status, 'ok', result.logs);
    assert.deepEqual(parse(result.payload), { compiled: true, handler: 'dynamic.handler', event: { d: 1 } });
    const [instance] = host.instances().filter((i) => i.functionName === 'DynamicBootstrap');
    const image = (await docker.getContainer(instance.containerId!).inspect()).Config.Image;
    assert.match(image, /^lambda-dock\/provided-local:/);
    const staticInstance = host.instances().find((i) => i.functionName === 'StaticBootstrap');
    const staticImage = (await docker.getContainer(staticInstance!.containerId!).inspect()).Config.Image;
    assert.notEqual(image, staticImage, 'the dynamic bootstrap gets its own libraries, the static one none');
  });

  it("runs a layer's bootstrap from /opt when the code has none", async () => {
    const result = await host.invoke('LayerBootstrap', json({ from: 'layer' }));
    assert.equal(result.status, 'ok', result.logs);
    assert.deepEqual((parse(result.payload) as { echo: unknown }).echo, { from: 'layer' });
  });

  it('answers a function without a bootstrap with Runtime.InvalidEntrypoint and says how to fix it', async () => {
    const result = await host.invoke('NoBootstrap', json({}));
    assert.equal(result.status, 'error');
    assert.deepEqual(parse(result.payload), { errorType: 'Runtime.InvalidEntrypoint', errorMessage: "Error: Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]" });
    assert.match(result.logs, /NoBootstrap: a custom runtime needs an executable named bootstrap at the root of its code or of a layer/);
    assert.equal(host.instances().filter((i) => i.functionName === 'NoBootstrap').length, 0);
  });
});
