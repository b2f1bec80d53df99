import * as assert from 'node:assert/strict';
import { DockerBackend } from '../../../src/core/engine/dockerBackend';
import type { FunctionDefinition } from '../../../src/core/functions/definition';
import { silentLogger } from '../../../src/core/log';
import { ImageResolver } from '../../../src/core/runtime/imageResolver';

/** A DockerBackend in type only: counts what the resolver asks of the engine. */
function fakeDocker(present: Set<string>) {
  const calls: string[] = [];
  const backend = Object.assign(Object.create(DockerBackend.prototype) as DockerBackend, {
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
  });
  return { backend, calls };
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
    const resolved = await resolver.resolve(fn('P', { runtime: 'python3.12', handler: 'app.handler' }));
    assert.equal(resolved.image, 'public.ecr.aws/lambda/python:3.12');
    assert.deepEqual(calls, ['exists public.ecr.aws/lambda/python:3.12', 'pull public.ecr.aws/lambda/python:3.12']);
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
});
