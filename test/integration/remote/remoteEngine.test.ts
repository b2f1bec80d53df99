import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type Docker from 'dockerode';
import * as tarFs from 'tar-fs';
import { LABELS } from '../../../src/core/engine/backend';
import { detectEngine } from '../../../src/core/engine/detect';
import type { DockerBackend } from '../../../src/core/engine/dockerBackend';
import { ensureLocalNodeImage, localImageSource } from '../../../src/core/engine/localNodeImage';
import { majorOf } from '../../../src/core/engine/nodeBinaries';
import { silentLogger } from '../../../src/core/log';
import { FunctionHost } from '../../../src/core/runtime/functionHost';
import { docker as localDocker, eventually, json, makeFolder, makeFunction, parse, requireEngine } from '../support/engine';
import { ensureOfficialNodeImage, SDK_PACKAGE } from '../support/officialNodeImage';
import { copyImage, createRemoteEngine, enableSsh, enableTls, removeRemoteEngine, type RemoteEngine } from '../support/remoteEngine';

const CLI = path.join(__dirname, '../../../dist/cli.js');
const NAME = `rt${process.pid % 100000}`;

/** Containers, instances and relay alike, that a session left on an engine. */
async function sessionContainers(docker: Docker, sessionId: string): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`${LABELS.session}=${sessionId}`] } });
}

async function sessionNetworks(docker: Docker, sessionId: string): Promise<string[]> {
  return (await docker.listNetworks({ filters: { label: [`${LABELS.session}=${sessionId}`] } })).map((n) => n.Name);
}

/** Runs a one-off Node.js script in a container on an engine and returns what it printed. */
async function runScript(docker: Docker, image: string, script: string, network?: string): Promise<string> {
  const container = await docker.createContainer({
    Image: image,
    Entrypoint: ['/usr/local/bin/node', '-e', script],
    Labels: { 'lambda-dock.test': NAME },
    HostConfig: network ? { NetworkMode: network } : {},
  });
  try {
    await container.start();
    await container.wait();
    const logs = (await container.logs({ stdout: true, stderr: true })) as Buffer;
    // The log is multiplexed: drop each frame's 8-byte header.
    let text = '';
    for (let at = 0; at + 8 <= logs.length; ) {
      const size = logs.readUInt32BE(at + 4);
      text += logs.subarray(at + 8, at + 8 + size).toString('utf8');
      at += 8 + size;
    }
    return text.trim();
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

/** A workspace with one lambda-dock.json function, for the command line. */
function cliWorkspace(handler: string): string {
  return makeFolder({
    'lambda-dock.json': JSON.stringify({ functions: [{ name: 'Remote', runtime: 'nodejs20.x', handler: 'app.handler', codeUri: 'fn', timeout: 120 }] }),
    'fn/app.js': handler,
  });
}

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('a remote engine: a second dockerd in its own network namespace, whose containers cannot reach this machine', function () {
  this.timeout(240_000);
  let engine: RemoteEngine;
  let image: string;

  before(async function () {
    this.timeout(600_000);
    await requireEngine();
    engine = await createRemoteEngine(NAME);
  });
  after(async function () {
    this.timeout(120_000);
    await removeRemoteEngine(engine, NAME);
  });

  describe('over TCP', () => {
    let host: FunctionHost;
    const echo = makeFunction('RemoteEcho', {
      'app.js': `exports.handler = async (event, context) => { console.log('echo', event.marker); return { event, api: process.env.AWS_LAMBDA_RUNTIME_API, id: context.awsRequestId }; };`,
    });
    const throws = makeFunction('RemoteThrows', { 'app.js': `exports.handler = async () => { console.error('about to fail'); throw new RangeError('out of range'); };` });
    const slow = makeFunction('RemoteSlow', { 'app.js': `exports.handler = async () => { console.log('started'); await new Promise(r => setTimeout(r, 5000)); return 'late'; };` }, { timeoutSeconds: 1 });
    const initThrows = makeFunction('RemoteInitThrows', { 'app.js': 'throw new TypeError("config is missing");' });
    const sleeper = makeFunction('RemoteSleeper', { 'app.js': `exports.handler = async (event) => { await new Promise(r => setTimeout(r, event.ms)); return process.env.AWS_LAMBDA_LOG_STREAM_NAME; };` });
    const layerA = makeFolder({ 'nodejs/node_modules/greeting/index.js': 'module.exports = "from layer A";', 'shared.txt': 'A' });
    const layerB = makeFolder({ 'shared.txt': 'B' });
    const layered = makeFunction('RemoteLayered', {
      'app.js': `exports.handler = async () => ({ greeting: require('greeting'), shared: require('fs').readFileSync('/opt/shared.txt', 'utf8') });`,
    }, { layers: [{ name: 'A', dir: layerA }, { name: 'B', dir: layerB }] });
    const withSocket = makeFunction('RemoteSocket', { 'app.js': 'exports.handler = async () => 1;' }, { dockerSocket: true });

    before(async () => {
      host = await FunctionHost.start({ workspace: os.tmpdir(), fallbackToProcess: false, engine: { dockerHost: engine.tcpHost } });
      assert.equal(host.backend.endpoint, `tcp://${engine.address}:2375`);
      image = await (host.backend as DockerBackend).localNodeImage();
      await host.deploy([echo, throws, slow, initThrows, sleeper, layered, withSocket]);
    });
    after(async () => host?.dispose());

    it("runs containers that cannot open a connection to this machine, as a remote engine's cannot", async () => {
      const server = http.createServer((_q, s) => s.end('reached'));
      await new Promise<void>((resolve) => server.listen(0, engine.hostAddress, resolve));
      try {
        const port = (server.address() as AddressInfo).port;
        const fromHere = await new Promise<string>((resolve, reject) => http.get(`http://${engine.hostAddress}:${port}/`, (r) => r.on('data', (c: Buffer) => resolve(c.toString()))).on('error', reject));
        assert.equal(fromHere, 'reached');
        const fromThere = await runScript(engine.docker, image, `
          const s = require('net').connect(${port}, '${engine.hostAddress}');
          s.setTimeout(3000, () => { console.log('blocked'); process.exit(0); });
          s.on('connect', () => { console.log('connected'); process.exit(0); });
          s.on('error', (e) => { console.log('blocked', e.code); process.exit(0); });`);
        assert.match(fromThere, /^blocked/);
      } finally {
        server.close();
      }
    });

    it('invokes through the relay: the result, the log with START, END and REPORT, and memory from the engine', async () => {
      const result = await host.invoke('RemoteEcho', json({ marker: 'over-tcp' }));
      assert.equal(result.status, 'ok', result.logs);
      const body = parse(result.payload) as { event: unknown; api: string; id: string };
      assert.deepEqual(body.event, { marker: 'over-tcp' });
      assert.equal(body.id, result.requestId);
      // The Runtime API the instance was given is the relay's, on the session's network of the remote engine.
      const [relay] = (await sessionContainers(engine.docker, host.session.id)).filter((c) => c.Labels[LABELS.relay]);
      assert.ok(relay, 'the session has a relay on the remote engine');
      assert.equal(body.api.split(':')[0], relay.NetworkSettings.Networks[`lambda-dock-${host.session.id}`]?.IPAddress);
      assert.match(result.logs, new RegExp(`^START RequestId: ${result.requestId} Version: \\$LATEST\\n`));
      assert.match(result.logs, /\tINFO\techo over-tcp\n/);
      assert.match(result.logs, new RegExp(`END RequestId: ${result.requestId}\\nREPORT RequestId: ${result.requestId}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: [1-9]\\d* MB\\tInit Duration: [\\d.]+ ms`));
      assert.equal(result.coldStart, true);
      const warm = await host.invoke('RemoteEcho', json({ marker: 'again' }));
      assert.equal(warm.coldStart, false);
      assert.equal(warm.instanceId, result.instanceId);
      // Memory from the engine's stats where the runtime does not report it.
      assert.ok(((await (host.backend as DockerBackend).memoryUsedMB(result.instanceId)) ?? 0) > 0);
    });

    it('reports a function error, a timeout and an init error as on a local engine', async () => {
      const failed = await host.invoke('RemoteThrows', json({}));
      assert.equal(failed.status, 'error');
      assert.deepEqual([failed.error?.errorType, failed.error?.errorMessage], ['RangeError', 'out of range']);
      assert.match(failed.logs, /\tERROR\tabout to fail\n/);

      const timedOut = await host.invoke('RemoteSlow', json({}));
      assert.equal(timedOut.error?.errorType, 'Sandbox.Timedout');
      assert.match(timedOut.error?.errorMessage ?? '', /Task timed out after 1\.00 seconds/);
      assert.match(timedOut.logs, /started/);
      await eventually(async () => !(await sessionContainers(engine.docker, host.session.id)).some((c) => c.Labels[LABELS.instance] === timedOut.instanceId), 20_000, 'the timed-out instance to go');

      const init = await host.invoke('RemoteInitThrows', json({}));
      assert.deepEqual([init.error?.errorType, init.error?.errorMessage], ['TypeError', 'config is missing']);
      assert.equal(host.instances().filter((i) => i.functionName === 'RemoteInitThrows').length, 0);
    });

    it('launches instances in parallel when none is idle, then serves them warm', async () => {
      const cold = await Promise.all([1, 2, 3].map(() => host.invoke('RemoteSleeper', json({ ms: 500 }))));
      assert.ok(cold.every((r) => r.status === 'ok' && r.coldStart));
      assert.equal(new Set(cold.map((r) => r.instanceId)).size, 3);
      const onEngine = (await sessionContainers(engine.docker, host.session.id)).filter((c) => c.Labels[LABELS.function] === 'RemoteSleeper');
      assert.equal(onEngine.length, 3);
      const warm = await Promise.all([1, 2, 3].map(() => host.invoke('RemoteSleeper', json({ ms: 1 }))));
      assert.ok(warm.every((r) => r.status === 'ok' && !r.coldStart));
      assert.deepEqual(new Set(warm.map((r) => r.instanceId)), new Set(cold.map((r) => r.instanceId)));
    });

    it('uploads layers to /opt in attach order', async () => {
      const result = await host.invoke('RemoteLayered', json({}));
      assert.deepEqual(parse(result.payload), { greeting: 'from layer A', shared: 'B' });
    });

    it('runs an image function copied to the engine', async () => {
      // Made on this machine's engine from the local Node.js image, then copied as docker save | docker load does.
      const base = await ensureLocalNodeImage(localDocker, 'remote-tests', await localImageSource(majorOf(process.versions.node), silentLogger));
      // Never started: the code goes in by archive, and the commit keeps the base image's entrypoint.
      const builder = await localDocker.createContainer({ Image: base, Labels: { 'lambda-dock.test': NAME } });
      const tag = `lambda-dock-it/remote-image:${NAME}`;
      try {
        const code = path.join(makeFolder({ 'var/task/app.js': `exports.handler = async (event) => ({ image: true, n: event.n * 3 });` }));
        const pack = tarFs.pack(code);
        await builder.putArchive(pack as unknown as NodeJS.ReadableStream, { path: '/' });
        const [repo, version] = tag.split(':');
        await builder.commit({ repo, tag: version, changes: 'CMD ["app.handler"]' });
      } finally {
        await builder.remove({ force: true });
      }
      try {
        await copyImage(localDocker, engine.docker, tag);
        await host.deploy([makeFunction('RemoteImage', {}, { runtime: undefined, handler: undefined, codeDir: undefined, image: { uri: tag } })], { removeMissing: false });
        const result = await host.invoke('RemoteImage', json({ n: 14 }));
        assert.equal(result.status, 'ok', result.logs);
        assert.deepEqual(parse(result.payload), { image: true, n: 42 });
      } finally {
        await localDocker.getImage(tag).remove({ force: true }).catch(() => undefined);
      }
    });

    it("runs our client in an official image copied to the engine, uploaded with the code, on the image's Node.js and SDK", async () => {
      const official = await ensureOfficialNodeImage(localDocker);
      await copyImage(localDocker, engine.docker, official.tag);
      const onOfficial = await FunctionHost.start({ workspace: os.tmpdir(), fallbackToProcess: false, engine: { dockerHost: engine.tcpHost }, runtimeImages: { 'nodejs22.x': official.tag } });
      try {
        await onOfficial.deploy([makeFunction('RemoteOfficial', {
          'app.js': `exports.handler = async () => { console.log('from the official image'); return { client: process.argv[1], node: process.execPath, sdk: require('${SDK_PACKAGE}/package.json').version }; };`,
        }, { runtime: 'nodejs22.x' })]);
        const result = await onOfficial.invoke('RemoteOfficial', json({}));
        assert.equal(result.status, 'ok', result.logs);
        assert.deepEqual(parse(result.payload), { client: '/var/runtime/lambda-dock/bootstrap.js', node: '/var/lang/bin/node', sdk: official.sdkRelease });
        assert.match(result.logs, new RegExp(`\\t${result.requestId}\\tINFO\\tfrom the official image\\n`), result.logs);
      } finally {
        await onOfficial.dispose();
      }
    });

    it('terminates an instance on the engine, and the next invoke starts a new one', async () => {
      const first = await host.invoke('RemoteEcho', json({ marker: 'before-stop' }));
      await host.backend.terminate(first.instanceId);
      const left = await sessionContainers(engine.docker, host.session.id);
      assert.ok(!left.some((c) => c.Labels[LABELS.instance] === first.instanceId));
      const next = await host.invoke('RemoteEcho', json({ marker: 'after-stop' }));
      assert.equal(next.status, 'ok');
      assert.notEqual(next.instanceId, first.instanceId);
    });

    it("keeps every other container on the session's network away from the instances' invocations", async () => {
      const relay = (await sessionContainers(engine.docker, host.session.id)).find((c) => c.Labels[LABELS.relay])!;
      const network = `lambda-dock-${host.session.id}`;
      const relayAddress = `${relay.NetworkSettings.Networks[network].IPAddress}:9001`;
      const intruder = runScript(engine.docker, image, `
        const request = require('http').get('http://${relayAddress}/2018-06-01/runtime/invocation/next', (r) => {
          let body = ''; r.on('data', (c) => body += c); r.on('end', () => { console.log('received', r.statusCode, body); process.exit(0); });
        });
        request.setTimeout(4000, () => { console.log('no answer'); process.exit(0); });
        request.on('error', (e) => { console.log('refused', e.code); process.exit(0); });`, network);
      const results = await Promise.all([1, 2, 3, 4].map((n) => host.invoke('RemoteEcho', json({ marker: `private-${n}` }))));
      for (const [i, result] of results.entries()) assert.deepEqual((parse(result.payload) as { event: unknown }).event, { marker: `private-${i + 1}` });
      assert.match(await intruder, /^(no answer|refused)/);
    });

    it('assigns standbys there too: the code and layers uploaded into the running standby, through the relay', async () => {
      const other = await FunctionHost.start({ workspace: os.tmpdir(), fallbackToProcess: false, engine: { dockerHost: engine.tcpHost }, standbyInstances: 1 });
      try {
        await other.deploy([layered]);
        await eventually(async () => (other.standbys?.counts() ?? []).some((c) => c.ready >= 1), 60_000, 'a standby on the remote engine');
        const standbys = (await sessionContainers(engine.docker, other.session.id)).filter((c) => c.Labels[LABELS.standby]).map((c) => c.Id);
        const result = await other.invoke('RemoteLayered', json({}));
        assert.equal(result.status, 'ok', result.logs);
        assert.deepEqual(parse(result.payload), { greeting: 'from layer A', shared: 'B' });
        assert.ok(standbys.includes(other.instances()[0].containerId!), 'it ran on a standby');
      } finally {
        await other.dispose();
      }
      assert.deepEqual(await sessionContainers(engine.docker, other.session.id), []);
    });

    it('refuses a function that asks for a Docker socket, with one message, and leaves nothing running', async () => {
      await assert.rejects(host.invoke('RemoteSocket', json({})), /RemoteSocket asks for a Docker socket .* and tcp:\/\/[\d.]+:2375 is remote: use a local engine for it, or remove DockerSocket/);
      assert.ok(!(await sessionContainers(engine.docker, host.session.id)).some((c) => c.Labels[LABELS.function] === 'RemoteSocket'));
    });

    it('removes the relay and its network with the session', async () => {
      const other = await FunctionHost.start({ workspace: os.tmpdir(), fallbackToProcess: false, engine: { dockerHost: engine.tcpHost } });
      await other.deploy([echo]);
      assert.equal((await other.invoke('RemoteEcho', json({ marker: 'short' }))).status, 'ok');
      assert.equal((await sessionContainers(engine.docker, other.session.id)).length, 2);
      assert.deepEqual(await sessionNetworks(engine.docker, other.session.id), [`lambda-dock-${other.session.id}`]);
      assert.equal((await other.backend.listManaged()).filter((c) => c.session === other.session.id).length, 1, 'the relay is not listed as an instance');
      await other.dispose();
      assert.deepEqual(await sessionContainers(engine.docker, other.session.id), []);
      assert.deepEqual(await sessionNetworks(engine.docker, other.session.id), []);
    });

    it('reaps what a killed command line left, relay and network included', async () => {
      const workspace = cliWorkspace(`exports.handler = async () => { console.log('working'); await new Promise(r => setTimeout(r, 100000)); };`);
      const child = spawn(process.execPath, [CLI, 'invoke', 'Remote', '--workspace', workspace], { env: { ...process.env, DOCKER_HOST: engine.tcpHost }, stdio: 'ignore' });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      let session = '';
      await eventually(async () => {
        // By its name: the command line keeps standbys, and one made before its function was known has no function label.
        const instance = (await engine.docker.listContainers({ filters: { name: ['lambda-dock-Remote-'], status: ['running'] } }))[0];
        session = instance?.Labels[LABELS.session] ?? '';
        return Boolean(instance);
      }, 60_000, 'the command line to start its instance');
      child.kill('SIGKILL');
      await exited;
      // Its attach stream is gone, so the relay's stdin closed and it exited: it relays nothing any more.
      await eventually(async () => (await sessionContainers(engine.docker, session)).some((c) => c.Labels[LABELS.relay] && c.State === 'exited'), 20_000, 'the relay to stop');
      assert.ok((await host.backend.listManaged()).some((c) => c.session === session && c.stale));
      const report = await host.backend.reapStale();
      assert.ok(report.networks.includes(`lambda-dock-${session}`));
      assert.deepEqual(await sessionContainers(engine.docker, session), []);
      assert.deepEqual(await sessionNetworks(engine.docker, session), []);
    });
  });

  describe('a socket declared remote (a dev container given its host socket)', () => {
    it('uploads code and goes through the relay with LAMBDA_DOCK_REMOTE_ENGINE=1, and leaves nothing behind', async () => {
      const host = await FunctionHost.start({ workspace: os.tmpdir(), fallbackToProcess: false, engine: { env: { ...process.env, LAMBDA_DOCK_REMOTE_ENGINE: '1' } } });
      try {
        assert.equal((host.backend as DockerBackend).canBindHostPaths, false);
        await host.deploy([makeFunction('DeclaredRemote', { 'app.js': `exports.handler = async () => process.env.AWS_LAMBDA_RUNTIME_API;` })]);
        const result = await host.invoke('DeclaredRemote', json({}));
        assert.equal(result.status, 'ok', result.logs);
        const relay = (await sessionContainers(localDocker, host.session.id)).find((c) => c.Labels[LABELS.relay]);
        assert.equal(parse(result.payload), `${relay?.NetworkSettings.Networks[`lambda-dock-${host.session.id}`]?.IPAddress}:9001`);
      } finally {
        await host.dispose();
      }
      assert.deepEqual(await sessionContainers(localDocker, host.session.id), []);
      assert.deepEqual(await sessionNetworks(localDocker, host.session.id), []);
    });
  });

  describe('over SSH', () => {
    it('invokes from the command line with DOCKER_HOST=ssh://, through the ssh client and docker system dial-stdio', async () => {
      const ssh = await enableSsh(engine);
      const workspace = cliWorkspace(`exports.handler = async (event) => { console.log('over ssh'); return { doubled: event.n * 2 }; };`);
      const run = await runCli(['invoke', 'Remote', '--workspace', workspace, '--payload', '{"n":21}', '--verbose'], { DOCKER_HOST: ssh.dockerHost, LAMBDA_DOCK_SSH_COMMAND: ssh.sshCommand });
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))), { doubled: 42 });
      assert.match(run.stderr, new RegExp(`using docker at ssh://root@${engine.address.replace(/\./g, '\\.')} \\(DOCKER_HOST`));
      assert.match(run.stderr, /over ssh/);
      assert.deepEqual(await engine.docker.listContainers({ all: true, filters: { label: [`${LABELS.function}=Remote`] } }), []);
    });

    it('says what ssh said when the key is not accepted', async () => {
      const run = await runCli(['invoke', 'Remote', '--workspace', cliWorkspace('exports.handler = async () => 1;')], {
        DOCKER_HOST: `ssh://nobody-here@${engine.address}`,
        LAMBDA_DOCK_SSH_COMMAND: `ssh -F ${engine.dir}/ssh/ssh_config`,
      });
      assert.equal(run.code, 1);
      assert.match(run.stderr, new RegExp(`^lambda-dock: Docker does not answer at ssh://nobody-here@${engine.address.replace(/\./g, '\\.')} \\(DOCKER_HOST\\): ssh exited with 255: .*Permission denied`));
    });
  });

  describe('over TCP with TLS', () => {
    let certs: string;
    let client: string;

    before(async () => {
      // A CA, the engine's certificate for its address, and a client certificate, as `dockerd --tlsverify` wants them.
      certs = fs.mkdtempSync(path.join(os.tmpdir(), 'ld-tls-'));
      client = path.join(certs, 'client');
      fs.mkdirSync(client);
      const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: certs, stdio: ['ignore', 'ignore', 'pipe'] });
      openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=lambda-dock test CA', '-keyout', 'ca-key.pem', '-out', 'ca.pem');
      openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=remote engine', '-keyout', 'server-key.pem', '-out', 'server.csr');
      fs.writeFileSync(path.join(certs, 'server.ext'), `subjectAltName=IP:${engine.address}\nextendedKeyUsage=serverAuth\n`);
      openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '1', '-extfile', 'server.ext', '-out', 'server-cert.pem');
      openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=client', '-keyout', 'client/key.pem', '-out', 'client.csr');
      fs.writeFileSync(path.join(certs, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
      openssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '1', '-extfile', 'client.ext', '-out', 'client/cert.pem');
      fs.copyFileSync(path.join(certs, 'ca.pem'), path.join(client, 'ca.pem'));
      await enableTls(engine, certs);
    });

    it('invokes with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, the relay included', async () => {
      const env = { ...process.env, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: client };
      const host = await FunctionHost.start({ workspace: os.tmpdir(), fallbackToProcess: false, engine: { dockerHost: `tcp://${engine.address}:2376`, env } });
      try {
        assert.equal(host.backend.endpoint, `tcp://${engine.address}:2376 (TLS)`);
        await host.deploy([makeFunction('TlsEcho', { 'app.js': `exports.handler = async (event) => ({ tls: event.n });` })]);
        const results = await Promise.all([1, 2].map((n) => host.invoke('TlsEcho', json({ n }))));
        assert.deepEqual(results.map((r) => parse(r.payload)), [{ tls: 1 }, { tls: 2 }]);
      } finally {
        await host.dispose();
      }
    });

    it('says the engine does not answer without a client certificate, or over plain TCP', async () => {
      const noCert = fs.mkdtempSync(path.join(os.tmpdir(), 'ld-tls-none-'));
      fs.copyFileSync(path.join(client, 'ca.pem'), path.join(noCert, 'ca.pem'));
      await assert.rejects(
        detectEngine({ dockerHost: `tcp://${engine.address}:2376`, env: { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: noCert } }),
        new RegExp(`^LambdaDockError: Docker does not answer at tcp://${engine.address.replace(/\./g, '\\.')}:2376 \\(lambdaDock.dockerHost\\): .+\\. Check the address, that the engine listens there, and for TLS DOCKER_TLS_VERIFY and DOCKER_CERT_PATH`),
      );
      await assert.rejects(detectEngine({ dockerHost: `tcp://${engine.address}:2376`, env: {} }), /^LambdaDockError: Docker does not answer at tcp:\/\/[\d.]+:2376 \(lambdaDock.dockerHost\)/);
    });
  });
});
