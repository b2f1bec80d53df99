import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DockerBackend } from '../../../src/core/engine/dockerBackend';
import type { ImageConfig } from '../../../src/core/engine/officialImageClient';
import { ProcessBackend } from '../../../src/core/engine/processBackend';
import type { FunctionDefinition } from '../../../src/core/functions/definition';
import { silentLogger } from '../../../src/core/log';
import { ImageResolver } from '../../../src/core/runtime/imageResolver';

/** The official base images' configuration, as the engine reports it. */
const OFFICIAL_CONFIG = { entrypoint: ['/lambda-entrypoint.sh'], env: ['LAMBDA_TASK_ROOT=/var/task', 'LAMBDA_RUNTIME_DIR=/var/runtime'] };

/** A DockerBackend in type only: counts what the resolver asks of the engine (image configurations apart). */
function fakeDocker(present: Set<string>, configs: Record<string, ImageConfig> = {}) {
  const calls: string[] = [];
  const configsAsked: string[] = [];
  const backend = Object.assign(Object.create(DockerBackend.prototype) as DockerBackend, {
    async imageConfig(image: string) {
      configsAsked.push(image);
      return configs[image] ?? (image.startsWith('public.ecr.aws/lambda/') ? OFFICIAL_CONFIG : { entrypoint: ['/usr/local/bin/node', '/var/runtime/bootstrap.js'] });
    },
    async imageExists(image: string) {
      calls.push(`exists ${image}`);
      return present.has(image);
    },
    async prepullImage(image: string) {
      calls.push(`prepull ${image}`);
      if (present.has(image)) return false;
      present.add(image);
      return true;
    },
    async pullImage(image: string) {
      calls.push(`pull ${image}`);
      if (image.includes('unreachable')) throw new Error('no registry');
      present.add(image);
    },
    async localNodeImage() {
      calls.push('local');
      return 'lambda-dock/nodejs-local:test';
    },
    async localPythonImage(python: { version: string }) {
      calls.push(`local python ${python.version}`);
      return `lambda-dock/python-local:${python.version}-test`;
    },
    async localCustomRuntimeImage(bootstrap: string) {
      calls.push(`local provided ${path.basename(path.dirname(bootstrap))}`);
      return `lambda-dock/provided-local:${path.basename(path.dirname(bootstrap))}`;
    },
  });
  return { backend, calls, configsAsked };
}

const fn = (name: string, more: Partial<FunctionDefinition>): FunctionDefinition => ({
  name,
  layers: [],
  memorySizeMB: 128,
  timeoutSeconds: 3,
  environment: {},
  architecture: 'x86_64',
  ephemeralStorageMB: 512,
  dockerSocket: false,
  source: { file: 'template.yaml', line: 1 },
  ...more,
});

describe('ImageResolver', () => {
  it('resolves a runtime once for every function of it, each with its own handler', async () => {
    const { backend, calls } = fakeDocker(new Set());
    const resolver = new ImageResolver(backend, {}, silentLogger);
    const [a, b, again] = await Promise.all([
      resolver.resolve(fn('A', { runtime: 'nodejs20.x', handler: 'a.handler' })),
      resolver.resolve(fn('B', { runtime: 'nodejs20.x', handler: 'b.handler' })),
      resolver.resolve(fn('A', { runtime: 'nodejs20.x', handler: 'a.handler' })),
    ]);
    assert.deepEqual(a, { image: 'lambda-dock/nodejs-local:test', command: ['a.handler'] });
    assert.deepEqual(b, { image: 'lambda-dock/nodejs-local:test', command: ['b.handler'] });
    assert.deepEqual(again, a);
    assert.deepEqual(calls, ['exists public.ecr.aws/lambda/nodejs:20', 'local']);
  });

  it('pulls a missing official image without asking the engine about it twice', async () => {
    const { backend, calls } = fakeDocker(new Set());
    const resolver = new ImageResolver(backend, {}, silentLogger);
    const resolved = await resolver.resolve(fn('J', { runtime: 'java21', handler: 'example.Handler::handleRequest' }));
    assert.equal(resolved.image, 'public.ecr.aws/lambda/java:21');
    assert.deepEqual(calls, ['exists public.ecr.aws/lambda/java:21', 'pull public.ecr.aws/lambda/java:21']);
  });

  it("checks a function's own image once, and again after a failed pull", async () => {
    const { backend, calls } = fakeDocker(new Set(['mine:1']));
    const resolver = new ImageResolver(backend, {}, silentLogger);
    const image = { uri: 'mine:1', command: ['app.handler'] };
    await resolver.resolve(fn('I', { image }));
    const resolved = await resolver.resolve(fn('I', { image }));
    assert.deepEqual(resolved, { image: 'mine:1', command: ['app.handler'], entrypoint: undefined, workingDir: undefined });
    assert.deepEqual(calls, ['prepull mine:1']);

    const failing = fakeDocker(new Set());
    failing.backend.prepullImage = async (uri: string) => {
      failing.calls.push(`prepull ${uri}`);
      throw new Error('no registry');
    };
    const retrying = new ImageResolver(failing.backend, {}, silentLogger);
    await assert.rejects(retrying.resolve(fn('J', { image: { uri: 'gone:1' } })), /no registry/);
    await assert.rejects(retrying.resolve(fn('J', { image: { uri: 'gone:1' } })), /no registry/);
    assert.deepEqual(failing.calls, ['prepull gone:1', 'prepull gone:1']);
  });

  it("runs Python in the local Python image when the official one is missing, and says once that the host's Python differs", async () => {
    const { backend, calls } = fakeDocker(new Set());
    const warnings: string[] = [];
    const resolver = new ImageResolver(backend, {}, { ...silentLogger, warn: (m) => warnings.push(m) });
    const hostVersion = execFileSync('python3', ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).trim();
    const other = hostVersion === '3.12' ? '3.13' : '3.12';
    const [a, b] = await Promise.all([
      resolver.resolve(fn('A', { runtime: `python${other}`, handler: 'a.handler' })),
      resolver.resolve(fn('B', { runtime: `python${other}`, handler: 'pkg/b.main' })),
    ]);
    assert.deepEqual(a, { image: `lambda-dock/python-local:${hostVersion}-test`, command: ['a.handler'] });
    assert.deepEqual(b.command, ['pkg/b.main']);
    assert.deepEqual(calls, [`exists public.ecr.aws/lambda/python:${other}`, `local python ${hostVersion}`]);
    assert.deepEqual(warnings, [`python${other} functions run in the local Python image on this machine's Python ${hostVersion}, not ${other}: code or packages that need ${other} may behave differently`]);

    const same = fakeDocker(new Set());
    const quiet: string[] = [];
    await new ImageResolver(same.backend, {}, { ...silentLogger, warn: (m) => quiet.push(m) }).resolve(fn('C', { runtime: `python${hostVersion}`, handler: 'c.handler' }));
    assert.deepEqual(quiet, []);
  });

  it("starts a custom runtime's bootstrap as the entrypoint: the official image's when present, else a local image per bootstrap", async () => {
    const codeDir = (name: string) => {
      const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ld-resolver-')), name);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'bootstrap'), '#!/bin/sh\n', { mode: 0o755 });
      return dir;
    };
    const { backend, calls } = fakeDocker(new Set());
    const resolver = new ImageResolver(backend, {}, silentLogger);
    const first = codeDir('first');
    assert.deepEqual(await resolver.resolve(fn('G', { runtime: 'provided.al2023', handler: 'bootstrap', codeDir: first })), { image: 'lambda-dock/provided-local:first', entrypoint: ['/var/task/bootstrap'] });
    const layer = codeDir('layer');
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'ld-resolver-'));
    assert.deepEqual(await resolver.resolve(fn('L', { runtime: 'provided.al2023', handler: 'x' }), { codeDir: empty, layersDir: layer }), { image: 'lambda-dock/provided-local:layer', entrypoint: ['/opt/bootstrap'] });
    assert.deepEqual(calls, ['exists public.ecr.aws/lambda/provided:al2023', 'local provided first', 'exists public.ecr.aws/lambda/provided:al2023', 'local provided layer']);

    const official = fakeDocker(new Set(['public.ecr.aws/lambda/provided:al2']));
    assert.deepEqual(await new ImageResolver(official.backend, {}, silentLogger).resolve(fn('O', { runtime: 'provided.al2', handler: 'x', codeDir: first })), { image: 'public.ecr.aws/lambda/provided:al2', entrypoint: ['/var/task/bootstrap'] });

    await assert.rejects(resolver.resolve(fn('N', { runtime: 'provided.al2023', handler: 'x', codeDir: empty })), (error: Error & { lambdaError?: { errorType: string } }) => {
      assert.equal(error.lambdaError?.errorType, 'Runtime.InvalidEntrypoint');
      assert.match(error.message, /^N: a custom runtime needs an executable named bootstrap/);
      return true;
    });
  });
  describe('in the official images', () => {
    const nodeFlags = ['--expose-gc', '--max-http-header-size', '81920'];
    const nodePath = (major: number) => `/opt/nodejs/node${major}/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task`;

    it("runs our client on the image's Node.js with the flags and NODE_PATH its bootstrap gives, asking the engine once per image", async () => {
      const { backend, configsAsked } = fakeDocker(new Set(['public.ecr.aws/lambda/nodejs:22', 'public.ecr.aws/lambda/nodejs:20']));
      const resolver = new ImageResolver(backend, {}, silentLogger);
      const [a, b] = await Promise.all([
        resolver.resolve(fn('A', { runtime: 'nodejs22.x', handler: 'a.handler' })),
        resolver.resolve(fn('B', { runtime: 'nodejs22.x', handler: 'b.handler' })),
      ]);
      assert.deepEqual(a, {
        image: 'public.ecr.aws/lambda/nodejs:22',
        command: ['a.handler'],
        entrypoint: ['/var/lang/bin/node', ...nodeFlags, '--no-experimental-require-module', '--no-experimental-detect-module', '/var/runtime/lambda-dock/bootstrap.js'],
        runtimeClient: 'nodejs',
        environment: { NODE_PATH: nodePath(22) },
      });
      assert.deepEqual(b.command, ['b.handler']);
      assert.equal(resolver.runsOurClient('public.ecr.aws/lambda/nodejs:22'), true);
      const twenty = await resolver.resolve(fn('C', { runtime: 'nodejs20.x', handler: 'c.handler' }));
      assert.deepEqual(twenty.entrypoint, ['/var/lang/bin/node', ...nodeFlags, '--no-experimental-require-module', '/var/runtime/lambda-dock/bootstrap.js']);
      assert.deepEqual(configsAsked, ['public.ecr.aws/lambda/nodejs:22', 'public.ecr.aws/lambda/nodejs:20']);
    });

    it('gives nodejs18.x the CA bundle its bootstrap names, by region', async () => {
      const images = new Set(['public.ecr.aws/lambda/nodejs:18']);
      const resolved = await new ImageResolver(fakeDocker(images).backend, {}, silentLogger, { region: 'eu-west-1' }).resolve(fn('E', { runtime: 'nodejs18.x', handler: 'e.handler' }));
      assert.deepEqual(resolved.entrypoint, ['/var/lang/bin/node', ...nodeFlags, '/var/runtime/lambda-dock/bootstrap.js']);
      assert.deepEqual(resolved.environment, { NODE_PATH: nodePath(18), NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem' });
      const china = await new ImageResolver(fakeDocker(images).backend, {}, silentLogger, { region: 'cn-north-1' }).resolve(fn('E', { runtime: 'nodejs18.x', handler: 'e.handler' }));
      assert.equal(china.environment?.NODE_EXTRA_CA_CERTS, '/etc/pki/tls/certs/ca-bundle.crt');
    });

    it('runs our client in an override laid out as the official images are, and keeps the entrypoint of one that sets its own', async () => {
      const { backend } = fakeDocker(new Set(['mirror/lambda-node:22', 'mine/custom-ric:22']), {
        'mirror/lambda-node:22': OFFICIAL_CONFIG,
        'mine/custom-ric:22': { entrypoint: ['/usr/local/bin/node', '/var/runtime/node_modules/aws-lambda-ric/index.mjs'] },
      });
      const mirror = await new ImageResolver(backend, { 'nodejs22.x': 'mirror/lambda-node:22' }, silentLogger).resolve(fn('M', { runtime: 'nodejs22.x', handler: 'm.handler' }));
      assert.equal(mirror.runtimeClient, 'nodejs');
      const resolver = new ImageResolver(backend, { 'nodejs22.x': 'mine/custom-ric:22' }, silentLogger);
      assert.deepEqual(await resolver.resolve(fn('C', { runtime: 'nodejs22.x', handler: 'c.handler' })), { image: 'mine/custom-ric:22', command: ['c.handler'] });
      assert.equal(resolver.runsOurClient('mine/custom-ric:22'), false);
    });

    it("keeps the image's entrypoint and AWS's client when the setting asks for them", async () => {
      const { backend, configsAsked } = fakeDocker(new Set(['public.ecr.aws/lambda/nodejs:22']));
      const resolver = new ImageResolver(backend, {}, silentLogger, { officialImageClient: 'aws' });
      assert.deepEqual(await resolver.resolve(fn('A', { runtime: 'nodejs22.x', handler: 'a.handler' })), { image: 'public.ecr.aws/lambda/nodejs:22', command: ['a.handler'] });
      assert.equal(resolver.runsOurClient('public.ecr.aws/lambda/nodejs:22'), false);
      assert.deepEqual(configsAsked, []);
    });

    it("runs our Python client on the interpreter the image's bootstrap runs, with /var/runtime (boto3) on PYTHONPATH", async () => {
      const { backend } = fakeDocker(new Set(['public.ecr.aws/lambda/python:3.12']));
      const resolver = new ImageResolver(backend, {}, silentLogger);
      assert.deepEqual(await resolver.resolve(fn('P', { runtime: 'python3.12', handler: 'app.handler' })), {
        image: 'public.ecr.aws/lambda/python:3.12',
        command: ['app.handler'],
        entrypoint: ['/var/lang/bin/python3.12', '/var/runtime/lambda-dock/bootstrap.py'],
        runtimeClient: 'python',
        environment: { PYTHONPATH: '/var/runtime' },
      });
      const aws = new ImageResolver(backend, {}, silentLogger, { officialImageClient: 'aws' });
      assert.deepEqual(await aws.resolve(fn('P', { runtime: 'python3.12', handler: 'app.handler' })), { image: 'public.ecr.aws/lambda/python:3.12', command: ['app.handler'] });
    });

    it('leaves image functions, other runtimes and the local images as they are', async () => {
      const { backend, configsAsked } = fakeDocker(new Set(['public.ecr.aws/lambda/nodejs:22', 'public.ecr.aws/lambda/java:21']));
      const resolver = new ImageResolver(backend, {}, silentLogger);
      const own = await resolver.resolve(fn('I', { image: { uri: 'public.ecr.aws/lambda/nodejs:22', command: ['app.handler'] } }));
      assert.deepEqual(own, { image: 'public.ecr.aws/lambda/nodejs:22', command: ['app.handler'], entrypoint: undefined, workingDir: undefined });
      assert.deepEqual(await resolver.resolve(fn('J', { runtime: 'java21', handler: 'x.Handler' })), { image: 'public.ecr.aws/lambda/java:21', command: ['x.Handler'] });
      assert.deepEqual(await resolver.resolve(fn('L', { runtime: 'nodejs20.x', handler: 'l.handler' })), { image: 'lambda-dock/nodejs-local:test', command: ['l.handler'] });
      assert.deepEqual(configsAsked, ['lambda-dock/nodejs-local:test']);
      const processResolver = new ImageResolver(new ProcessBackend(), {}, silentLogger);
      assert.deepEqual(await processResolver.resolve(fn('P', { runtime: 'nodejs22.x', handler: 'p.handler' })), { image: 'public.ecr.aws/lambda/nodejs:22', command: ['p.handler'] });
    });
  });
});
