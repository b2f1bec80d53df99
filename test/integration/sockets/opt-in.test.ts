import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FunctionHost } from '../../../src/core/runtime/functionHost';
import { discoverFunctions } from '../../../src/core/workspace';
import { docker, json, parse, requireEngine, sessionContainers } from '../support/engine';
import { ensureTestImage } from '../support/testImage';

const EXAMPLE = path.join(__dirname, '../../../examples/docker-socket');

describe('a function that opts in to a Docker socket, run by the engine', function () {
  let host: FunctionHost | undefined;
  after(async () => host?.dispose());

  it('gets a scoped socket at /var/run/docker.sock, uses it, and leaves nothing after teardown', async () => {
    await requireEngine();
    const image = await ensureTestImage();
    const { functions } = await discoverFunctions(EXAMPLE);
    const runner = functions.find((fn) => fn.name === 'HelperRunner');
    assert.equal(runner?.dockerSocket, true);
    host = await FunctionHost.start({ workspace: EXAMPLE, fallbackToProcess: false });
    await host.deploy([runner!]);

    const result = await host.invoke('HelperRunner', json({ image, command: ['sh', '-c', 'echo from the helper'] }));
    assert.equal(result.status, 'ok', result.payload.toString());
    assert.deepEqual(parse(result.payload), { image, exitCode: 0, output: 'from the helper\n', errors: '' });

    const [instance] = await sessionContainers(host.session.id);
    assert.equal(instance.Labels['lambda-dock.io/docker-socket'], 'true');
    const inspect = await docker.getContainer(instance.Id).inspect();
    assert.ok(inspect.Config.Env.includes('DOCKER_HOST=unix:///var/run/docker.sock'));
    const socketDir = inspect.HostConfig.Binds?.find((b) => b.endsWith(':/var/run'))?.split(':')[0];
    assert.ok(socketDir && fs.existsSync(path.join(socketDir, 'docker.sock')));

    // The helper outlives the invocation when the function leaves it: teardown removes it with the socket.
    const left = await host.invoke('HelperRunner', json({ image, command: ['sleep', '600'], detach: true }));
    assert.equal(left.status, 'ok', left.payload.toString());
    const helperId = (parse(left.payload) as { id: string }).id;
    assert.equal((await docker.getContainer(helperId).inspect()).State.Running, true);
    await host.dispose();
    host = undefined;
    assert.equal(fs.existsSync(socketDir), false, 'the socket folder is gone');
    await assert.rejects(docker.getContainer(helperId).inspect(), /no such container|404/i, 'the helper went with the socket');
  });
});
