import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProcessBackend } from '../../../src/core/engine/processBackend';
import { withLambdaDefaults } from '../../../src/core/functions/definition';
import { FunctionHost } from '../../../src/core/runtime/functionHost';

describe('the process backend (no engine)', function () {
  this.timeout(20_000);

  it('runs the same runtime client as a child process, and says it is not isolated', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ld-process-'));
    fs.writeFileSync(path.join(dir, 'app.js'), 'exports.handler = async (e, c) => ({ doubled: e.n * 2, name: c.functionName, pid: process.pid });');
    const host = await FunctionHost.start({ workspace: dir, backend: new ProcessBackend() });
    try {
      assert.equal(host.backend.isolated, false);
      await host.deploy([withLambdaDefaults({ name: 'Local', runtime: 'nodejs20.x', handler: 'app.handler', codeDir: dir, source: { file: dir, line: 1 } })]);
      const first = await host.invoke('Local', Buffer.from('{"n":21}'));
      const body = JSON.parse(first.payload.toString()) as { doubled: number; name: string; pid: number };
      assert.deepEqual([body.doubled, body.name], [42, 'Local']);
      assert.notEqual(body.pid, process.pid);
      const second = await host.invoke('Local', Buffer.from('{"n":1}'));
      assert.equal(second.coldStart, false);
      assert.equal((JSON.parse(second.payload.toString()) as { pid: number }).pid, body.pid);
    } finally {
      await host.dispose();
    }
  });

  it("refuses a Runtime API request without the instance's secret path: other local processes cannot take its invocations", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ld-process-'));
    fs.writeFileSync(path.join(dir, 'app.js'), 'exports.handler = async (e) => ({ api: process.env.AWS_LAMBDA_RUNTIME_API, n: e.n });');
    const host = await FunctionHost.start({ workspace: dir, backend: new ProcessBackend() });
    try {
      await host.deploy([withLambdaDefaults({ name: 'Local', runtime: 'nodejs20.x', handler: 'app.handler', codeDir: dir, source: { file: dir, line: 1 } })]);
      const { api } = JSON.parse((await host.invoke('Local', Buffer.from('{"n":1}'))).payload.toString()) as { api: string };
      const match = /^127\.0\.0\.1:(\d+)(\/[A-Za-z0-9_-]{24})$/.exec(api);
      assert.ok(match, api);
      const [, port, secret] = match;
      const get = (path: string) =>
        new Promise<{ status?: number; body: string }>((resolve, reject) => {
          http.get({ host: '127.0.0.1', port: Number(port), path, agent: false }, (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode, body }));
          }).on('error', reject);
        });
      for (const path of ['/2018-06-01/runtime/invocation/next', `/${'x'.repeat(24)}/2018-06-01/runtime/invocation/next`, `${secret.slice(0, -1)}/2018-06-01/runtime/invocation/next`]) {
        const refused = await get(path);
        assert.equal(refused.status, 403, path);
        assert.match(refused.body, /serves only its own instance/);
      }
      const again = await host.invoke('Local', Buffer.from('{"n":2}'));
      assert.equal(again.coldStart, false);
      assert.deepEqual(JSON.parse(again.payload.toString()), { api, n: 2 });
    } finally {
      await host.dispose();
    }
  });
});
