import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FunctionLogEvent } from '../../../src/core/runtime/functionPool';
import type { FunctionHost } from '../../../src/core/runtime/functionHost';
import { docker, json, makeFunction, startDockerHost } from '../support/engine';

describe('a function\'s log, live and in the engine', function () {
  let host: FunctionHost;
  const events: FunctionLogEvent[] = [];

  // Writes a line, then waits (polling its own read-only code folder) until the test lets it go on.
  const gated = makeFunction('Gated', {
    'app.js': `const fs = require('node:fs');
      exports.handler = async (event) => {
        // A line the last invocation left in a timer is due first; on a busy machine the event can arrive before
        // that timer has run, and the line would then (rightly) belong to the invocation after this one.
        await new Promise((r) => setTimeout(r, 0));
        console.log('before the gate', event.n);
        process.stderr.write('to stderr\\n');
        while (event.gated && !fs.existsSync('/var/task/gate-' + event.n)) await new Promise((r) => setTimeout(r, 20));
        console.log('after the gate', event.n);
        setTimeout(() => console.log('late line of', event.n), 0);
        return event.n;
      };`,
  }, { timeoutSeconds: 30 });

  before(async () => {
    host = await startDockerHost();
    host.on('log', (event: FunctionLogEvent) => events.push(event));
    await host.deploy([gated]);
  });
  after(async () => host?.dispose());

  /** The host folder mounted at /var/task in the instance's container. */
  async function taskFolder(): Promise<string> {
    const [instance] = host.instances().filter((i) => i.functionName === 'Gated' && i.containerId);
    const inspected = await docker.getContainer(instance.containerId!).inspect();
    const mount = inspected.Mounts.find((m) => m.Destination === '/var/task');
    assert.ok(mount, 'the code folder is bind-mounted');
    return mount.Source;
  }

  async function waitForLine(text: string): Promise<FunctionLogEvent> {
    for (;;) {
      const found = events.find((e) => e.text.includes(text));
      if (found) return found;
      await new Promise<void>((resolve) => host.once('log', () => resolve()));
    }
  }

  it('streams the output while the invocation runs, between its START and its END, from a warm instance too', async () => {
    for (const n of [1, 2]) {
      let done = false;
      const invocation = host.invoke('Gated', json({ n, gated: true })).finally(() => (done = true));
      const line = await waitForLine(`before the gate ${n}`);
      assert.equal(done, false, 'the line arrived while the invocation was still running');
      const start = events.find((e) => e.text.startsWith('START RequestId:') && e.requestId === line.requestId);
      assert.ok(start, 'START came first, for the same request');
      assert.equal(line.functionName, 'Gated');
      const gate = path.join(await taskFolder(), `gate-${n}`);
      fs.writeFileSync(gate, '');
      try {
        const result = await invocation;
        assert.equal(result.requestId, line.requestId);
        const end = events.find((e) => e.text.startsWith(`END RequestId: ${result.requestId}\nREPORT RequestId: ${result.requestId}\t`));
        assert.ok(end, 'END and REPORT close it');
        const order = [start, line, end].map((e) => events.indexOf(e));
        assert.deepEqual([...order].sort((a, b) => a - b), order);
      } finally {
        fs.rmSync(gate, { force: true });
      }
    }
  });

  it('gives each invocation exactly its output (a line written after the answer goes to the next), and docker logs only the function\'s lines', async () => {
    const first = await host.invoke('Gated', json({ n: 3 }));
    const second = await host.invoke('Gated', json({ n: 4 }));
    assert.equal(second.instanceId, first.instanceId);
    assert.match(first.logs, /\tINFO\tbefore the gate 3\n/);
    assert.match(first.logs, /to stderr\n/);
    assert.match(first.logs, /\tINFO\tafter the gate 3\n/);
    assert.doesNotMatch(first.logs, /late line of 3/, 'written after the answer');
    assert.match(second.logs, /late line of 3[\s\S]*after the gate 4/);
    assert.doesNotMatch(second.logs, /before the gate 3/);
    assert.ok(first.report.maxMemoryUsedMB > 10, 'the peak memory came with the answer');

    const instance = host.instances().find((i) => i.instanceId === second.instanceId);
    const raw = await docker.getContainer(instance!.containerId!).logs({ stdout: true, stderr: true, follow: false });
    const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw);
    assert.match(text, /before the gate 3/);
    assert.doesNotMatch(text, /\u001e|lambda-dock:end|Lambda-Dock-Output|stdout=\d+/, 'nothing of the host\'s protocol reaches docker logs');
  });
});
