import * as assert from 'node:assert/strict';
import { attachConfiguration, launchJsonConfiguration } from '../../../src/core/debug/attachConfiguration';
import type { DebugTarget } from '../../../src/core/debug/debugTarget';
import { inspectorAnnouncement, inspectorEnvironment } from '../../../src/core/engine/inspector';
import { withLambdaDefaults } from '../../../src/core/functions/definition';

const target: DebugTarget = {
  functionName: 'Fn',
  instanceId: 'abc',
  address: '127.0.0.1',
  port: 40123,
  webSocketUrl: 'ws://127.0.0.1:40123/id',
  remoteRoot: '/var/task',
  codeDir: '/cache/content/123',
  sourceRoots: [['/opt/nodejs', '/ws/layers/helper'], ['/var/task', '/ws/fn']],
  runtimeFiles: ['/var/runtime/**'],
  scope: 'invocation',
};

describe('the inspector of a debugged instance', () => {
  it('is opened by our client, or by our preload ahead of another client (NODE_OPTIONS added to the function\'s own)', () => {
    assert.deepEqual(inspectorEnvironment({ hostPort: 0, via: 'client' }, '0.0.0.0:9229', { A: '1' }), { A: '1', LAMBDA_DOCK_INSPECT: '0.0.0.0:9229' });
    assert.deepEqual(inspectorEnvironment({ hostPort: 0, via: 'preload' }, '0.0.0.0:9229', { NODE_OPTIONS: '--enable-source-maps' }), {
      LAMBDA_DOCK_INSPECT: '0.0.0.0:9229',
      NODE_OPTIONS: '--enable-source-maps --require /var/lambda-dock/debugger.js',
    });
  });

  it('is found in the runtime\'s output by Node.js\'s announcement', () => {
    assert.deepEqual(inspectorAnnouncement('x\nDebugger listening on ws://0.0.0.0:9229/4f2a-9b\nFor help'), { port: 9229, id: '4f2a-9b' });
    assert.equal(inspectorAnnouncement('Debugger listening on'), undefined);
  });
});

describe('the js-debug attach configuration', () => {
  const plain = withLambdaDefaults({ name: 'Fn', runtime: 'nodejs20.x', handler: 'app.handler', codeDir: '/ws/fn', source: { file: '/ws/template.yaml', line: 1 } });

  it('maps no roots for code used as it is: the instance names its files by their workspace paths, code and layers alike', () => {
    const configuration = attachConfiguration(target, plain);
    assert.equal('localRoot' in configuration, false);
    assert.equal('remoteRoot' in configuration, false);
    assert.deepEqual(configuration.outFiles, ['/ws/fn/**/*.{js,mjs,cjs}', '!**/node_modules/**']);
    assert.deepEqual(configuration.resolveSourceMapLocations, ['/ws/layers/helper/**', '/ws/fn/**', '!**/node_modules/**']);
  });

  it('maps /var/task to the packaged bundle for an esbuild build, whose source map leads to the .ts files', () => {
    const configuration = attachConfiguration({ ...target, sourceRoots: [] }, plain);
    assert.equal(configuration.localRoot, '/cache/content/123');
    assert.equal(configuration.remoteRoot, '/var/task');
    assert.deepEqual(configuration.resolveSourceMapLocations, ['/cache/content/123/**', '/var/task/**', '!**/node_modules/**']);
  });

  it('attaches on 127.0.0.1 and never lets the debugger kill or follow processes', () => {
    const configuration = attachConfiguration(target, plain);
    assert.equal(configuration.request, 'attach');
    assert.equal(configuration.address, '127.0.0.1');
    assert.equal(configuration.port, 40123);
    assert.equal(configuration.attachExistingChildren, false);
    assert.equal(configuration.autoAttachChildProcesses, false);
    assert.equal(configuration.restart, false);
    assert.deepEqual(configuration.skipFiles, ['<node_internals>/**', '/var/runtime/**']);
  });

  it('prints for launch.json a plain node attach that a VS Code without Lambda Dock may Stop safely', () => {
    const configuration = launchJsonConfiguration(target, plain, 'Attach to Fn');
    assert.equal(configuration.type, 'node');
    assert.equal(configuration.request, 'attach');
    // No marker: without Lambda Dock nothing turns its Stop into a detach, so js-debug runs its own Stop: it
    // kills the process tree of the pid the debuggee reported, on this machine. js-debug has no attach setting
    // against that (killBehavior is read by launch sessions only, so it is not printed: it would only mislead).
    // What makes Stop harmless is the instance: the debugger reads a pid no process has (debuggerPid.ts; the
    // integration and editor tests watch a real inspector and a real js-debug Stop).
    assert.equal(configuration.lambdaDockInstance, undefined);
    assert.equal('killBehavior' in configuration, false);
    assert.equal(configuration.attachExistingChildren, false);
    assert.equal(configuration.autoAttachChildProcesses, false);
  });
});
