import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { requireEngine } from '../support/engine';
import { attachAndBreak, InspectorClient } from '../support/inspectorClient';

const CLI = path.join(__dirname, '../../../dist/cli.js');
/** The handler's `const greeting` line, 0-based as the inspector counts. */
const BREAK_LINE = 2;

function workspaceWithFunction(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-dock-cli-debug-'));
  fs.writeFileSync(
    path.join(dir, 'app.js'),
    `exports.handler = async (event) => {
  const name = event.name ?? 'nobody';
  const greeting = 'hello ' + name;
  return { greeting };
};
`,
  );
  fs.writeFileSync(path.join(dir, 'lambda-dock.json'), JSON.stringify({ functions: [{ name: 'Greeter', handler: 'app.handler', codeUri: '.', runtime: 'nodejs20.x', timeout: 1 }] }));
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A child's output as it comes; waits for text (an event of the process, not a timer). */
class Output {
  text = '';
  private wake: Array<() => void> = [];
  constructor(stream: NodeJS.ReadableStream) {
    stream.on('data', (data: Buffer) => {
      this.text += data.toString();
      for (const wake of this.wake.splice(0)) wake();
    });
    stream.on('end', () => {
      for (const wake of this.wake.splice(0)) wake();
    });
  }

  async match(pattern: RegExp, child: ChildProcess, what: string): Promise<RegExpExecArray> {
    for (;;) {
      const found = pattern.exec(this.text);
      if (found) return found;
      if (child.exitCode !== null) throw new Error(`the command exited (${child.exitCode}) before it printed ${what}:\n${this.text}`);
      await new Promise<void>((resolve) => this.wake.push(resolve));
    }
  }
}

function exited(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code ?? -1))));
}

describe('lambda-dock with --debug-port and a plain inspector-protocol client', function () {
  this.timeout(120_000);
  before(requireEngine);

  it('invoke waits for a debugger on 127.0.0.1:PORT, prints how to attach, stops at the breakpoint and prints the result', async () => {
    const workspace = workspaceWithFunction();
    const port = await freePort();
    const child = spawn(process.execPath, [CLI, 'invoke', 'Greeter', '--payload', '{"name":"cli"}', '--debug-port', String(port), '--json', '--workspace', workspace], { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout = new Output(child.stdout!);
    const stderr = new Output(child.stderr!);
    try {
      const [, url] = await stderr.match(/Inspector: (ws:\/\/\S+)/, child, 'the inspector URL');
      assert.match(url, new RegExp(`^ws://127\\.0\\.0\\.1:${port}/[0-9a-f-]+$`));
      const [, snippet] = await stderr.match(/launch\.json "configurations"\):\n([\s\S]+?\n {4}\})\n/, child, 'the launch.json configuration');
      const configuration = JSON.parse(snippet) as Record<string, unknown>;
      assert.equal(configuration.type, 'node');
      assert.equal(configuration.request, 'attach');
      assert.equal(configuration.address, '127.0.0.1');
      assert.equal(configuration.port, port);
      // No path mapping: the instance names its files by their workspace paths (a layer's too).
      assert.equal(configuration.remoteRoot, undefined);
      assert.equal(configuration.localRoot, undefined);
      assert.deepEqual(configuration.resolveSourceMapLocations, [`${workspace}/**`, '!**/node_modules/**']);
      assert.equal(configuration.lambdaDockInstance, undefined);
      // Nothing of the handler has run before a debugger released it.
      assert.equal(stdout.text, '');

      const client = await InspectorClient.connect(url);
      const paused = await attachAndBreak(client, 'app\\.js$', BREAK_LINE);
      assert.equal(client.frameUrl(paused), pathToFileURL(path.join(workspace, 'app.js')).href);
      assert.equal(paused.callFrames[0].location.lineNumber, BREAK_LINE);
      const name = await client.send<{ result: { value: unknown } }>('Debugger.evaluateOnCallFrame', { callFrameId: paused.callFrames[0].callFrameId, expression: 'name' });
      assert.equal(name.result.value, 'cli');
      await client.send('Debugger.resume');
      assert.equal(await exited(child), 0, stderr.text);
      client.close();
      const result = JSON.parse(stdout.text) as { status: string; payload: unknown; logs: string };
      assert.equal(result.status, 'ok');
      assert.deepEqual(result.payload, { greeting: 'hello cli' });
      assert.match(result.logs, /Debugged: timeout not enforced/);
    } finally {
      child.kill('SIGINT');
    }
  });

  it('serve --debug FUNCTION sends its invocations to a debugged instance on --debug-port', async () => {
    const workspace = workspaceWithFunction();
    const port = await freePort();
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--api-port', '0', '--no-watch', '--debug', 'Greeter', '--debug-port', String(port), '--json', '--workspace', workspace], { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout = new Output(child.stdout!);
    const stderr = new Output(child.stderr!);
    try {
      const [, endpoint] = await stdout.match(/"endpoint":"(http:\/\/127\.0\.0\.1:\d+)"/, child, 'the endpoint');
      const response = fetch(`${endpoint}/2015-03-31/functions/Greeter/invocations`, { method: 'POST', body: '{"name":"sdk"}' });
      const [, url] = await stderr.match(/Inspector: (ws:\/\/\S+)/, child, 'the inspector URL');
      assert.match(url, new RegExp(`^ws://127\\.0\\.0\\.1:${port}/`));
      const client = await InspectorClient.connect(url);
      const paused = await attachAndBreak(client, 'app\\.js$', BREAK_LINE);
      assert.equal(paused.callFrames[0].location.lineNumber, BREAK_LINE);
      await client.send('Debugger.resume');
      const answer = await response;
      assert.equal(answer.status, 200);
      assert.deepEqual(await answer.json(), { greeting: 'hello sdk' });
      client.close();
    } finally {
      child.kill('SIGINT');
      assert.equal(await exited(child), 0, stderr.text);
    }
  });
});
