import * as assert from 'node:assert/strict';
import { CLIENT_USER_AGENT, formatOutputTally, isOurClient, parseOutputTally } from '../../../src/core/runtime/client/protocol';
import { InstanceOutput } from '../../../src/core/runtime/instanceOutput';

describe('the runtime client protocol', () => {
  it('reads back the output tally it writes, and nothing from a malformed one', () => {
    const tally = { stdout: 1234, stderr: 5, maxRssKB: 51234 };
    assert.deepEqual(parseOutputTally(formatOutputTally(tally)), tally);
    assert.equal(parseOutputTally('stdout=1; stderr=x; maxrss=2'), undefined);
    assert.equal(parseOutputTally(undefined), undefined);
  });

  it('tells our client from other runtimes by its User-Agent, whatever its version', () => {
    assert.ok(isOurClient(CLIENT_USER_AGENT));
    assert.ok(isOurClient('lambda-dock-runtime/2'));
    assert.ok(!isOurClient('aws-lambda-ric/3.0.0'));
    assert.ok(!isOurClient('lambda-dock-runtime'));
    assert.ok(!isOurClient(undefined));
  });
});

describe('an instance\'s output, taken invocation by invocation', () => {
  it('gives each invocation exactly the bytes its tally counts, in arrival order, and keeps the rest', () => {
    const output = new InstanceOutput();
    output.push('stdout', Buffer.from('init\nfirst\nsec'));
    output.push('stderr', Buffer.from('oops\n'));
    assert.equal(output.reached({ stdout: 11, stderr: 5 }), true);
    assert.equal(output.reached({ stdout: 11, stderr: 6 }), false);
    // The first invocation wrote "init\nfirst\n" (11 bytes) and "oops\n"; "sec" is the next one's.
    assert.equal(output.take({ stdout: 11, stderr: 5 }), 'init\nfirst\noops\n');
    output.push('stdout', Buffer.from('ond\n'));
    assert.equal(output.take({ stdout: 18, stderr: 5 }), 'second\n');
    assert.equal(output.take({ stdout: 18, stderr: 5 }), '');
  });

  it('keeps a character split across chunks and across invocations whole', () => {
    const output = new InstanceOutput();
    const euro = Buffer.from('€\n');
    output.push('stdout', euro.subarray(0, 1));
    output.push('stdout', euro.subarray(1));
    assert.equal(output.take({ stdout: 2, stderr: 0 }), '');
    assert.equal(output.take({ stdout: 4, stderr: 0 }), '€\n');
  });

  it('gives everything to a runtime that reports no tally', () => {
    const output = new InstanceOutput();
    output.push('stdout', Buffer.from('a\n'));
    output.push('stderr', Buffer.from('b\n'));
    assert.equal(output.take(), 'a\nb\n');
  });
});
