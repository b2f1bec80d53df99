import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { FIXTURE_WORKSPACE, parse, sdkClient } from './harness';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

/** serve --json prints its state (endpoint, functions, URLs) and each deploy report, one JSON object a line. */
interface ServeState {
  endpoint: string;
  functions: string[];
  functionUrls: Record<string, string>;
  reason?: 'deploy' | 'watch';
}
interface DeployLine {
  reason?: 'deploy' | 'watch';
  functions?: { name: string; change: string }[];
}

/** `lambda-dock serve --json` as a user runs it: a child process, its JSON lines read as they come. */
describe('lambda-dock serve', function () {
  this.timeout(120_000);
  let workspace: string;
  let child: ChildProcess;
  const lines: ServeState[] = [];
  let waiters: Array<() => void> = [];
  let stderr = '';

  const nextLine = async (predicate: (line: ServeState) => boolean, what: string): Promise<ServeState> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const found = lines.find(predicate);
      if (found) return found;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`serve never printed ${what}; stderr:\n${stderr}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 500);
      });
    }
  };

  before(() => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run 'npm run build' first`);
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-dock-serve-'));
    fs.cpSync(FIXTURE_WORKSPACE, workspace, { recursive: true });
    child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--api-port', '0', '--json', '--workspace', workspace], { stdio: ['ignore', 'pipe', 'pipe'] });
    let buffered = '';
    child.stdout?.on('data', (data: Buffer) => {
      buffered += data.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.trim()) lines.push(JSON.parse(line) as ServeState);
      }
      for (const wake of waiters) wake();
      waiters = [];
    });
    child.stderr?.on('data', (data: Buffer) => (stderr += data.toString()));
  });

  after(async () => {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('prints the endpoint and Function URLs, serves the SDK, redeploys on save, and stops on Ctrl-C', async () => {
    const state = await nextLine((line) => line.endpoint !== undefined, 'its endpoint');
    assert.ok(lines.some((line) => (line as unknown as DeployLine).reason === 'deploy'), 'the deploy report came first');
    assert.match(state.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(state.functions.includes('Echo'));
    assert.deepEqual(Object.keys(state.functionUrls).sort(), ['Web', 'WebStream']);

    const client = sdkClient(state.endpoint);
    try {
      const echo = await client.send(new InvokeCommand({ FunctionName: 'Echo', Payload: Buffer.from('{"via":"serve"}') }));
      assert.deepEqual(parse<{ event: unknown }>(echo.Payload).event, { via: 'serve' });
      const web = await fetch(new URL('/from-test', state.functionUrls.Web));
      assert.equal(web.status, 200);
      assert.equal(web.headers.get('x-seen-path'), '/from-test');

      const before = await client.send(new InvokeCommand({ FunctionName: 'Throws' }));
      assert.equal(parse<{ errorType: string }>(before.Payload).errorType, 'TypeError');
      const file = path.join(workspace, 'src/throws.js');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('new TypeError', 'new RangeError'));
      await nextLine((line) => {
        const report = line as unknown as DeployLine;
        return report.reason === 'watch' && (report.functions ?? []).some((fn) => fn.name === 'Throws' && fn.change === 'changed');
      }, 'a redeploy of Throws');
      const after = await client.send(new InvokeCommand({ FunctionName: 'Throws' }));
      assert.equal(parse<{ errorType: string }>(after.Payload).errorType, 'RangeError');
    } finally {
      client.destroy();
    }

    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, `serve exits cleanly on Ctrl-C; stderr:\n${stderr}`);
  });
});
