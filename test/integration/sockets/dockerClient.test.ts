import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { containerExists, dockerCli, engineRequest } from '../support/socketEngine';
import { containerState, sessionContainers, sessionNetworks, sessionVolumes, socketFixture, type SocketFixture } from '../support/scopedSockets';

describe('scoped Docker socket: the docker client', function () {
  let fx: SocketFixture;
  let sock: string;

  before(async () => {
    fx = await socketFixture();
    const spawned = await fx.spawner.spawn('fn-a/instance-1', 'token-a');
    assert.ok(spawned, `spawn failed: ${fx.logs.join('\n')}`);
    sock = spawned;
  });

  after(async () => {
    await fx?.dispose();
  });

  it('puts the socket in its own private folder, named docker.sock, at a path derived from the key', async () => {
    assert.equal(path.basename(sock), 'docker.sock');
    assert.ok(fs.lstatSync(sock).isSocket());
    assert.equal(fs.statSync(path.dirname(sock)).mode & 0o777, 0o700);
    assert.equal(sock, fx.spawner.socketPathFor('fn-a/instance-1'));
    assert.ok(Buffer.byteLength(sock) < 104);
  });

  it('spawning the same key twice returns the same path; tearing down an unknown key does nothing', async () => {
    assert.equal(await fx.spawner.spawn('fn-a/instance-1', 'token-a'), sock);
    await fx.spawner.teardown('no-such-key');
    assert.ok(fs.existsSync(sock));
  });

  it('answers docker version and a trimmed docker info', async () => {
    const version = await dockerCli(sock, ['version', '--format', '{{.Server.APIVersion}}']);
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout.trim(), /^1\.[0-9]+$/);

    const info = await dockerCli(sock, ['info', '--format', '{{json .}}']);
    assert.equal(info.code, 0, info.stderr);
    const parsed = JSON.parse(info.stdout) as Record<string, unknown>;
    assert.equal(parsed.Name, 'lambda-dock-scoped-socket');
    assert.equal(parsed.DockerRootDir, '');
    assert.equal(parsed.Containers, 0);
    const real = (await engineRequest('GET', '/info')).json<{ Name: string; DockerRootDir: string }>();
    assert.ok(!info.stdout.includes(real.DockerRootDir), 'the engine root folder is not shown');
  });

  it('lists images read-only', async () => {
    const images = await dockerCli(sock, ['images', '--format', '{{.Repository}}:{{.Tag}}']);
    assert.equal(images.code, 0, images.stderr);
    assert.ok(images.stdout.split('\n').includes(fx.image));
    const inspect = await dockerCli(sock, ['image', 'inspect', fx.image, '--format', '{{.Id}}']);
    assert.equal(inspect.code, 0, inspect.stderr);
    const rmi = await dockerCli(sock, ['rmi', fx.image]);
    assert.notEqual(rmi.code, 0);
    assert.match(rmi.stderr, /lambda-dock scoped socket/);
    const tag = await dockerCli(sock, ['tag', fx.image, 'lambda-dock-test/should-not-exist:1']);
    assert.notEqual(tag.code, 0);
    assert.equal((await engineRequest('GET', '/images/lambda-dock-test/should-not-exist:1/json')).status, 404);
  });

  it('runs a container with --rm and prints its output', async () => {
    const before = await sessionContainers();
    const run = await dockerCli(sock, ['run', '--rm', fx.image, 'echo', 'hello from a scoped socket']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'hello from a scoped socket\n');
    assert.deepEqual(await sessionContainers(), before, 'the --rm container is gone');
  });

  it('runs, lists, logs, execs into and removes its own container, and sees no other', async () => {
    const run = await dockerCli(sock, ['run', '-d', '--name', `ld-own-${process.pid}`, fx.image, 'sh', '-c', 'echo started; sleep 300']);
    assert.equal(run.code, 0, run.stderr);
    const id = run.stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);

    const ps = await dockerCli(sock, ['ps', '-a', '--no-trunc', '--format', '{{.ID}}']);
    assert.equal(ps.code, 0, ps.stderr);
    assert.deepEqual(ps.stdout.trim().split('\n'), [id], 'only its own container');
    assert.ok(!ps.stdout.includes(fx.other.id));

    let logs = '';
    for (let i = 0; i < 50 && !logs.includes('started'); i++) {
      logs = (await dockerCli(sock, ['logs', id.slice(0, 12)])).stdout;
      if (!logs.includes('started')) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(logs, 'started\n');

    const exec = await dockerCli(sock, ['exec', `ld-own-${process.pid}`, 'sh', '-c', 'echo exec says $((6*7))']);
    assert.equal(exec.code, 0, exec.stderr);
    assert.equal(exec.stdout, 'exec says 42\n');

    const inspect = await dockerCli(sock, ['inspect', '--format', '{{.State.Status}}', id]);
    assert.equal(inspect.stdout.trim(), 'running');

    const rm = await dockerCli(sock, ['rm', '-f', id]);
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal(await containerExists(id), false);
  });

  it('finds its own containers by the name the engine chose', async () => {
    const run = await dockerCli(sock, ['run', '-d', fx.image, 'sleep', '300']);
    assert.equal(run.code, 0, run.stderr);
    const id = run.stdout.trim();
    const name = (await engineRequest('GET', `/containers/${id}/json`)).json<{ Name: string }>().Name.slice(1);
    const stop = await dockerCli(sock, ['stop', '-t', '0', name]);
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(await containerState(id), 'exited');
    assert.equal((await dockerCli(sock, ['rm', name])).code, 0);
  });

  it('refuses the other container by name, short id and full id', async () => {
    for (const ref of [fx.other.name, fx.other.id.slice(0, 12), fx.other.id]) {
      for (const args of [['inspect', ref], ['logs', ref], ['exec', ref, 'true'], ['stop', ref], ['rm', '-f', ref], ['kill', ref]]) {
        const res = await dockerCli(sock, args);
        assert.notEqual(res.code, 0, `docker ${args.join(' ')} succeeded`);
        // `docker inspect` falls back to other object kinds and prints its own "No such object".
        if (args[0] !== 'inspect') assert.match(res.stderr, /no container .* was created through this socket's scope/, args.join(' '));
      }
    }
    assert.equal(await containerState(fx.other.id), 'running');
  });

  it('refuses what reaches the host', async () => {
    const before = await sessionContainers();
    for (const args of [
      ['--privileged'],
      ['-v', '/:/host'],
      ['--mount', 'type=bind,source=/,target=/host'],
      ['--network', 'host'],
      ['--cap-add', 'SYS_ADMIN'],
      ['--pid', 'host'],
      ['--device', '/dev/null:/dev/x'],
      ['--security-opt', 'seccomp=unconfined'],
      ['-p', '0.0.0.0:18080:80'],
      ['--volumes-from', fx.other.name],
      ['--network', `container:${fx.other.name}`],
    ]) {
      const res = await dockerCli(sock, ['run', '--rm', ...args, fx.image, 'true']);
      assert.notEqual(res.code, 0, `docker run ${args.join(' ')} succeeded`);
      assert.match(res.stderr, /lambda-dock scoped socket/, args.join(' '));
    }
    assert.deepEqual(await sessionContainers(), before);
  });

  it('creates, uses and removes its own volumes and networks', async () => {
    const vol = `ld-vol-${process.pid}`;
    const net = `ld-net-${process.pid}`;
    assert.equal((await dockerCli(sock, ['volume', 'create', vol])).code, 0);
    assert.equal((await dockerCli(sock, ['network', 'create', net])).code, 0);
    const run = await dockerCli(sock, ['run', '--rm', '-v', `${vol}:/data`, '--network', net, fx.image, 'sh', '-c', 'echo kept > /data/f && cat /data/f']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'kept\n');
    assert.deepEqual((await dockerCli(sock, ['volume', 'ls', '-q'])).stdout.trim().split('\n'), [vol]);
    assert.deepEqual((await dockerCli(sock, ['network', 'ls', '--format', '{{.Name}}'])).stdout.trim().split('\n'), [net]);
    assert.equal((await dockerCli(sock, ['volume', 'rm', vol])).code, 0);
    assert.equal((await dockerCli(sock, ['network', 'rm', net])).code, 0);
    assert.equal((await engineRequest('GET', `/volumes/${vol}`)).status, 404);
  });

  it('streams only its own events', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    const run = await dockerCli(sock, ['run', '--rm', fx.image, 'true']);
    assert.equal(run.code, 0, run.stderr);
    await engineRequest('POST', `/containers/${fx.other.id}/kill?signal=SIGWINCH`);
    const until = Math.floor(Date.now() / 1000) + 1;
    const events = await dockerCli(sock, ['events', '--since', String(since), '--until', String(until), '--format', '{{json .}}']);
    assert.equal(events.code, 0, events.stderr);
    const lines = events.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { Type: string; Actor: { ID: string } });
    assert.ok(lines.some((e) => e.Type === 'container'), 'its own container events are there');
    assert.ok(lines.every((e) => e.Actor.ID !== fx.other.id), 'no event of the other container');
  });
});

describe('scoped Docker socket: scopes and teardown', function () {
  let fx: SocketFixture;

  before(async () => {
    fx = await socketFixture();
  });

  after(async () => {
    await fx?.dispose();
  });

  it('shares a scope between sockets of one token and separates different tokens', async () => {
    const a1 = (await fx.spawner.spawn('scope-a-1', 'token-a'))!;
    const a2 = (await fx.spawner.spawn('scope-a-2', 'token-a'))!;
    const b = (await fx.spawner.spawn('scope-b-1', 'token-b'))!;
    assert.ok(a1 && a2 && b);
    assert.notEqual(a1, a2);

    const run = await dockerCli(a1, ['run', '-d', '--name', `ld-scope-a-${process.pid}`, fx.image, 'sleep', '300']);
    assert.equal(run.code, 0, run.stderr);
    const id = run.stdout.trim();

    assert.equal((await dockerCli(a2, ['ps', '-q', '--no-trunc'])).stdout.trim(), id, 'the same token sees it');
    assert.equal((await dockerCli(a2, ['exec', id, 'true'])).code, 0);
    assert.equal((await dockerCli(b, ['ps', '-aq'])).stdout.trim(), '', 'another token sees nothing');
    for (const args of [['inspect', id], ['rm', '-f', id], ['exec', id, 'true'], ['logs', `ld-scope-a-${process.pid}`]]) {
      const res = await dockerCli(b, args);
      assert.notEqual(res.code, 0, `scope b: docker ${args.join(' ')}`);
    }
    assert.equal(await containerState(id), 'running');

    const copied = await dockerCli(b, ['run', '-d', '--label', `lambda-dock.io/scope=${'0'.repeat(32)}`, fx.image, 'true']);
    assert.notEqual(copied.code, 0, 'a copied scope label is refused');
  });

  it('tears down: no socket file, and nothing created through it remains', async () => {
    const key = 'teardown-1';
    const sock = (await fx.spawner.spawn(key, 'token-t'))!;
    const run = await dockerCli(sock, ['run', '-d', fx.image, 'sleep', '300']);
    assert.equal(run.code, 0, run.stderr);
    const stopped = await dockerCli(sock, ['create', fx.image, 'true']);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal((await dockerCli(sock, ['volume', 'create', `ld-td-vol-${process.pid}`])).code, 0);
    assert.equal((await dockerCli(sock, ['network', 'create', `ld-td-net-${process.pid}`])).code, 0);
    const ids = [run.stdout.trim(), stopped.stdout.trim()];
    const resources = await fx.spawner.resources(key);
    assert.deepEqual(resources?.containers.sort(), ids.sort());

    // An open event stream is closed by the teardown.
    const events = dockerCli(sock, ['events']);
    await new Promise((r) => setTimeout(r, 300));
    await fx.spawner.teardown(key);
    const ended = await events;
    assert.notEqual(ended.code, 0);

    assert.equal(fs.existsSync(sock), false);
    assert.equal(fs.existsSync(path.dirname(sock)), false);
    for (const id of ids) assert.equal(await containerExists(id), false, `container ${id} is removed`);
    assert.equal((await engineRequest('GET', `/volumes/ld-td-vol-${process.pid}`)).status, 404);
    assert.equal((await engineRequest('GET', `/networks/ld-td-net-${process.pid}`)).status, 404);
    assert.equal(await fx.spawner.resources(key), undefined);
    assert.equal(await containerState(fx.other.id), 'running', 'the other container is untouched');
  });

  it('refuses to reuse a path that is not its socket, and replaces a dead socket of its own', async () => {
    const key = 'occupied';
    const target = fx.spawner.socketPathFor(key);
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    fs.writeFileSync(target, 'not a socket');
    assert.equal(await fx.spawner.spawn(key, 'token-o'), undefined);
    assert.ok(fx.logs.some((l) => l.includes('not a socket')));
    fs.rmSync(target);
    fs.symlinkSync('/var/run/docker.sock', target);
    assert.equal(await fx.spawner.spawn(key, 'token-o'), undefined, 'a symlink is not reused');
    fs.rmSync(target);
    assert.equal(await fx.spawner.spawn(key, 'token-o'), target, 'a clean path works');
    await fx.spawner.teardown(key);
  });

  it('spawns a key again once its teardown has finished, even when asked during it', async () => {
    const key = 'respawn';
    const first = (await fx.spawner.spawn(key, 'token-x'))!;
    const run = await dockerCli(first, ['create', fx.image, 'true']);
    assert.equal(run.code, 0, run.stderr);
    const tearing = fx.spawner.teardown(key);
    const again = await fx.spawner.spawn(key, 'token-x');
    await tearing;
    assert.equal(again, first, 'the same path');
    assert.equal(await containerExists(run.stdout.trim()), false, 'the old socket\'s container is gone');
    assert.deepEqual((await fx.spawner.resources(key))?.containers, [], 'the new socket starts with nothing of its own');
    assert.equal((await dockerCli(again!, ['ps', '-aq'])).stdout.trim(), '');
    await fx.spawner.teardown(key);
    assert.equal(fs.existsSync(first), false);
  });

  it('dispose tears every socket down and removes what they created', async () => {
    const sock = (await fx.spawner.spawn('dispose-1', 'token-d'))!;
    const run = await dockerCli(sock, ['run', '-d', fx.image, 'sleep', '300']);
    assert.equal(run.code, 0, run.stderr);
    await fx.spawner.dispose();
    assert.equal(fs.existsSync(sock), false);
    assert.equal(await containerExists(run.stdout.trim()), false);
    assert.deepEqual(await sessionVolumes(), []);
    assert.deepEqual(await sessionNetworks(), []);
    assert.deepEqual(await sessionContainers(), [fx.other.id]);
  });
});
