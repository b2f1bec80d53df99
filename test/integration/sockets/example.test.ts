import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { sessionContainers, socketFixture, type SocketFixture } from '../support/scopedSockets';

type Handler = (event: unknown) => Promise<{ image: string; exitCode: number; output: string; errors: string }>;

describe('examples/docker-socket: the handler through a scoped socket', function () {
  let fx: SocketFixture;
  let handler: Handler;
  const savedHost = process.env.DOCKER_HOST;

  before(async () => {
    fx = await socketFixture();
    const sock = await fx.spawner.spawn('example-instance', 'example-function');
    assert.ok(sock, fx.logs.join('\n'));
    process.env.DOCKER_HOST = `unix://${sock}`;
    const load = createRequire(__filename);
    handler = (load(path.join(__dirname, '../../../examples/docker-socket/app.js')) as { handler: Handler }).handler;
  });

  after(async () => {
    if (savedHost === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = savedHost;
    await fx?.dispose();
  });

  it('starts a helper container, returns its output and removes it', async () => {
    const before = await sessionContainers();
    let creations = 0;
    const listening = fx.spawner.onDidChange(() => creations++);
    const result = await handler({ image: fx.image, command: ['sh', '-c', 'echo helper says $((6*7)); echo oops >&2'] });
    assert.deepEqual(result, { image: fx.image, exitCode: 0, output: 'helper says 42\n', errors: 'oops\n' });
    assert.deepEqual(await sessionContainers(), before, 'the helper container is removed');
    listening.dispose();
    assert.ok(creations >= 1, 'the helper was created through the socket');
    assert.deepEqual((await fx.spawner.resources('example-instance'))?.containers, [], 'and is no longer recorded');
  });

  it("reports the engine's answer when the image is missing", async () => {
    await assert.rejects(handler({ image: 'no-such-image-here:1' }), /404|No such image/);
  });
});
