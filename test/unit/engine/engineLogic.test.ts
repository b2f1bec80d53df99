import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectEngine } from '../../../src/core/engine/detect';
import { bridgeGateway } from '../../../src/core/engine/instanceNetwork';
import { ignoreMissing } from '../../../src/core/engine/errors';
import { officialImage } from '../../../src/core/engine/images';

describe('engine detection', () => {
  const empty = { HOME: '/nonexistent', XDG_RUNTIME_DIR: '/nonexistent' };

  it('refuses an unknown engine name with the choices', async () => {
    await assert.rejects(detectEngine({ env: { ...empty, LAMBDA_DOCK_CONTAINER_CLI: 'containerd' } }), /Unknown engine "containerd": use docker or podman/);
  });

  it('takes an empty LAMBDA_DOCK_CONTAINER_CLI for unset, and says which engine does not answer', async () => {
    await assert.rejects(
      detectEngine({ env: { ...empty, LAMBDA_DOCK_CONTAINER_CLI: '', DOCKER_HOST: 'unix:///nonexistent/docker.sock' } }),
      /Docker is not running at unix:\/\/\/nonexistent\/docker\.sock/,
    );
  });

  it('finds a Podman engine at DOCKER_HOST by what /version says', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ld-detect-'));
    const socket = path.join(dir, 'podman.sock');
    const server = http.createServer((_request, response) => {
      response.setHeader('Content-Type', 'application/json');
      response.end(JSON.stringify({ ApiVersion: '1.41', Components: [{ Name: 'Podman Engine' }] }));
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      const found = await detectEngine({ env: { ...empty, DOCKER_HOST: `unix://${socket}` } });
      assert.deepEqual(found, { kind: 'podman', apiVersion: '1.41', endpoint: socket, address: { transport: 'unix', socketPath: socket }, remote: false, reason: 'DOCKER_HOST' });
      const chosen = await detectEngine({ engine: 'podman', env: { ...empty, DOCKER_HOST: `unix://${socket}` } });
      assert.equal(chosen.reason, 'setting');
    } finally {
      server.close();
    }
  });

  it('waits for a busy engine that accepted the connection, past the time a connect gets', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ld-detect-'));
    const socket = path.join(dir, 'docker.sock');
    const connectTimeoutMs = 200;
    const server = http.createServer((_request, response) => {
      setTimeout(() => response.end(JSON.stringify({ ApiVersion: '1.41', Components: [{ Name: 'Engine' }] })), connectTimeoutMs * 3);
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      const found = await detectEngine({ timeoutMs: connectTimeoutMs, env: { ...empty, DOCKER_HOST: `unix://${socket}` } });
      assert.equal(found.kind, 'docker');
    } finally {
      server.close();
    }
  });

  it('says Docker is not running at DOCKER_HOST when nothing answers there', async () => {
    await assert.rejects(detectEngine({ env: { ...empty, DOCKER_HOST: 'unix:///nonexistent/docker.sock' } }), /^LambdaDockError: Docker is not running at unix:\/\/\/nonexistent\/docker.sock: start it/);
  });
});

describe('images and gateways', () => {
  it('maps runtimes to the official AWS Lambda images', () => {
    assert.equal(officialImage('nodejs20.x'), 'public.ecr.aws/lambda/nodejs:20');
    assert.equal(officialImage('python3.12'), 'public.ecr.aws/lambda/python:3.12');
    assert.equal(officialImage('java21'), 'public.ecr.aws/lambda/java:21');
    assert.equal(officialImage('provided.al2023'), 'public.ecr.aws/lambda/provided:al2023');
    assert.equal(officialImage('cobol'), undefined);
  });

  it('takes the bridge gateway from IPAM, or the subnet\'s first address when dockerd leaves it out', () => {
    assert.equal(bridgeGateway([{ Subnet: '172.17.0.0/16' }]), '172.17.0.1');
    assert.equal(bridgeGateway([{ Subnet: '10.88.0.0/16', Gateway: '10.88.0.1' }]), '10.88.0.1');
    assert.equal(bridgeGateway([{ Subnet: 'fd00::/64' }]), undefined);
  });
});

describe('engine errors', () => {
  const status = (statusCode: number) => Object.assign(new Error(`HTTP ${statusCode}`), { statusCode });

  it('ignores what is already gone or going, 304 only when asked, and rethrows the rest', () => {
    assert.doesNotThrow(() => ignoreMissing(status(404)));
    assert.doesNotThrow(() => ignoreMissing(status(409)));
    assert.throws(() => ignoreMissing(status(304)), /HTTP 304/);
    assert.doesNotThrow(() => ignoreMissing(status(304), { notModified: true }));
    assert.throws(() => ignoreMissing(status(500), { notModified: true }), /HTTP 500/);
    assert.throws(() => ignoreMissing(new Error('socket hang up')), /socket hang up/);
  });
});
