import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Emitter } from '../../../src/extension/util/emitter';
import { untilDoneOrCancelled } from '../../../src/extension/util/untilDoneOrCancelled';

const srcDir = path.resolve(__dirname, '..', '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts')).map((name) => path.join(dir, name));
}

/** Work that stays pending until the test settles it, and records whether its signal was aborted. */
function pendingWork<T>() {
  let settle!: { resolve(value: T): void; reject(error: Error): void };
  const promise = new Promise<T>((resolve, reject) => (settle = { resolve, reject }));
  let signal: AbortSignal | undefined;
  return { settle, work: (s: AbortSignal) => ((signal = s), promise), aborted: () => signal?.aborted };
}

describe('progress notifications end with their work', () => {
  it('ends with the work\'s value, and stops listening for a cancel', async () => {
    const cancel = new Emitter<void>();
    let listening = 0;
    const onCancel = (listener: () => void) => {
      listening += 1;
      const subscription = cancel.event(listener);
      return { dispose: () => ((listening -= 1), subscription.dispose()) };
    };
    assert.equal(await untilDoneOrCancelled(async () => 42, onCancel), 42);
    assert.equal(listening, 0);
  });

  it('ends with the work\'s failure, thrown or rejected', async () => {
    const cancel = new Emitter<void>();
    await assert.rejects(untilDoneOrCancelled(() => Promise.reject(new Error('deploy failed')), cancel.event), /deploy failed/);
    await assert.rejects(untilDoneOrCancelled(() => { throw new Error('no engine'); }, cancel.event), /no engine/);
  });

  it('ends at once on cancel, as a silent AbortError, even when the work goes on; its later failure is dropped', async () => {
    const cancel = new Emitter<void>();
    const pending = pendingWork<number>();
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const waiting = untilDoneOrCancelled(pending.work, cancel.event);
      await Promise.resolve();
      cancel.fire();
      await assert.rejects(waiting, (error: Error) => error.name === 'AbortError');
      assert.equal(pending.aborted(), true, 'the work was told to stop');
      pending.settle.reject(new Error('late failure'));
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', record);
    }
  });

  it('is the only way the extension shows a progress notification', () => {
    const callers = sourceFiles(srcDir)
      .filter((file) => /window\.withProgress\(/.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(srcDir, file));
    assert.deepEqual(callers, [path.join('extension', 'commands', 'command.ts')]);
    const command = fs.readFileSync(path.join(srcDir, 'extension', 'commands', 'command.ts'), 'utf8');
    assert.match(command, /untilDoneOrCancelled\(work/, 'the notification waits through untilDoneOrCancelled');
  });
});
