import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ProcessBackend } from '../../../src/core/engine/processBackend';
import type { DebugTarget } from '../../../src/core/debug/debugTarget';
import { FunctionHost } from '../../../src/core/runtime/functionHost';
import type { InvokeResult } from '../../../src/core/runtime/invokeResult';
import { ensureAwsRicImage } from '../support/awsRicImage';
import { ensureOfficialNodeImage } from '../support/officialNodeImage';
import { containerExists, docker, json, makeFunction, parse, requireEngine, startDockerHost } from '../support/engine';
import { UNREACHABLE_PID } from '../../../src/core/runtime/client/debuggerPid';
import { attachAndBreak, InspectorClient, pidSeenByJsDebug, type Paused } from '../support/inspectorClient';

/** The handler's `const greeting = ...` line (0-based, as the inspector counts). */
const BREAK_LINE = 2;
const handlerSource = `exports.handler = async (event) => {
  const name = event.name ?? 'nobody';
  const greeting = 'hello ' + name;
  return { greeting };
};
`;
const esmSource = `export const handler = async (event) => {
  const name = event.name ?? 'nobody';
  const greeting = 'hello ' + name;
  return { greeting };
};
`;

/**
 * Debugs one invocation as an inspector-protocol debugger does: waits for the target, attaches, sets a
 * breakpoint by URL, releases the runtime, sees the pause at that line, reads a variable, holds the pause
 * for `holdMs`, resumes; returns the invocation's result, the target and the pause.
 */
async function debugOnce(host: FunctionHost, name: string, file: string, holdMs = 0): Promise<{ result: InvokeResult; target: DebugTarget; paused: Paused; url: string | undefined; value: unknown; debuggerPid: unknown }> {
  let announce!: (target: DebugTarget) => void;
  const announced = new Promise<DebugTarget>((resolve) => (announce = resolve));
  const invocation = host.invoke(name, json({ name: 'debugger' }), { debug: { onTarget: announce } });
  const target = await Promise.race([announced, invocation.then((r) => Promise.reject(new Error(`ended before a debugger attached: ${r.logs}`)))]);
  const client = await InspectorClient.connect(target.webSocketUrl);
  try {
    // js-debug reads the pid right after it attaches, while the runtime still waits for it.
    const debuggerPid = await pidSeenByJsDebug(client);
    const paused = await attachAndBreak(client, `${file.replace(/\./g, '\\.')}$`, BREAK_LINE);
    const evaluated = await client.send<{ result: { value: unknown } }>('Debugger.evaluateOnCallFrame', { callFrameId: paused.callFrames[0].callFrameId, expression: 'name' });
    if (holdMs) await new Promise((resolve) => setTimeout(resolve, holdMs));
    await client.send('Debugger.resume');
    return { result: await invocation, target, paused, url: client.frameUrl(paused), value: evaluated.result.value, debuggerPid };
  } finally {
    client.close();
  }
}

describe('Debugging an invocation through the Node.js inspector', function () {
  describe('in the local Node.js image (our runtime client)', () => {
    let host: FunctionHost;
    const fn = makeFunction('DebugLocal', { 'app.js': handlerSource }, { timeoutSeconds: 1 });
    const esm = makeFunction('DebugLocalEsm', { 'app.mjs': esmSource });
    const pid = makeFunction('DebugLocalPid', { 'app.js': 'exports.handler = async () => ({ pid: process.pid });\n' });
    const layerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-dock-debug-layer-'));
    fs.mkdirSync(path.join(layerDir, 'nodejs'));
    fs.writeFileSync(path.join(layerDir, 'nodejs', 'shout.js'), "exports.shout = (text) => {\n  const loud = text.toUpperCase();\n  return loud + '!';\n};\n");
    const layered = makeFunction('DebugLocalLayer', { 'app.js': "const { shout } = require('/opt/nodejs/shout');\nexports.handler = async (event) => ({ text: shout(event.name) });\n" }, {
      layers: [{ name: 'Shout', dir: layerDir }],
    });
    before(async () => {
      host = await startDockerHost();
      await host.deploy([fn, esm, pid, layered]);
    });
    after(async () => host?.dispose());

    it('stops at a breakpoint set before the handler runs, on 127.0.0.1 only, and returns the result once resumed', async () => {
      const { result, target, paused, url, value, debuggerPid } = await debugOnce(host, 'DebugLocal', 'app.js');
      assert.equal(target.address, '127.0.0.1');
      // js-debug kills the tree of the pid it reads when its session is stopped: none of this machine's.
      assert.equal(debuggerPid, UNREACHABLE_PID);
      assert.match(target.webSocketUrl, new RegExp(`^ws://127\\.0\\.0\\.1:${target.port}/[0-9a-f-]+$`));
      assert.equal(target.remoteRoot, '/var/task');
      // The instance names the file by where it came from: the debugger sees the workspace's path.
      assert.equal(url, pathToFileURL(path.join(fn.codeDir!, 'app.js')).href);
      assert.equal(paused.callFrames[0].location.lineNumber, BREAK_LINE);
      assert.equal(value, 'debugger');
      assert.equal(result.status, 'ok', result.logs);
      assert.deepEqual(parse(result.payload), { greeting: 'hello debugger' });
      assert.match(result.logs, /\tDebugged: timeout not enforced/);
      // The instance was for this invocation alone.
      assert.equal(host.instances().filter((i) => i.functionName === 'DebugLocal').length, 0);
    });

    it('publishes the inspector on the host\'s loopback only', async () => {
      let announce!: (target: DebugTarget) => void;
      const announced = new Promise<DebugTarget>((resolve) => (announce = resolve));
      const invocation = host.invoke('DebugLocal', json({}), { debug: { onTarget: announce } });
      const target = await announced;
      const instance = host.instances().find((i) => i.instanceId === target.instanceId);
      const info = await docker.getContainer(instance!.containerId!).inspect();
      assert.deepEqual(info.HostConfig.PortBindings, { '9229/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] });
      assert.deepEqual(info.NetworkSettings.Ports['9229/tcp']?.map((b) => b.HostIp), ['127.0.0.1']);
      const client = await InspectorClient.connect(target.webSocketUrl);
      await client.send('Runtime.runIfWaitingForDebugger');
      assert.equal((await invocation).status, 'ok');
      client.close();
      assert.equal(await containerExists(instance!.containerId!), false);
    });

    it('does not time out an invocation paused longer than its timeout', async () => {
      const { result } = await debugOnce(host, 'DebugLocal', 'app.js', 1500);
      assert.equal(result.status, 'ok', result.logs);
      assert.deepEqual(parse(result.payload), { greeting: 'hello debugger' });
      assert.ok(result.report.durationMs >= 1500, `held ${result.report.durationMs} ms`);
    });

    it('ends the invocation as stopped when its debug session is stopped, even if the debugger then lets the handler go', async () => {
      let announce!: (target: DebugTarget) => void;
      const announced = new Promise<DebugTarget>((resolve) => (announce = resolve));
      const invocation = host.invoke('DebugLocal', json({ name: 'stopped' }), { debug: { onTarget: announce } });
      const target = await announced;
      const client = await InspectorClient.connect(target.webSocketUrl);
      await attachAndBreak(client, 'app\\.js$', BREAK_LINE);
      const containerId = host.instances().find((i) => i.instanceId === target.instanceId)!.containerId!;
      const terminated = host.terminateInstance(target.instanceId, { debugStopped: true });
      // A detaching debugger resumes the handler at once; the invocation was settled before.
      await client.send('Debugger.resume').catch(() => undefined);
      const result = await invocation;
      await terminated;
      client.close();
      assert.equal(result.status, 'error');
      assert.equal(result.error?.errorType, 'Runtime.ExitError');
      assert.match(result.error?.errorMessage ?? '', /the debug session was stopped/);
      assert.equal(await containerExists(containerId), false);
    });

    it('tells the debugger a pid no process has, and the function its own', async () => {
      let announce!: (target: DebugTarget) => void;
      const announced = new Promise<DebugTarget>((resolve) => (announce = resolve));
      const invocation = host.invoke('DebugLocalPid', json({}), { debug: { onTarget: announce } });
      const client = await InspectorClient.connect((await announced).webSocketUrl);
      assert.equal(await pidSeenByJsDebug(client), UNREACHABLE_PID);
      await client.send('Runtime.runIfWaitingForDebugger');
      const result = await invocation;
      client.close();
      const { pid: truePid } = parse(result.payload) as { pid: number };
      assert.equal(typeof truePid, 'number');
      assert.notEqual(truePid, UNREACHABLE_PID);
    });

    it('stops at a breakpoint in a layer\'s file set by its workspace path, the frame naming that file', async () => {
      let announce!: (target: DebugTarget) => void;
      const announced = new Promise<DebugTarget>((resolve) => (announce = resolve));
      const invocation = host.invoke('DebugLocalLayer', json({ name: 'layer' }), { debug: { onTarget: announce } });
      const client = await InspectorClient.connect((await announced).webSocketUrl);
      try {
        const layerFile = pathToFileURL(path.join(layerDir, 'nodejs', 'shout.js')).href;
        // What js-debug sends for a breakpoint in that file, with no path mapping: the file's own URL.
        const paused = await attachAndBreak(client, layerFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'), 1);
        assert.equal(client.frameUrl(paused), layerFile);
        assert.equal(paused.callFrames[0].location.lineNumber, 1);
        assert.equal(client.frameUrl(paused, 1), pathToFileURL(path.join(layered.codeDir!, 'app.js')).href);
        await client.send('Debugger.resume');
        const result = await invocation;
        assert.deepEqual(parse(result.payload), { text: 'LAYER!' });
      } finally {
        client.close();
      }
    });

    it('stops in an ES module handler', async () => {
      const { result, url, value } = await debugOnce(host, 'DebugLocalEsm', 'app.mjs');
      assert.equal(url, pathToFileURL(path.join(esm.codeDir!, 'app.mjs')).href);
      assert.equal(value, 'debugger');
      assert.deepEqual(parse(result.payload), { greeting: 'hello debugger' });
    });

    it('in debug mode sends every invocation to one debugged instance, and stops at each', async () => {
      const targets: DebugTarget[] = [];
      const onTarget = (target: DebugTarget) => targets.push(target);
      host.on('debugTarget', onTarget);
      try {
        host.setDebugMode('DebugLocal', {});
        const first = host.invoke('DebugLocal', json({ name: 'one' }));
        while (targets.length === 0) await new Promise((resolve) => host.once('debugTarget', resolve));
        assert.equal(targets[0].scope, 'function');
        const client = await InspectorClient.connect(targets[0].webSocketUrl);
        const firstPause = await attachAndBreak(client, 'app\\.js$', BREAK_LINE);
        assert.equal(firstPause.callFrames[0].location.lineNumber, BREAK_LINE);
        await client.send('Debugger.resume');
        assert.deepEqual(parse((await first).payload), { greeting: 'hello one' });
        const secondPause = client.next<Paused>('Debugger.paused');
        const second = host.invoke('DebugLocal', json({ name: 'two' }));
        assert.equal((await secondPause).callFrames[0].location.lineNumber, BREAK_LINE);
        await client.send('Debugger.resume');
        const secondResult = await second;
        assert.deepEqual(parse(secondResult.payload), { greeting: 'hello two' });
        assert.equal(secondResult.coldStart, false);
        assert.equal(secondResult.instanceId, (await first).instanceId);
        assert.equal(targets.length, 1);
        host.setDebugMode('DebugLocal', undefined);
        await client.closed;
        const plain = await host.invoke('DebugLocal', json({ name: 'plain' }));
        assert.equal(plain.debugged, undefined);
        assert.doesNotMatch(plain.logs, /Debugged/);
      } finally {
        host.off('debugTarget', onTarget);
        host.setDebugMode('DebugLocal', undefined);
      }
    });
  });

  describe('in an image that runs AWS\'s own runtime client (NODE_OPTIONS)', () => {
    let host: FunctionHost;
    const fn = makeFunction('DebugRic', { 'app.js': handlerSource }, { runtime: 'nodejs22.x', timeoutSeconds: 1 });
    before(async function () {
      this.timeout(15 * 60_000);
      await requireEngine();
      const image = await ensureAwsRicImage(docker);
      host = await startDockerHost({ runtimeImages: { 'nodejs22.x': image.tag } });
      await host.deploy([fn]);
    });
    after(async () => host?.dispose());

    it('stops at the breakpoint, is not timed out while paused, and returns the result', async () => {
      const { result, url, value, target, debuggerPid } = await debugOnce(host, 'DebugRic', 'app.js', 1500);
      assert.equal(target.address, '127.0.0.1');
      // Our preload runs before AWS's client and before the debugger can read anything: the same pid.
      assert.equal(debuggerPid, UNREACHABLE_PID);
      assert.equal(url, pathToFileURL(path.join(fn.codeDir!, 'app.js')).href);
      assert.equal(value, 'debugger');
      assert.equal(result.status, 'ok', result.logs);
      assert.deepEqual(parse(result.payload), { greeting: 'hello debugger' });
      assert.match(result.logs, /\tDebugged: timeout not enforced/);
    });
  });

  describe("in an official image, run by our runtime client on the image's Node.js", () => {
    let host: FunctionHost;
    const fn = makeFunction('DebugOfficial', { 'app.js': handlerSource }, { runtime: 'nodejs22.x', timeoutSeconds: 1 });
    before(async function () {
      this.timeout(15 * 60_000);
      await requireEngine();
      const image = await ensureOfficialNodeImage(docker);
      host = await startDockerHost({ runtimeImages: { 'nodejs22.x': image.tag } });
      await host.deploy([fn]);
    });
    after(async () => host?.dispose());

    it('stops at the breakpoint before the handler runs, is not timed out while paused, and returns the result', async () => {
      const { result, url, value, target } = await debugOnce(host, 'DebugOfficial', 'app.js', 1500);
      assert.equal(target.address, '127.0.0.1');
      assert.equal(url, pathToFileURL(path.join(fn.codeDir!, 'app.js')).href);
      assert.deepEqual(target.runtimeFiles, ['/var/runtime/**']);
      assert.equal(value, 'debugger');
      assert.equal(result.status, 'ok', result.logs);
      assert.deepEqual(parse(result.payload), { greeting: 'hello debugger' });
      assert.match(result.logs, /\tDebugged: timeout not enforced/);
    });
  });

  describe('in the process backend (node on the host)', () => {
    let host: FunctionHost;
    const fn = makeFunction('DebugProcess', { 'app.js': handlerSource }, { timeoutSeconds: 1 });
    before(async () => {
      host = await FunctionHost.start({ workspace: fn.codeDir!, backend: new ProcessBackend() });
      await host.deploy([fn]);
    });
    after(async () => host?.dispose());

    it('listens on 127.0.0.1, stops at the breakpoint and returns the result', async () => {
      const { result, url, value, target, debuggerPid } = await debugOnce(host, 'DebugProcess', 'app.js', 1500);
      assert.equal(target.address, '127.0.0.1');
      assert.equal(debuggerPid, UNREACHABLE_PID);
      assert.equal(url, pathToFileURL(path.join(fn.codeDir!, 'app.js')).href);
      assert.equal(value, 'debugger');
      assert.deepEqual(parse(result.payload), { greeting: 'hello debugger' });
      assert.equal(host.instances().length, 0);
    });
  });
});
