import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import type { InvokeSummary } from '../../../../../src/extension/commands/invoke';
import type { LambdaDockApi } from '../../../../../src/extension/testApi';
import { ensureOfficialNodeImage } from '../../../../integration/support/officialNodeImage';
import { WORKSPACE_ENV } from '../../../protocol';
import { until } from '../../support/page';

const EXTENSION_ID = 'lambda-dock.lambda-dock';
const docker = new Docker({ socketPath: '/var/run/docker.sock' });

interface Stop {
  session: vscode.DebugSession;
  threadId: number;
  reason: string;
}

/**
 * What a user sees of a debug session, read through a debug adapter tracker: every `stopped` event any
 * session's adapter sends (js-debug reports them on the child session it makes for the process).
 */
class StopWatcher implements vscode.Disposable {
  private readonly stops: Stop[] = [];
  private wake: Array<() => void> = [];
  private readonly registration: vscode.Disposable;
  private readonly terminations: vscode.Disposable;
  private readonly ended = new Set<string>();

  constructor() {
    this.terminations = vscode.debug.onDidTerminateDebugSession((session) => this.ended.add(session.id));
    this.registration = vscode.debug.registerDebugAdapterTrackerFactory('*', {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (message: { type?: string; event?: string; body?: { threadId: number; reason: string } }) => {
          if (message.type !== 'event' || message.event !== 'stopped' || !message.body) return;
          this.stops.push({ session, threadId: message.body.threadId, reason: message.body.reason });
          for (const wake of this.wake.splice(0)) wake();
        },
      }),
    });
  }

  /** The next stop not taken yet; fails at once if the command that should stop ended first. */
  async next(what: string, command?: Thenable<unknown>, timeoutMs = 120_000): Promise<Stop> {
    const deadline = Date.now() + timeoutMs;
    let ended: unknown = undefined;
    let done = false;
    command?.then((value) => {
      ended = value;
      done = true;
      for (const wake of this.wake.splice(0)) wake();
    });
    while (this.stops.length === 0) {
      if (done) throw new Error(`the command ended before any debug session stopped (${what}): ${JSON.stringify(ended)}; see the Lambda Dock log`);
      if (Date.now() > deadline) throw new Error(`no debug session stopped (${what}) within ${timeoutMs / 1000} s`);
      await new Promise<void>((resolve) => {
        this.wake.push(resolve);
        setTimeout(resolve, 1000);
      });
    }
    return this.stops.shift()!;
  }

  /** Resolves when the session that stopped, and the session of ours it was made under, have ended. */
  async sessionEnded(stop: Stop): Promise<void> {
    const sessions = [stop.session, stop.session.parentSession].filter((s): s is vscode.DebugSession => s !== undefined);
    await until('the debug session to end', () => (sessions.every((s) => this.ended.has(s.id)) ? true : undefined), 60_000);
  }

  dispose(): void {
    this.registration.dispose();
    this.terminations.dispose();
  }
}

/** The top stack frame of a stop, as the Call Stack view shows it. */
async function topFrame(stop: Stop): Promise<{ id: number; path: string; line: number; shown: string }> {
  const trace = (await stop.session.customRequest('stackTrace', { threadId: stop.threadId, startFrame: 0, levels: 3 })) as { stackFrames: Array<{ id: number; name: string; line: number; source?: { path?: string } }> };
  const frame = trace.stackFrames[0];
  const shown = `stopped (${stop.reason}) at ${trace.stackFrames.map((f) => `${f.name} ${f.source?.path ?? '?'}:${f.line}`).join(' < ')}`;
  // In a remote window (code-server) sources come back as vscode-remote:// URIs: the path is the file's.
  const file = frame.source?.path ?? '';
  return { id: frame.id, path: file.startsWith('vscode-remote:') ? vscode.Uri.parse(file).path : file, line: frame.line, shown };
}

/** What hovering or watching an expression shows in that frame. */
async function evaluate(stop: Stop, frameId: number, expression: string): Promise<string> {
  const answer = (await stop.session.customRequest('evaluate', { expression, frameId, context: 'watch' })) as { result: string };
  return answer.result;
}

/**
 * Continue, as the toolbar's Continue. js-debug answers "Unable to resume" when the target is running again before
 * its own resumed event came in (seen now and then with TypeScript bundles under load, which js-debug pauses and
 * resumes itself while it applies source maps); the invocation then goes on all the same, which the tests then check.
 */
async function resume(stop: Stop): Promise<void> {
  try {
    await stop.session.customRequest('continue', { threadId: stop.threadId });
  } catch (error) {
    if (!/Unable to resume/.test((error as Error).message)) throw error;
  }
}

/**
 * The toolbar's Stop for this session: the command with the session as its context (what the Call Stack view
 * passes), which VS Code sends on to the root session, as it does the Stop of the focused session.
 */
async function stopLikeTheToolbar(session: vscode.DebugSession): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.debug.stop', undefined, { sessionId: session.id });
}

function breakpointAt(file: string, line: number): vscode.SourceBreakpoint {
  const breakpoint = new vscode.SourceBreakpoint(new vscode.Location(vscode.Uri.file(file), new vscode.Position(line - 1, 0)));
  vscode.debug.addBreakpoints([breakpoint]);
  return breakpoint;
}

/** Text a child process writes, waited for as it comes (an event of the process, not a timer). */
async function printed(child: ChildProcess, stream: NodeJS.ReadableStream, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  let text = '';
  return new Promise((resolve, reject) => {
    const onData = (data: Buffer) => {
      text += data.toString();
      const found = pattern.exec(text);
      if (!found) return;
      stream.off('data', onData);
      resolve(found);
    };
    stream.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the command exited (${code}) before it printed ${what}:\n${text}`)));
  });
}

function exitOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code ?? -1))));
}

describe('Step-through debugging in the editor', function () {
  this.timeout(240_000);
  let api: LambdaDockApi;
  let workspace: string;
  let stops: StopWatcher;

  before(async function () {
    this.timeout(15 * 60_000);
    workspace = process.env[WORKSPACE_ENV]!;
    const extension = vscode.extensions.getExtension<LambdaDockApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    stops = new StopWatcher();
    // RicFunction runs in a stand-in of the official nodejs22.x image, first with AWS's own runtime client
    // (aws-lambda-ric, through the image's entrypoint), at the end with ours on the image's Node.js.
    const image = await ensureOfficialNodeImage(docker);
    const settings = vscode.workspace.getConfiguration('lambdaDock');
    await settings.update('runtimeImages', { 'nodejs22.x': image.tag }, vscode.ConfigurationTarget.Global);
    await settings.update('officialImageClient', 'aws', vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.view.extension.lambda-dock');
    await until('the engine', () => (api.engineState().kind === 'ready' ? true : undefined), 60_000);
  });

  after(() => {
    stops?.dispose();
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
  });

  it('shows Invoke | Debug above the handler\'s export in its TypeScript source', async () => {
    const file = vscode.Uri.file(path.join(workspace, 'ts', 'app.ts'));
    await vscode.window.showTextDocument(file);
    const lenses = await until('the code lenses', async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', file);
      return found.length >= 2 ? found : undefined;
    });
    assert.deepEqual(lenses.map((lens) => lens.command?.title), ['Invoke', 'Debug']);
    assert.deepEqual(lenses.map((lens) => lens.range.start.line), [4, 4]);
    assert.deepEqual(lenses.map((lens) => [lens.command?.command, lens.command?.arguments]), [
      ['lambdaDock.invokeFunction', ['TsFunction']],
      ['lambdaDock.debugFunction', ['TsFunction']],
    ]);
  });

  it('Debug Function stops at a breakpoint in the TypeScript source, evaluates a variable, and returns the result', async () => {
    const breakpoint = breakpointAt(path.join(workspace, 'ts', 'app.ts'), 7);
    try {
      const summary = vscode.commands.executeCommand<InvokeSummary>('lambdaDock.debugFunction', 'TsFunction', { name: 'typescript' });
      const stop = await stops.next('at app.ts:7', summary);
      const frame = await topFrame(stop);
      assert.equal(frame.path, path.join(workspace, 'ts', 'app.ts'), frame.shown);
      assert.equal(frame.line, 7, frame.shown);
      assert.equal(await evaluate(stop, frame.id, 'name'), "'typescript'");
      await resume(stop);
      const result = await summary;
      assert.equal(result.status, 'ok', result.payload);
      assert.deepEqual(JSON.parse(result.payload), { greeting: 'hello typescript', language: 'typescript' });
      assert.equal(result.debugged, true);
      // The instance was for this invocation: it ends, and its session with it.
      await stops.sessionEnded(stop);
      await until('the instance to end', () => (api.instances().some((i) => i.instanceId === result.instanceId) ? undefined : true));
    } finally {
      vscode.debug.removeBreakpoints([breakpoint]);
    }
  });

  it('stops at the TypeScript line through a source map inline in the bundle (Sourcemap: inline)', async () => {
    const breakpoint = breakpointAt(path.join(workspace, 'ts-inline', 'app.ts'), 7);
    try {
      const summary = vscode.commands.executeCommand<InvokeSummary>('lambdaDock.debugFunction', 'TsInlineFunction', { name: 'inline' });
      const stop = await stops.next('at ts-inline/app.ts:7', summary);
      const frame = await topFrame(stop);
      assert.equal(frame.path, path.join(workspace, 'ts-inline', 'app.ts'), frame.shown);
      assert.equal(frame.line, 7, frame.shown);
      assert.equal(await evaluate(stop, frame.id, 'name'), "'inline'");
      // The instance runs a bundle whose map is only the data: URL inside it.
      const instance = await until('the debugged instance', () => api.instances().find((i) => i.functionName === 'TsInlineFunction' && i.containerId));
      const mounts = (await docker.getContainer(instance.containerId!).inspect()).Mounts;
      const code = mounts.find((m) => m.Destination === '/var/task')!.Source;
      assert.deepEqual(fs.readdirSync(code), ['app.js']);
      assert.match(fs.readFileSync(path.join(code, 'app.js'), 'utf8'), /\/\/# sourceMappingURL=data:application\/json;base64,/);
      await resume(stop);
      const result = await summary;
      assert.equal(result.status, 'ok', result.payload);
      assert.deepEqual(JSON.parse(result.payload), { greeting: 'hello inline', language: 'typescript, inline map' });
      await stops.sessionEnded(stop);
    } finally {
      vscode.debug.removeBreakpoints([breakpoint]);
    }
  });

  it('stops at a breakpoint in a layer\'s file, and the frame opens that workspace file', async () => {
    const layerFile = path.join(workspace, 'layers', 'shout', 'nodejs', 'shout.js');
    const breakpoint = breakpointAt(layerFile, 2);
    try {
      const summary = vscode.commands.executeCommand<InvokeSummary>('lambdaDock.debugFunction', 'LayeredFunction', { name: 'layer' });
      const stop = await stops.next('at layers/shout/nodejs/shout.js:2', summary);
      const frame = await topFrame(stop);
      assert.equal(frame.path, layerFile, frame.shown);
      assert.equal(frame.line, 2, frame.shown);
      assert.equal(await evaluate(stop, frame.id, 'text'), "'layer'");
      // The handler's own frame, below, is the function's workspace file.
      assert.ok(frame.shown.includes(`${path.join(workspace, 'layered', 'app.js')}:4`), frame.shown);
      await resume(stop);
      const result = await summary;
      assert.equal(result.status, 'ok', result.payload);
      assert.deepEqual(JSON.parse(result.payload), { text: 'LAYER!' });
      await stops.sessionEnded(stop);
    } finally {
      vscode.debug.removeBreakpoints([breakpoint]);
    }
  });

  /** Debug Function on RicFunction: stops at ric/app.js:3 in the workspace's file, resumes, returns what ran it. */
  async function debugRicFunction(name: string): Promise<string> {
    const breakpoint = breakpointAt(path.join(workspace, 'ric', 'app.js'), 3);
    try {
      const summary = vscode.commands.executeCommand<InvokeSummary>('lambdaDock.debugFunction', 'RicFunction', { name });
      const stop = await stops.next('at ric/app.js:3', summary);
      const frame = await topFrame(stop);
      assert.equal(frame.path, path.join(workspace, 'ric', 'app.js'), frame.shown);
      assert.equal(frame.line, 3, frame.shown);
      assert.equal(await evaluate(stop, frame.id, 'name'), `'${name}'`);
      await resume(stop);
      const result = await summary;
      assert.equal(result.status, 'ok', result.payload);
      const body = JSON.parse(result.payload) as { greeting: string; client: string };
      assert.equal(body.greeting, `hello ${name}`);
      await stops.sessionEnded(stop);
      return body.client;
    } finally {
      vscode.debug.removeBreakpoints([breakpoint]);
    }
  }

  it('stops in a JavaScript function run by AWS\'s own runtime client, mapping /var/task to the workspace folder', async () => {
    // lambdaDock.officialImageClient "aws": the official image's entrypoint runs AWS's client (/var/runtime/index.mjs).
    assert.equal(await debugRicFunction('ric'), '/var/runtime/index.mjs');
  });

  it('debugs through a launch.json configuration of type lambda-dock', async () => {
    const breakpoint = breakpointAt(path.join(workspace, 'ts', 'app.ts'), 7);
    try {
      const folder = vscode.workspace.workspaceFolders![0];
      const before = api.resultView('TsFunction')?.model.requestId;
      await vscode.debug.startDebugging(folder, 'Debug TsFunction (launch.json)');
      const stop = await stops.next('from launch.json');
      const frame = await topFrame(stop);
      assert.equal(frame.path, path.join(workspace, 'ts', 'app.ts'), frame.shown);
      assert.equal(frame.line, 7, frame.shown);
      assert.equal(await evaluate(stop, frame.id, 'name'), "'launch'");
      await resume(stop);
      const shown = await until('the result of the launch.json run', () => {
        const view = api.resultView('TsFunction');
        return view && view.model.requestId !== before ? view : undefined;
      }, 60_000);
      assert.equal(shown.model.status, 'ok');
      assert.deepEqual(JSON.parse(shown.model.response?.text ?? 'null'), { greeting: 'hello launch', language: 'typescript' });
      assert.ok(shown.model.logs.includes('Debugged: timeout not enforced'), shown.model.logs);
      await stops.sessionEnded(stop);
    } finally {
      vscode.debug.removeBreakpoints([breakpoint]);
    }
  });

  it('in debug mode every invocation of the function stops, on one debugged instance', async () => {
    const breakpoint = breakpointAt(path.join(workspace, 'ts', 'app.ts'), 7);
    try {
      await vscode.commands.executeCommand('lambdaDock.toggleDebugMode', 'TsFunction');
      const item = await until('the function item in debug mode', () => api.functionItems().find((i) => i.label === 'TsFunction' && i.contextValue.endsWith('.debugMode')));
      assert.match(item.description, /debug mode/);
      const results: InvokeSummary[] = [];
      let last: Stop | undefined;
      for (const name of ['first', 'second']) {
        // Invoke Function, not Debug Function: debug mode sends every invocation to the debugged instance.
        const summary = vscode.commands.executeCommand<InvokeSummary>('lambdaDock.invokeFunction', 'TsFunction', { name });
        const stop = await stops.next(`debug mode, ${name}`, summary);
        const frame = await topFrame(stop);
        assert.equal(frame.line, 7, frame.shown);
        assert.equal(await evaluate(stop, frame.id, 'name'), `'${name}'`);
        await resume(stop);
        results.push(await summary);
        last = stop;
      }
      assert.deepEqual(results.map((r) => JSON.parse(r.payload).greeting), ['hello first', 'hello second']);
      assert.equal(results[1].instanceId, results[0].instanceId);
      assert.equal(results[1].coldStart, false);
      await vscode.commands.executeCommand('lambdaDock.toggleDebugMode', 'TsFunction');
      // Debug mode off: its instance ends, and the session with it.
      await stops.sessionEnded(last!);
    } finally {
      vscode.debug.removeBreakpoints([breakpoint]);
    }
  });

  it('Stop ends the instance through the engine and never touches other processes: one beside the editor survives', async () => {
    const breakpoint = breakpointAt(path.join(workspace, 'ts', 'app.ts'), 7);
    // A process beside the editor, in its pid namespace: js-debug's kill of "pid 1's tree" would reach it.
    const sentinel = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
    sentinel.unref();
    try {
      const summary = vscode.commands.executeCommand<InvokeSummary>('lambdaDock.debugFunction', 'TsFunction', { name: 'stop' });
      const stop = await stops.next('before Stop', summary);
      const instance = await until('the debugged instance', () => api.instances().find((i) => i.functionName === 'TsFunction' && i.containerId));
      // Stop (Shift+F5, the toolbar's Stop) on the session that stopped, named as the Call Stack view names it
      // (which session has the focus after a stop varies under load): VS Code sends it to the root session and
      // asks the adapter to terminate the debuggee, which js-debug does by killing its pid's process tree here.
      await stopLikeTheToolbar(stop.session);
      const result = await summary;
      assert.equal(result.status, 'error');
      assert.equal(result.error?.errorType, 'Runtime.ExitError');
      assert.match(result.error?.errorMessage ?? '', /the debug session was stopped/);
      await stops.sessionEnded(stop);
      await until('the container to be removed', async () => {
        try {
          await docker.getContainer(instance.containerId!).inspect();
          return undefined;
        } catch (error) {
          return (error as { statusCode?: number }).statusCode === 404 ? true : undefined;
        }
      });
      assert.doesNotThrow(() => process.kill(sentinel.pid!, 0), 'the process beside the editor is still running');
      assert.doesNotThrow(() => process.kill(1, 0), 'the namespace\'s first process (the editor\'s launcher) is still running');
    } finally {
      vscode.debug.removeBreakpoints([breakpoint]);
      try {
        process.kill(sentinel.pid!, 'SIGKILL');
      } catch {
        // already gone: the assertion above said so
      }
    }
  });

  it("stops in the same function run by Lambda Dock's runtime client on the official image's Node.js", async () => {
    const before = api.sessionId();
    await vscode.workspace.getConfiguration('lambdaDock').update('officialImageClient', 'lambda-dock', vscode.ConfigurationTarget.Global);
    // The setting restarts the engine session; the functions are deployed to the new one.
    await until('a new engine session', () => (api.engineState().kind === 'ready' && api.sessionId() !== before ? true : undefined), 60_000);
    assert.equal(await debugRicFunction('ours'), '/var/runtime/lambda-dock/bootstrap.js');
  });

  it('Stop on the launch.json configuration the CLI prints, without Lambda Dock\'s help, reaches no process: one beside the editor survives', async () => {
    const breakpoint = breakpointAt(path.join(workspace, 'ts', 'app.ts'), 7);
    const sentinel = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
    sentinel.unref();
    const cli = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'cli.js');
    const child = spawn(process.execPath, [cli, 'invoke', 'TsFunction', '--payload', '{"name":"cli"}', '--debug-port', '0', '--json', '--workspace', workspace], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout!.on('data', (data: Buffer) => (stdout += data.toString()));
    try {
      const [, snippet] = await printed(child, child.stderr!, /launch\.json "configurations"\):\n([\s\S]+?\n {4}\})\n/, 'the launch.json configuration');
      const configuration = JSON.parse(snippet) as vscode.DebugConfiguration;
      // What a user without Lambda Dock pastes: a plain node attach that no extension of ours watches over.
      assert.equal(configuration.type, 'node');
      assert.equal(configuration.lambdaDockInstance, undefined);
      assert.ok(await vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0], configuration));
      const stop = await stops.next('the CLI\'s instance at app.ts:7');
      const frame = await topFrame(stop);
      assert.equal(frame.path, path.join(workspace, 'ts', 'app.ts'), frame.shown);
      // Stop: js-debug kills the process tree of the pid the instance told it, here, in the editor's pid namespace.
      await stopLikeTheToolbar(stop.session);
      await stops.sessionEnded(stop);
      // The debugger let the handler go when it left: the invocation ends as usual and the CLI prints it.
      assert.equal(await exitOf(child), 0, stdout);
      assert.deepEqual(JSON.parse(stdout).payload, { greeting: 'hello cli', language: 'typescript' });
      assert.doesNotThrow(() => process.kill(sentinel.pid!, 0), 'the process beside the editor is still running');
      assert.doesNotThrow(() => process.kill(1, 0), 'the namespace\'s first process (the editor\'s launcher) is still running');
    } finally {
      vscode.debug.removeBreakpoints([breakpoint]);
      child.kill('SIGINT');
      try {
        process.kill(sentinel.pid!, 'SIGKILL');
      } catch {
        // already gone: the assertion above said so
      }
    }
  });
});
