import * as assert from 'node:assert/strict';
import { LogSequencer } from '../../../src/core/runtime/logSequencer';
import type { OutputLedger } from '../../../src/core/runtime/outputLedger';
import { RequestIdLedger } from '../../../src/core/runtime/requestIdLedger';
import { TallyLedger } from '../../../src/core/runtime/tallyLedger';

const A = '6f1c0a52-1111-4e5b-9a3e-aaaaaaaaaaaa';
const B = '0d9e7f33-2222-4c1d-8b2f-bbbbbbbbbbbb';
/** Lines as AWS's Node.js client writes console output, and as its Python client writes logging output. */
const nodeLine = (id: string, message: string) => `2026-11-30T10:00:00.000Z\t${id}\tINFO\t${message}\n`;
const pythonLine = (id: string, message: string) => `[INFO]\t2026-11-30T10:00:00.000Z\t${id}\t${message}\n`;

function recorder(): { pieces: Array<[string | undefined, string]>; emit: (id: string | undefined, text: string) => void } {
  const pieces: Array<[string | undefined, string]> = [];
  return { pieces, emit: (id, text) => pieces.push([id, text]) };
}

describe('attributing output of a runtime without a tally, by request id', () => {
  it('gives a line tagged with an earlier invocation\'s id to it after the next one was dispatched, and untagged lines to the one in flight', () => {
    const { pieces, emit } = recorder();
    const ledger: OutputLedger = new RequestIdLedger(emit);
    ledger.dispatched(A);
    ledger.push('stdout', Buffer.from(nodeLine(A, 'a one')));
    ledger.answered(A);
    ledger.dispatched(B);
    // A's last line was still in transit when B was dispatched: it arrives together with B's first output.
    ledger.push('stdout', Buffer.from(nodeLine(A, 'a two') + 'raw write of b\n' + pythonLine(B, 'b one')));
    ledger.push('stderr', Buffer.from(`{"timestamp":"x","level":"ERROR","requestId":"${A}","message":"a json"}\n`));
    assert.equal(ledger.complete(A), false, 'only time tells for a runtime without a tally');
    assert.equal(ledger.close(A), nodeLine(A, 'a one') + nodeLine(A, 'a two') + `{"timestamp":"x","level":"ERROR","requestId":"${A}","message":"a json"}\n`);
    ledger.push('stdout', Buffer.from(nodeLine(B, 'b two')));
    ledger.answered(B);
    assert.equal(ledger.close(B), 'raw write of b\n' + pythonLine(B, 'b one') + nodeLine(B, 'b two'));
    assert.deepEqual(pieces.map(([id]) => id), [A, A, B, A, B]);
  });

  it('gives untagged output to the last invocation while its log is open, then holds it for the next one', () => {
    const { pieces, emit } = recorder();
    const ledger: OutputLedger = new RequestIdLedger(emit);
    ledger.push('stdout', Buffer.from('init line\n'));
    ledger.dispatched(A);
    ledger.answered(A);
    ledger.push('stdout', Buffer.from('late, still A\n'));
    assert.equal(ledger.close(A), 'init line\nlate, still A\n');
    ledger.push('stdout', Buffer.from('between\n'));
    ledger.dispatched(B);
    ledger.answered(B);
    assert.equal(ledger.close(B), 'between\n');
    assert.deepEqual(pieces, [[undefined, 'init line\n'], [A, 'late, still A\n'], [undefined, 'between\n']]);
  });

  it('attributes a line once it is complete, a character split across chunks whole, and a partial line when its log closes', () => {
    const { pieces, emit } = recorder();
    const ledger: OutputLedger = new RequestIdLedger(emit);
    ledger.dispatched(A);
    const line = Buffer.from(nodeLine(A, 'price 5€'));
    const euro = line.indexOf(0xe2) + 1;
    ledger.push('stdout', line.subarray(0, euro));
    assert.deepEqual(pieces, [], 'no piece of an incomplete line');
    ledger.push('stdout', line.subarray(euro));
    ledger.push('stdout', Buffer.from('progress...'));
    ledger.answered(A);
    assert.equal(ledger.close(A), nodeLine(A, 'price 5€') + 'progress...');
  });

  it('leaves an untagged partial line of the next invocation out of the previous one\'s log', () => {
    const ledger: OutputLedger = new RequestIdLedger(() => undefined);
    ledger.dispatched(A);
    ledger.answered(A);
    ledger.dispatched(B);
    ledger.push('stdout', Buffer.from('b without newline'));
    assert.equal(ledger.close(A), '');
    assert.equal(ledger.close(B, true), 'b without newline');
  });
});

describe('attributing output of our runtime client, by its tally', () => {
  it('gives each invocation exactly its bytes however late they arrive, the next one dispatched or not', () => {
    const { pieces, emit } = recorder();
    const ledger: OutputLedger = new TallyLedger(emit);
    ledger.push('stdout', Buffer.from('init\n'));
    ledger.dispatched(A);
    ledger.push('stdout', Buffer.from('a1\n'));
    ledger.answered(A, { stdout: 11, stderr: 3 });
    assert.equal(ledger.complete(A), false);
    ledger.dispatched(B);
    // A's last line and its stderr arrive after B's dispatch, with B's first line in the same chunk.
    ledger.push('stdout', Buffer.from('a2\nb1\n'));
    assert.equal(ledger.complete(A), false, 'stderr has not arrived');
    ledger.push('stderr', Buffer.from('ae\n'));
    assert.equal(ledger.complete(A), true);
    assert.equal(ledger.close(A), 'init\na1\na2\nae\n');
    ledger.answered(B, { stdout: 14, stderr: 3 });
    assert.equal(ledger.complete(B), true);
    assert.equal(ledger.close(B), 'b1\n');
    assert.deepEqual(pieces, [[undefined, 'init\n'], [A, 'a1\n'], [A, 'a2\n'], [B, 'b1\n'], [A, 'ae\n']]);
  });

  it('gives a lost invocation everything that arrived', () => {
    const ledger: OutputLedger = new TallyLedger(() => undefined);
    ledger.dispatched(A);
    ledger.push('stdout', Buffer.from('started\n'));
    ledger.push('stderr', Buffer.from('dying\n'));
    assert.equal(ledger.close(A, true), 'started\ndying\n');
  });
});

describe('an instance\'s log events in invocation order', () => {
  it('holds the next invocation\'s events until the previous one has ended, and output of none in its place', () => {
    const emitted: string[] = [];
    const sequencer = new LogSequencer((text, id) => emitted.push(`${id ?? '-'}:${text}`));
    sequencer.write(undefined, 'init');
    sequencer.start(A, 'START A');
    sequencer.write(A, 'a1');
    sequencer.start(B, 'START B');
    sequencer.write(B, 'b1');
    sequencer.write(A, 'a2');
    assert.deepEqual(emitted, ['-:init', `${A}:START A`, `${A}:a1`, `${A}:a2`]);
    sequencer.end(A, 'END A');
    assert.deepEqual(emitted.slice(4), [`${A}:END A`, `${B}:START B`, `${B}:b1`]);
    sequencer.write(B, 'b2');
    sequencer.write(undefined, 'after b');
    sequencer.end(B, 'END B');
    sequencer.write(undefined, 'idle');
    assert.deepEqual(emitted.slice(7), [`${B}:b2`, `${B}:END B`, '-:after b', '-:idle']);
  });
});
