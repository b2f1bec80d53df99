import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { startServe, type ServeProcess } from '../support/serveProcess';
import { FIXTURE_WORKSPACE, parse, sdkClient } from './harness';

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
  let serve: ServeProcess;
  const nextLine = (predicate: (line: ServeState) => boolean, what: string) => serve.nextLine((line) => predicate(line as ServeState), what) as Promise<ServeState>;

  before(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-dock-serve-'));
    fs.cpSync(FIXTURE_WORKSPACE, workspace, { recursive: true });
    serve = startServe(workspace);
  });

  after(async () => {
    await serve?.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('prints the endpoint and Function URLs, serves the SDK, prints the function\'s log on stderr, redeploys on save, and stops on Ctrl-C', async () => {
    const state = await nextLine((line) => line.endpoint !== undefined, 'its endpoint');
    assert.ok(serve.lines.some((line) => line.reason === 'deploy'), 'the deploy report came first');
    assert.match(state.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(state.functions.includes('Echo'));
    assert.deepEqual(Object.keys(state.functionUrls).sort(), ['Web', 'WebStream']);

    const client = sdkClient(state.endpoint);
    try {
      const echo = await client.send(new InvokeCommand({ FunctionName: 'Echo', Payload: Buffer.from('{"via":"serve"}') }));
      assert.deepEqual(parse<{ event: unknown }>(echo.Payload).event, { via: 'serve' });
      // The answer does not wait for the log; serve prints it on stderr as it arrives.
      const id = echo.$metadata.requestId ?? '';
      await serve.untilStderr(`END RequestId: ${id}\nREPORT RequestId: ${id}\t`, 'the invocation\'s log');
      assert.match(serve.stderr, new RegExp(`START RequestId: ${id} Version: \\$LATEST\\n[^]*END RequestId: ${id}\\n`));
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

    const code = await serve.interrupt();
    assert.equal(code, 0, `serve exits cleanly on Ctrl-C; stderr:\n${serve.stderr}`);
  });
});
