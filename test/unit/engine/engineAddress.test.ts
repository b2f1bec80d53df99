import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectEngine } from '../../../src/core/engine/detect';
import { currentDockerContext } from '../../../src/core/engine/dockerContext';
import { describeAddress, parseEngineHost } from '../../../src/core/engine/engineAddress';
import { createEngineClient } from '../../../src/core/engine/engineClient';
import { sshCommand } from '../../../src/core/engine/sshAgent';

const empty = { HOME: '/nonexistent', XDG_RUNTIME_DIR: '/nonexistent' };

/** A stand-in engine that answers /version (and /_ping) like Docker. */
async function fakeEngine(listen: (server: http.Server) => Promise<void>): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    response.setHeader('Content-Type', 'application/json');
    response.end(request.url?.endsWith('/version') ? JSON.stringify({ ApiVersion: '1.41', Components: [{ Name: 'Engine' }] }) : '"OK"');
  });
  await listen(server);
  return server;
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ld-address-'));
}

/** A Docker config folder with a context named `name` whose docker endpoint is `host`, made current. */
function dockerConfig(name: string, host: string, extra: { skipTlsVerify?: boolean; tlsFiles?: Record<string, string> } = {}): string {
  const dir = tempDir();
  const id = createHash('sha256').update(name).digest('hex');
  fs.mkdirSync(path.join(dir, 'contexts', 'meta', id), { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: {}, currentContext: name }));
  fs.writeFileSync(
    path.join(dir, 'contexts', 'meta', id, 'meta.json'),
    JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: extra.skipTlsVerify ?? false } } }),
  );
  if (extra.tlsFiles) {
    const tls = path.join(dir, 'contexts', 'tls', id, 'docker');
    fs.mkdirSync(tls, { recursive: true });
    for (const [file, content] of Object.entries(extra.tlsFiles)) fs.writeFileSync(path.join(tls, file), content);
  }
  return dir;
}

describe('engine addresses', () => {
  it('reads unix, tcp and ssh addresses as the docker client does', () => {
    assert.deepEqual(parseEngineHost('unix:///var/run/docker.sock', {}), { transport: 'unix', socketPath: '/var/run/docker.sock' });
    assert.deepEqual(parseEngineHost('/run/podman/podman.sock', {}), { transport: 'unix', socketPath: '/run/podman/podman.sock' });
    assert.deepEqual(parseEngineHost('tcp://10.0.0.5:2375', {}), { transport: 'tcp', host: '10.0.0.5', port: 2375 });
    assert.deepEqual(parseEngineHost('tcp://build-box', {}), { transport: 'tcp', host: 'build-box', port: 2375 });
    assert.deepEqual(parseEngineHost('ssh://me@build-box:2222', {}), { transport: 'ssh', host: 'build-box', user: 'me', port: 2222 });
    assert.deepEqual(parseEngineHost('ssh://build-box', {}), { transport: 'ssh', host: 'build-box' });
    assert.equal(describeAddress(parseEngineHost('tcp://[::1]:2375', {})), 'tcp://[::1]:2375');
  });

  it('takes TLS for tcp:// from DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, and trusts any certificate with DOCKER_TLS alone', () => {
    const certs = tempDir();
    fs.writeFileSync(path.join(certs, 'ca.pem'), 'CA');
    fs.writeFileSync(path.join(certs, 'cert.pem'), 'CERT');
    fs.writeFileSync(path.join(certs, 'key.pem'), 'KEY');
    const verified = parseEngineHost('tcp://10.0.0.5', { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs });
    assert.deepEqual(verified, { transport: 'tcp', host: '10.0.0.5', port: 2376, tls: { ca: Buffer.from('CA'), cert: Buffer.from('CERT'), key: Buffer.from('KEY'), verify: true } });
    assert.equal(describeAddress(verified), 'tcp://10.0.0.5:2376 (TLS)');
    const unverified = parseEngineHost('tcp://10.0.0.5:2376', { DOCKER_TLS: '1', HOME: '/nonexistent' });
    assert.deepEqual(unverified, { transport: 'tcp', host: '10.0.0.5', port: 2376, tls: { verify: false } });
  });

  it('refuses addresses it cannot use with what to write instead', () => {
    assert.throws(() => parseEngineHost('npipe:////./pipe/docker_engine', {}), /The engine address "npipe:\/\/\/\/.\/pipe\/docker_engine" cannot be used: use unix:\/\/\/path\/to\/docker.sock, tcp:\/\/host:port or ssh:\/\/user@host\./);
    assert.throws(() => parseEngineHost('ssh://me@box/var/run/docker.sock', {}), /without a path/);
    assert.throws(() => parseEngineHost('ssh://me:secret@box', {}), /passwords in ssh:\/\/ addresses are not supported/);
    assert.throws(() => parseEngineHost('unix://relative.sock', {}), /needs an absolute socket path/);
  });

  it('runs ssh as the docker client does, never prompting, with LAMBDA_DOCK_SSH_COMMAND in front when set', () => {
    assert.deepEqual(sshCommand({}, { host: 'box', user: 'me', port: 2222 }), {
      file: 'ssh',
      args: ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=30', '-T', '-l', 'me', '-p', '2222', '--', 'box', 'docker', 'system', 'dial-stdio'],
    });
    const custom = sshCommand({ LAMBDA_DOCK_SSH_COMMAND: '/usr/bin/ssh -F /tmp/cfg' }, { host: 'box' });
    assert.deepEqual(custom.args.slice(0, 2), ['-F', '/tmp/cfg']);
    assert.equal(custom.file, '/usr/bin/ssh');
  });
});

describe('Docker contexts', () => {
  it('reads the current context and its TLS files, DOCKER_CONTEXT first', () => {
    const config = dockerConfig('remote', 'tcp://10.1.2.3:2376', { tlsFiles: { 'ca.pem': 'CA', 'cert.pem': 'CERT', 'key.pem': 'KEY' } });
    const context = currentDockerContext({ DOCKER_CONFIG: config });
    assert.deepEqual(context, {
      name: 'remote',
      from: path.join(config, 'config.json'),
      address: { transport: 'tcp', host: '10.1.2.3', port: 2376, tls: { ca: Buffer.from('CA'), cert: Buffer.from('CERT'), key: Buffer.from('KEY'), verify: true } },
    });
    assert.equal(currentDockerContext({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'default' }), undefined);
    assert.throws(() => currentDockerContext({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'gone' }), /The Docker context "gone" \(from DOCKER_CONTEXT\) cannot be used: it has no .*meta\.json: see `docker context ls`\. Choose another with `docker context use`, or set DOCKER_HOST\./);
  });

  it('detects the engine of the current context when nothing else names one, and says so', async () => {
    const server = await fakeEngine((s) => new Promise((resolve) => s.listen(0, '127.0.0.1', resolve)));
    try {
      const port = (server.address() as AddressInfo).port;
      const config = dockerConfig('build-box', `tcp://127.0.0.1:${port}`);
      const found = await detectEngine({ env: { ...empty, DOCKER_CONFIG: config } });
      assert.equal(found.endpoint, `tcp://127.0.0.1:${port}`);
      assert.equal(found.reason, `Docker context "build-box" (from ${path.join(config, 'config.json')})`);
      // DOCKER_HOST wins over the context, as with the docker client.
      const socketDir = tempDir();
      const socket = path.join(socketDir, 'docker.sock');
      const local = await fakeEngine((s) => new Promise((resolve) => s.listen(socket, resolve)));
      try {
        const overridden = await detectEngine({ env: { ...empty, DOCKER_CONFIG: config, DOCKER_HOST: `unix://${socket}` } });
        assert.deepEqual([overridden.endpoint, overridden.reason], [socket, 'DOCKER_HOST']);
      } finally {
        local.close();
      }
    } finally {
      server.close();
    }
  });

  it('says which context names an engine that does not answer', async () => {
    const config = dockerConfig('far', 'tcp://127.0.0.1:1');
    await assert.rejects(
      detectEngine({ env: { ...empty, DOCKER_CONFIG: config } }),
      /^LambdaDockError: Docker does not answer at tcp:\/\/127\.0\.0\.1:1 \(Docker context "far" \(from .*config\.json\)\): nothing listening \(connection refused\)\. Check the address/,
    );
  });
});

describe('the ssh transport', () => {
  it('speaks the Engine API through the ssh command stdio, one process per connection', async () => {
    const dir = tempDir();
    const socket = path.join(dir, 'engine.sock');
    const server = await fakeEngine((s) => new Promise((resolve) => s.listen(socket, resolve)));
    // A stand-in for ssh: ignores the ssh arguments and connects its stdio to the engine's socket, as dial-stdio does.
    const fakeSsh = path.join(dir, 'fake-ssh');
    const bridge = `const s=require('net').connect(${JSON.stringify(socket)});process.stdin.pipe(s);s.pipe(process.stdout);`;
    fs.writeFileSync(fakeSsh, `#!/bin/sh\nexec ${process.execPath} -e "${bridge.replace(/"/g, '\\"')}"\n`, { mode: 0o755 });
    try {
      const docker = createEngineClient({ transport: 'ssh', host: 'box' }, { ...process.env, LAMBDA_DOCK_SSH_COMMAND: fakeSsh });
      const versions = await Promise.all([docker.version(), docker.version(), docker.ping()]);
      assert.equal((versions[0] as { ApiVersion: string }).ApiVersion, '1.41');
      (docker.modem as unknown as { agent: http.Agent }).agent.destroy();
    } finally {
      server.close();
    }
  });

  it('reports what ssh said when it fails', async () => {
    const dir = tempDir();
    const fakeSsh = path.join(dir, 'fake-ssh');
    fs.writeFileSync(fakeSsh, '#!/bin/sh\necho "me@box: Permission denied (publickey)." >&2\nexit 255\n', { mode: 0o755 });
    await assert.rejects(
      detectEngine({ dockerHost: 'ssh://me@box', env: { ...empty, PATH: process.env.PATH, LAMBDA_DOCK_SSH_COMMAND: fakeSsh } }),
      /^LambdaDockError: Docker does not answer at ssh:\/\/me@box \(lambdaDock\.dockerHost\): ssh exited with 255: me@box: Permission denied \(publickey\)\. Check that `ssh HOST docker version` works/,
    );
  });
});
