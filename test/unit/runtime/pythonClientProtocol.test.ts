import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLIENT_USER_AGENT, endMarkerLine, isOurClient } from '../../../src/core/runtime/client/protocol';

// The Python client cannot import protocol.ts: this keeps what it writes and how it names itself in step.
describe('the Python runtime client and the host protocol', () => {
  const source = fs.readFileSync(path.join(__dirname, '../../../src/core/runtime/python/bootstrap.py'), 'utf8');

  it('names itself as our client, so the host waits for its end markers', () => {
    const agent = /^CLIENT_USER_AGENT = "([^"]+)"$/m.exec(source)?.[1];
    assert.ok(agent && isOurClient(agent), agent);
    assert.equal(agent.split(' ')[0], CLIENT_USER_AGENT);
  });

  it('writes the same end line as the Node.js client', () => {
    const marker = /^END_MARKER = "([^"]+)"$/m.exec(source)?.[1]?.replace('\\x1e', '\u001e');
    const format = /"%s %s %d\\n" % \(END_MARKER, request_id,/.test(source);
    assert.ok(format, 'the end line is MARKER REQUEST_ID MAX_RSS_KB');
    assert.equal(`${marker} abc 42\n`, endMarkerLine('abc', 42));
  });
});
