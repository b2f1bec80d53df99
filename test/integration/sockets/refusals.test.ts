import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { DockerSocketSpawner } from '../../../src/core/sockets';
import { engineRequest, engineSocketPath, rawExchange, type EngineResponse } from '../support/socketEngine';
import { containerState, sessionContainers, socketFixture, TEST_SESSION, type SocketFixture } from '../support/scopedSockets';

/**
 * Every request of the threats note, and variants, sent raw or through node:http to a scoped socket: each
 * must be refused with a JSON message, and the engine's own state must show that nothing reached it.
 */
describe('scoped Docker socket: refusals', function () {
  let fx: SocketFixture;
  let sock: string;
  let own: string;
  let baseline: string[];

  const call = (method: string, path: string, body?: unknown): Promise<EngineResponse> => engineRequest(method, path, body, sock);

  function assertRefused(res: EngineResponse, what: string, statuses = [400, 403]): void {
    assert.ok(statuses.includes(res.status), `${what}: expected ${statuses.join('/')}, got ${res.status} ${res.text}`);
    assert.match(res.json<{ message: string }>().message, /^lambda-dock scoped socket: /, what);
  }

  /** The raw answer's status codes, in order. */
  const statuses = (raw: string): number[] => [...raw.matchAll(/HTTP\/1\.1 ([0-9]{3}) /g)].map((m) => Number(m[1]));

  before(async () => {
    fx = await socketFixture();
    sock = (await fx.spawner.spawn('refusals', 'token-r'))!;
    assert.ok(sock, fx.logs.join('\n'));
    const created = await call('POST', '/v1.41/containers/create?name=ld-own-refusals-' + process.pid, { Image: fx.image, Cmd: ['sleep', '300'] });
    assert.equal(created.status, 201, created.text);
    own = created.json<{ Id: string }>().Id;
    assert.equal((await call('POST', `/v1.41/containers/${own}/start`)).status, 204);
    baseline = await sessionContainers();
  });

  afterEach(async () => {
    assert.deepEqual(await sessionContainers(), baseline, 'nothing was created or removed on the engine');
    assert.equal(await containerState(fx.other.id), 'running', 'the other container is untouched');
  });

  after(async () => {
    await fx?.dispose();
  });

  it('refuses another container by name, short id and full id, on every container route', async () => {
    for (const ref of [fx.other.name, `/${fx.other.name}`, fx.other.id.slice(0, 12), fx.other.id.slice(0, 3), fx.other.id]) {
      const r = encodeURIComponent(ref);
      assertRefused(await call('GET', `/containers/${r}/json`), `inspect ${ref}`);
      assertRefused(await call('GET', `/v1.41/containers/${r}/logs?stdout=1`), `logs ${ref}`);
      assertRefused(await call('POST', `/v1.41/containers/${r}/stop`), `stop ${ref}`);
      assertRefused(await call('POST', `/v1.41/containers/${r}/kill`), `kill ${ref}`);
      assertRefused(await call('POST', `/v1.41/containers/${r}/wait`), `wait ${ref}`);
      assertRefused(await call('POST', `/v1.41/containers/${r}/exec`, { Cmd: ['sh'] }), `exec ${ref}`);
      assertRefused(await call('DELETE', `/containers/${r}?force=1`), `delete ${ref}`);
      assertRefused(await call('DELETE', `/v1.41/containers/${r}?force=1&v=1`), `delete ${ref}`);
    }
    const inspect = (await engineRequest('GET', `/containers/${fx.other.id}/json`)).json<{ ExecIDs: string[] | null }>();
    assert.equal(inspect.ExecIDs, null, 'no exec was created in the other container');
  });

  it('refuses path tricks that would lead from an own container to another', async () => {
    const other = fx.other.id;
    for (const path of [
      `/v1.41/containers/${own}/../${other}/json`,
      `/v1.41/containers/${own}/%2e%2e/${other}/json`,
      `/v1.41/containers/${own}/%2E%2E/${other}/json`,
      `/v1.41/containers/${own}/.%2e/${other}/json`,
      `/v1.41/containers/${own}%2F..%2F${other}/json`,
      `/v1.41/containers/${own}%2f..%2f${other}/json`,
      `/v1.41/containers/${own}/..%2F${other}/json`,
      `/v1.41/containers//${other}/json`,
      `/v1.41//containers/${other}/json`,
      `//v1.41/containers/${other}/json`,
      `/v1.41/containers/${own}%252F..%252F${other}/json`,
      `/v1.41/containers/${own}\\..\\${other}/json`,
    ]) {
      const raw = await rawExchange(sock, `GET ${path} HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n`);
      const [status] = statuses(raw);
      assert.ok(status === 400 || status === 403, `${path}: ${raw.split('\r\n')[0]}`);
      assert.ok(!raw.includes(`"Id":"${other}"`), `${path} leaked the other container`);
    }
    const deleteTraversal = await rawExchange(sock, `DELETE /v1.41/containers/${own}/../${other}?force=1 HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n`);
    assert.ok([400, 403].includes(statuses(deleteTraversal)[0]!));
  });

  it('refuses the host-reaching create bodies of the threats note', async () => {
    const image = fx.image;
    for (const body of [
      { Image: image, HostConfig: { Privileged: true } },
      { Image: image, HostConfig: { Binds: ['/:/host'] } },
      { Image: image, HostConfig: { Binds: ['/var/run/docker.sock:/var/run/docker.sock'] } },
      { Image: image, HostConfig: { Mounts: [{ Type: 'bind', Source: '/', Target: '/h' }] } },
      { Image: image, HostConfig: { Mounts: [{ Type: 'volume', Source: 'x', Target: '/h', VolumeOptions: { DriverConfig: { Name: 'local', Options: { type: 'none', o: 'bind', device: '/' } } } }] } },
      { Image: image, HostConfig: { NetworkMode: 'host' } },
      { Image: image, HostConfig: { CapAdd: ['SYS_ADMIN'] } },
      { Image: image, HostConfig: { CapAdd: ['ALL'] } },
      { Image: image, HostConfig: { Devices: [{ PathOnHost: '/dev/mem', PathInContainer: '/dev/mem', CgroupPermissions: 'rwm' }] } },
      { Image: image, HostConfig: { PidMode: 'host' } },
      { Image: image, HostConfig: { IpcMode: 'host' } },
      { Image: image, HostConfig: { UsernsMode: 'host' } },
      { Image: image, HostConfig: { SecurityOpt: ['apparmor=unconfined', 'seccomp=unconfined'] } },
      { Image: image, HostConfig: { CgroupParent: '/' } },
      { Image: image, HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '18081' }] } } },
      { Image: image, HostConfig: { VolumesFrom: [fx.other.id] } },
      { Image: image, HostConfig: { NetworkMode: `container:${fx.other.id}` } },
      { Image: image, Labels: { 'lambda-dock.io/scope': '0'.repeat(32) } },
      { Image: image, HostConfig: { privileged: true } },
      { Image: image, hostconfig: { Privileged: true } },
    ]) {
      assertRefused(await call('POST', '/v1.41/containers/create', body), JSON.stringify(body));
    }
  });

  it('refuses duplicate and case-variant keys', async () => {
    for (const text of [
      `{"Image":"${fx.image}","HostConfig":{"Privileged":false,"Privileged":true}}`,
      `{"Image":"${fx.image}","HostConfig":{"Privileged":false,"privileged":true}}`,
      `{"Image":"${fx.image}","HostConfig":{},"HostConfig":{"Privileged":true}}`,
      `{"Image":"${fx.image}","HostConfig":{},"hostConfig":{"Privileged":true}}`,
      `{"Image":"${fx.image}","HostConfig":{"Binds":null,"BINDS":["/:/host"]}}`,
    ]) {
      assertRefused(await call('POST', '/v1.41/containers/create', text), text);
    }
  });

  it('refuses volumes that bind host paths and leaves no volume behind', async () => {
    const name = `ld-bind-vol-${process.pid}`;
    assertRefused(await call('POST', '/v1.41/volumes/create', { Name: name, DriverOpts: { type: 'none', o: 'bind', device: '/' } }), 'bind volume');
    assertRefused(await call('POST', '/v1.41/volumes/create', { Name: name, Driver: 'local', DriverOpts: { o: 'bind', device: '/etc' } }), 'bind volume');
    assert.equal((await engineRequest('GET', `/volumes/${name}`)).status, 404);
  });

  it('does not let a volume name that already exists elsewhere become its own', async () => {
    const name = `ld-foreign-vol-${process.pid}`;
    assert.equal((await engineRequest('POST', '/volumes/create', { Name: name, Labels: { 'lambda-dock.session': TEST_SESSION } })).status, 201);
    try {
      assertRefused(await call('POST', '/v1.41/volumes/create', { Name: name }), 'claim a foreign volume');
      assertRefused(await call('DELETE', `/v1.41/volumes/${name}`), 'delete a foreign volume');
      assertRefused(await call('POST', '/v1.41/containers/create', { Image: fx.image, HostConfig: { Binds: [`${name}:/d`] } }), 'mount a foreign volume');
      assert.equal((await engineRequest('GET', `/volumes/${name}`)).status, 200);
    } finally {
      await engineRequest('DELETE', `/volumes/${name}`);
    }
  });

  it('refuses exec ids of other containers', async () => {
    const exec = await engineRequest('POST', `/containers/${fx.other.id}/exec`, { Cmd: ['true'] });
    assert.equal(exec.status, 201);
    const id = exec.json<{ Id: string }>().Id;
    assertRefused(await call('POST', `/v1.41/exec/${id}/start`, { Detach: false, Tty: false }), 'exec start');
    assertRefused(await call('GET', `/v1.41/exec/${id}/json`), 'exec inspect');
    assertRefused(await call('POST', `/v1.41/exec/${id}/resize?h=10&w=10`), 'exec resize');
    const state = (await engineRequest('GET', `/exec/${id}/json`)).json<{ Running: boolean; ExitCode: number | null }>();
    assert.equal(state.Running, false);
    assert.equal(state.ExitCode, null, 'the exec never started');
  });

  it('refuses endpoints outside the table, old API versions and bodies on start', async () => {
    for (const [method, path] of [
      ['POST', '/v1.41/images/create?fromImage=alpine'],
      ['DELETE', `/v1.41/images/${encodeURIComponent(fx.image)}`],
      ['POST', '/v1.41/build'],
      ['POST', '/v1.41/session'],
      ['POST', '/v1.41/containers/prune'],
      ['POST', '/v1.41/volumes/prune'],
      ['POST', '/v1.41/networks/prune'],
      ['POST', '/v1.41/images/prune'],
      ['POST', '/v1.41/system/prune'],
      ['GET', '/v1.41/swarm'],
      ['POST', '/v1.41/swarm/init'],
      ['GET', '/v1.41/plugins'],
      ['POST', '/v1.41/plugins/pull?remote=x'],
      ['GET', '/v4.0.0/libpod/info'],
      ['GET', '/libpod/containers/json'],
      ['GET', `/v1.41/containers/${own}/archive?path=/`],
      ['GET', `/v1.41/containers/${own}/export`],
      ['POST', `/v1.41/containers/${own}/update`],
      ['POST', `/v1.41/commit?container=${own}`],
      ['POST', `/v1.41/networks/bridge/connect`],
      ['GET', '/v1.18/containers/json'],
      ['POST', `/v1.23/containers/${own}/start`],
      ['GET', '/v1.99/containers/json'],
    ]) {
      assertRefused(await call(method!, path!), `${method} ${path}`);
    }
    assertRefused(await call('POST', `/v1.41/containers/${own}/start`, { HostConfig: { Privileged: true } }), 'start with a body');
    assertRefused(await call('POST', `/v1.24/containers/${own}/start`, { Binds: ['/:/host'] }), 'start with a body');
  });

  it('refuses ambiguous framing before anything goes upstream', async () => {
    const privileged = JSON.stringify({ Image: fx.image, HostConfig: { Privileged: true } });
    const harmless = JSON.stringify({ Image: fx.image, Cmd: ['true'] });
    const head = 'POST /v1.41/containers/create HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n';
    const chunk = (s: string): string => `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n0\r\n\r\n`;
    for (const raw of [
      // Content-Length and chunked: one reader sees the harmless body, another the smuggled one.
      `${head}Content-Length: ${harmless.length}\r\nTransfer-Encoding: chunked\r\n\r\n${chunk(privileged)}`,
      `${head}Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n${chunk(harmless)}`,
      // An empty Content-Length with a body behind it (the authorization plugin bypass).
      `${head}Content-Length:\r\n\r\n${privileged}`,
      `${head}Content-Length: ${harmless.length}\r\nContent-Length: ${privileged.length}\r\n\r\n${harmless}`,
      `${head}Content-Length: ${harmless.length}, ${harmless.length}\r\n\r\n${harmless}`,
      `${head}Transfer-Encoding: chunked, identity\r\n\r\n${chunk(harmless)}`,
      `${head}Transfer-Encoding : chunked\r\n\r\n${chunk(harmless)}`,
      `${head}Transfer-Encoding:\tchunked\r\n X: y\r\n\r\n${chunk(harmless)}`,
      `POST /v1.41/containers/create HTTP/1.1\nHost: docker\nContent-Length: ${harmless.length}\n\n${harmless}`,
      `POST /v1.41/containers/create HTTP/1.1\r\nHost: docker\rContent-Length: ${harmless.length}\r\n\r\n${harmless}`,
    ]) {
      const answer = await rawExchange(sock, raw);
      assert.deepEqual(statuses(answer), [400], `${JSON.stringify(raw.slice(0, 140))} -> ${answer.split('\r\n')[0]}`);
    }
  });

  it('refuses a body over the limit (the plugin that never saw a body over 1 MB)', async () => {
    const padding = 'x'.repeat(2 * 1024 * 1024);
    const body = `{"Image":"${fx.image}","Env":["PAD=${padding}"],"HostConfig":{"Privileged":true}}`;
    const answer = await rawExchange(sock, `POST /v1.41/containers/create HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    assert.deepEqual(statuses(answer), [413]);
    const head = await rawExchange(sock, `GET /_ping HTTP/1.1\r\nHost: docker\r\nX-Pad: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
    assert.deepEqual(statuses(head), [431]);
  });

  it('judges a pipelined request like the first: a forbidden one after an allowed GET /_ping is refused', async () => {
    const other = fx.other.id;
    const privileged = JSON.stringify({ Image: fx.image, HostConfig: { Privileged: true } });
    const answer = await rawExchange(
      sock,
      'GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n' +
        `DELETE /v1.41/containers/${other}?force=1 HTTP/1.1\r\nHost: docker\r\n\r\n` +
        `POST /v1.41/containers/${other}/exec HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nContent-Length: 14\r\n\r\n{"Cmd":["sh"]}` +
        `POST /v1.41/containers/create HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nContent-Length: ${privileged.length}\r\n\r\n${privileged}` +
        'GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n',
    );
    assert.deepEqual(statuses(answer), [200, 403, 403, 403, 200], answer);
  });

  it('refuses an upgrade on a route that does not stream, and a websocket upgrade', async () => {
    const answer = await rawExchange(sock, `GET /v1.41/containers/${own}/json HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
    assert.deepEqual(statuses(answer), [400]);
    const ws = await rawExchange(sock, `POST /v1.41/containers/${own}/attach?stream=1&stdout=1 HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`);
    assert.deepEqual(statuses(ws), [400]);
  });

  it('still serves its own container on the same socket', async () => {
    const inspect = await call('GET', `/v1.41/containers/ld-own-refusals-${process.pid}/json`);
    assert.equal(inspect.status, 200);
    const body = inspect.json<{ Id: string; HostsPath?: string; GraphDriver?: unknown }>();
    assert.equal(body.Id, own);
    assert.equal(body.HostsPath, undefined, 'host paths are trimmed');
    assert.equal(body.GraphDriver, undefined);
  });
});

describe('scoped Docker socket: limits', function () {
  let fx: SocketFixture;
  let spawner: DockerSocketSpawner;

  before(async () => {
    fx = await socketFixture();
    spawner = new DockerSocketSpawner(engineSocketPath(), {
      runtimeRoot: fx.root,
      labels: { 'lambda-dock.session': TEST_SESSION },
      limits: { maxConnections: 3, maxContainers: 1 },
    });
  });

  after(async () => {
    await spawner?.dispose();
    await fx?.dispose();
  });

  it('limits containers per socket', async () => {
    const sock = (await spawner.spawn('limited', 'token-l'))!;
    const first = await engineRequest('POST', '/v1.41/containers/create', { Image: fx.image, Cmd: ['true'] }, sock);
    assert.equal(first.status, 201);
    const second = await engineRequest('POST', '/v1.41/containers/create', { Image: fx.image, Cmd: ['true'] }, sock);
    assert.equal(second.status, 403);
    assert.match(second.text, /limit/);
    assert.equal((await engineRequest('DELETE', `/v1.41/containers/${first.json<{ Id: string }>().Id}`, undefined, sock)).status, 204);
    const third = await engineRequest('POST', '/v1.41/containers/create', { Image: fx.image, Cmd: ['true'] }, sock);
    assert.equal(third.status, 201, 'a removed container frees its place');
  });

  it('limits connections per socket', async () => {
    const sock = (await spawner.spawn('limited', 'token-l'))!;
    const open = await Promise.all(Array.from({ length: 3 }, () => connect(sock)));
    const extra = await connect(sock);
    const closed = await new Promise<boolean>((resolve) => {
      extra.once('close', () => resolve(true));
      extra.write('GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n');
      setTimeout(() => resolve(extra.destroyed), 2000);
    });
    assert.ok(closed, 'the connection over the limit is closed');
    for (const s of open) s.destroy();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await engineRequest('GET', '/_ping', undefined, sock)).status, 200, 'a freed place can be used');
  });
});

function connect(path: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.createConnection(path, () => resolve(s));
    s.on('error', reject);
  });
}
