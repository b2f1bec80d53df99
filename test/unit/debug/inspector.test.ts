import * as assert from 'node:assert/strict';
import { attachConfiguration, localCodeRoot } from '../../../src/core/debug/attachConfiguration';
import type { DebugTarget } from '../../../src/core/debug/debugTarget';
import { inspectorAnnouncement, inspectorEnvironment, inspectorVia } from '../../../src/core/engine/inspector';
import { withLambdaDefaults } from '../../../src/core/functions/definition';

const target: DebugTarget = {
  functionName: 'Fn',
  instanceId: 'abc',
  address: '127.0.0.1',
  port: 40123,
  webSocketUrl: 'ws://127.0.0.1:40123/id',
  remoteRoot: '/var/task',
  codeDir: '/cache/content/123',
  runtimeFiles: ['/var/runtime/**'],
  scope: 'invocation',
};

describe('the inspector of a debugged instance', () => {
  it('is opened by our client, or by NODE_OPTIONS added to the function\'s own', () => {
    assert.deepEqual(inspectorEnvironment({ hostPort: 0, via: 'client' }, '0.0.0.0:9229', { A: '1' }), { A: '1', LAMBDA_DOCK_INSPECT: '0.0.0.0:9229' });
    assert.deepEqual(inspectorEnvironment({ hostPort: 0, via: 'wait' }, '0.0.0.0:9229', { NODE_OPTIONS: '--enable-source-maps' }), { NODE_OPTIONS: '--enable-source-maps --inspect-wait=0.0.0.0:9229' });
    assert.deepEqual(inspectorEnvironment({ hostPort: 0, via: 'brk' }, '0.0.0.0:9229', {}), { NODE_OPTIONS: '--inspect-brk=0.0.0.0:9229' });
  });

  it('waits with --inspect-wait on Node.js 20 and later, --inspect-brk before or when unknown', () => {
    assert.equal(inspectorVia('nodejs22.x', true), 'client');
    assert.equal(inspectorVia('nodejs20.x', false), 'wait');
    assert.equal(inspectorVia('nodejs24.x', false), 'wait');
    assert.equal(inspectorVia('nodejs18.x', false), 'brk');
    assert.equal(inspectorVia(undefined, false), 'brk');
  });

  it('is found in the runtime\'s output by Node.js\'s announcement', () => {
    assert.deepEqual(inspectorAnnouncement('x\nDebugger listening on ws://0.0.0.0:9229/4f2a-9b\nFor help'), { port: 9229, id: '4f2a-9b' });
    assert.equal(inspectorAnnouncement('Debugger listening on'), undefined);
  });
});

describe('the js-debug attach configuration', () => {
  const plain = withLambdaDefaults({ name: 'Fn', runtime: 'nodejs20.x', handler: 'app.handler', codeDir: '/ws/fn', source: { file: '/ws/template.yaml', line: 1 } });

  it('maps /var/task to the workspace folder for code used as it is, and to the bundle for esbuild', () => {
    assert.equal(localCodeRoot(plain, target), '/ws/fn');
    const built = { ...plain, codeDir: '/cache/builds/fn', build: { sourceDir: '/ws/fn', esbuild: { entryPoints: ['/ws/fn/app.ts'], format: 'cjs' as const, target: 'node20', sourcemap: true, external: [], minify: false } } };
    assert.equal(localCodeRoot(built, target), '/cache/content/123');
    assert.equal(localCodeRoot(undefined, target), '/cache/content/123');
  });

  it('attaches on 127.0.0.1 and never lets the debugger kill or follow processes', () => {
    const configuration = attachConfiguration(target, plain);
    assert.equal(configuration.request, 'attach');
    assert.equal(configuration.address, '127.0.0.1');
    assert.equal(configuration.port, 40123);
    assert.equal(configuration.remoteRoot, '/var/task');
    assert.equal(configuration.killBehavior, 'none');
    assert.equal(configuration.attachExistingChildren, false);
    assert.equal(configuration.autoAttachChildProcesses, false);
    assert.equal(configuration.restart, false);
    assert.deepEqual(configuration.skipFiles, ['<node_internals>/**', '/var/runtime/**']);
  });
});
