import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DockerSocketSpawner } from '../../../src/core/sockets';
import { dockerCli, engineRequest } from '../support/socketEngine';
import { compareListsWithEngine, TEST_SESSION } from '../support/scopedSockets';
import { ensureTestImage } from '../support/testImage';

const PODMAN_SOCKET = '/run/podman/podman.sock';
// This machine's hard open-files limit is below Podman's default for containers, which it cannot then
// set; the docker client asks for limits within it (nothing to do with the socket).
const LIMITS = ['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024'];

const podman = (method: string, p: string, body?: unknown) => engineRequest(method, p, body, PODMAN_SOCKET);

describe('scoped Docker socket in front of Podman', function () {
  let spawner: DockerSocketSpawner;
  let root: string;
  let image: string;
  let sock: string;
  let other: string;

  before(async () => {
    try {
      assert.equal((await podman('GET', '/_ping')).status, 200);
    } catch (error) {
      throw new Error(`these tests need Podman's API at ${PODMAN_SOCKET}: run 'bash scripts/ensure-podman.sh' (npm test does). ${String(error)}`);
    }
    image = await ensureTestImage(PODMAN_SOCKET);
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ldpm-'));
    spawner = new DockerSocketSpawner(PODMAN_SOCKET, { runtimeRoot: root, labels: { 'lambda-dock.session': TEST_SESSION } });
    sock = (await spawner.spawn('podman/instance-1', 'token-podman'))!;
    assert.ok(sock, 'the socket started');
    const created = await podman('POST', '/v1.41/containers/create', { Image: image, Cmd: ['sleep', '600'], Labels: { 'lambda-dock.session': TEST_SESSION } });
    assert.equal(created.status, 201, created.text);
    other = created.json<{ Id: string }>().Id;
  });

  after(async () => {
    await spawner?.dispose();
    if (other) await podman('DELETE', `/v1.41/containers/${other}?force=1`);
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('runs a container with --rm through the docker client and prints its output', async () => {
    const run = await dockerCli(sock, ['run', '--rm', ...LIMITS, image, 'echo', 'hello from podman']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'hello from podman');
  });

  it('runs, lists, logs, execs into and removes its own container, and sees no other', async () => {
    const started = await dockerCli(sock, ['run', '-d', ...LIMITS, image, 'sh', '-c', 'echo started; sleep 60']);
    assert.equal(started.code, 0, started.stderr);
    const id = started.stdout.trim();
    const ps = await dockerCli(sock, ['ps', '-a', '--no-trunc', '-q']);
    assert.deepEqual(ps.stdout.trim().split('\n'), [id], 'only its own container');
    const [listed] = (await engineRequest('GET', '/v1.41/containers/json', undefined, sock)).json<Array<{ Id: string; State: string }>>();
    assert.deepEqual([listed?.Id, listed?.State], [id, 'running']);
    let logs = '';
    for (let i = 0; i < 50 && !logs.includes('started'); i++) logs = (await dockerCli(sock, ['logs', id])).stdout;
    assert.equal(logs.trim(), 'started');
    const exec = await dockerCli(sock, ['exec', id, 'echo', 'exec works']);
    assert.equal(exec.stdout.trim(), 'exec works', exec.stderr);
    assert.equal((await dockerCli(sock, ['rm', '-f', id])).code, 0);
    assert.equal((await podman('GET', `/v1.41/containers/${id}/json`)).status, 404);
  });

  it('lists what Podman itself lists at every moment while a container starts and exits by itself', async () => {
    const created = await engineRequest('POST', '/v1.41/containers/create', { Image: image, Cmd: ['sleep', '1.3'], HostConfig: { Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 1024 }, { Name: 'nproc', Soft: 1024, Hard: 1024 }] } }, sock);
    assert.equal(created.status, 201, created.text);
    const id = created.json<{ Id: string }>().Id;
    assert.equal((await engineRequest('POST', `/v1.41/containers/${id}/start`, undefined, sock)).status, 204);
    const seen = await compareListsWithEngine(sock, id, 2500, PODMAN_SOCKET);
    assert.ok([...seen].some((s) => /^Up /.test(s)) && [...seen].some((s) => /^Exited \(0\)/.test(s)), `saw ${[...seen].join(', ')}`);
    assert.equal((await engineRequest('DELETE', `/v1.41/containers/${id}`, undefined, sock)).status, 204);
  });

  it('refuses the container it did not create, and what reaches the host', async () => {
    const inspect = await dockerCli(sock, ['inspect', other]);
    assert.notEqual(inspect.code, 0);
    assert.match(inspect.stderr, /was created through this socket's scope/);
    const privileged = await dockerCli(sock, ['run', '--rm', '--privileged', ...LIMITS, image, 'true']);
    assert.notEqual(privileged.code, 0);
    assert.match(privileged.stderr, /Privileged/);
    assert.equal((await podman('GET', `/v1.41/containers/${other}/json`)).json<{ State: { Status: string } }>().State.Status, 'created', 'the other container is untouched');
  });

  it('tears down: no socket file, and nothing created through it remains', async () => {
    const key = 'podman/instance-2';
    const second = (await spawner.spawn(key, 'token-podman-2'))!;
    const created = await dockerCli(second, ['create', ...LIMITS, image, 'sleep', '60']);
    assert.equal(created.code, 0, created.stderr);
    const id = created.stdout.trim();
    await spawner.teardown(key);
    assert.equal(fs.existsSync(second), false);
    assert.equal((await podman('GET', `/v1.41/containers/${id}/json`)).status, 404);
  });
});
