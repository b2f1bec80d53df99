import * as assert from 'node:assert/strict';
import { dockerCli, engineRequest } from '../support/socketEngine';
import { compareListsWithEngine, socketFixture, socketList, type SocketFixture } from '../support/scopedSockets';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('scoped Docker socket: repeated lists', function () {
  let fx: SocketFixture;
  let sock: string;

  before(async () => {
    fx = await socketFixture();
    sock = (await fx.spawner.spawn('lists/instance-1', 'token-lists'))!;
    assert.ok(sock, fx.logs.join('\n'));
  });

  after(async () => {
    await fx?.dispose();
  });

  async function createThroughSocket(cmd: string[]): Promise<string> {
    const res = await engineRequest('POST', '/v1.41/containers/create', { Image: fx.image, Cmd: cmd }, sock);
    assert.equal(res.status, 201, res.text);
    return res.json<{ Id: string }>().Id;
  }

  it('gives the engine’s own answer at every moment while a container starts, ticks over and exits by itself', async () => {
    const id = await createThroughSocket(['sleep', '2.3']);
    assert.equal((await engineRequest('POST', `/v1.41/containers/${id}/start`, undefined, sock)).status, 204);
    const seen = await compareListsWithEngine(sock, id, 3800);
    for (const status of ['Up Less than a second', 'Up 1 second', 'Up 2 seconds', 'Exited (0) Less than a second ago', 'Exited (0) 1 second ago']) {
      assert.ok(seen.has(status), `saw ${[...seen].join(', ')}; expected ${status} among them`);
    }
    assert.equal((await engineRequest('DELETE', `/v1.41/containers/${id}`, undefined, sock)).status, 204);
  });

  it('shows a change made through the socket in the very next list', async () => {
    const id = await createThroughSocket(['sleep', '60']);
    assert.equal((await dockerCli(sock, ['start', id])).code, 0);
    assert.equal((await socketList(sock)).find((c) => c.Id === id)?.State, 'running');
    assert.equal((await dockerCli(sock, ['stop', '-t', '0', id])).code, 0);
    assert.equal((await socketList(sock)).find((c) => c.Id === id)?.State, 'exited');
    const ps = await dockerCli(sock, ['ps', '-a', '--format', '{{.ID}} {{.State}}']);
    assert.match(ps.stdout, new RegExp(`^${id.slice(0, 12)} exited$`, 'm'));
    assert.equal((await dockerCli(sock, ['start', id])).code, 0);
    assert.equal((await socketList(sock)).find((c) => c.Id === id)?.Status, 'Up Less than a second');
    assert.equal((await dockerCli(sock, ['rm', '-f', id])).code, 0);
    assert.equal((await socketList(sock)).find((c) => c.Id === id), undefined);
  });

  it('shows a change made on the engine directly once the engine reports it', async () => {
    const id = await createThroughSocket(['true']);
    await socketList(sock);
    await socketList(sock);
    const renamed = `renamed-on-host-${process.pid}`;
    assert.equal((await engineRequest('POST', `/v1.41/containers/${id}/rename?name=${renamed}`)).status, 204);
    const deadline = Date.now() + 1000;
    let names: string[] | undefined;
    while (Date.now() < deadline) {
      names = (await socketList(sock)).find((c) => c.Id === id)?.Names;
      if (names?.[0] === `/${renamed}`) break;
      await sleep(5);
    }
    assert.deepEqual(names, [`/${renamed}`]);
    assert.equal((await engineRequest('DELETE', `/v1.41/containers/${id}`)).status, 204);
    const gone = Date.now() + 1000;
    while (Date.now() < gone && (await socketList(sock)).some((c) => c.Id === id)) await sleep(5);
    assert.equal((await socketList(sock)).some((c) => c.Id === id), false, 'a container removed on the host leaves the list');
  });
});
