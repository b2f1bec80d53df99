import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
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
});
