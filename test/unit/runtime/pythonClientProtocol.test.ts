import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ASSIGNMENT_PATH, CLIENT_USER_AGENT, formatOutputTally, isOurClient, OUTPUT_TALLY_HEADER, parseOutputTally, STANDBY_ENV } from '../../../src/core/runtime/client/protocol';

// The Python client cannot import protocol.ts: this keeps what it writes and how it names itself in step.
describe('the Python runtime client and the host protocol', () => {
  const source = fs.readFileSync(path.join(__dirname, '../../../src/core/runtime/python/bootstrap.py'), 'utf8');

  it('names itself as our client, so the host waits for the output its tallies count', () => {
    const agent = /^CLIENT_USER_AGENT = "([^"]+)"$/m.exec(source)?.[1];
    assert.ok(agent && isOurClient(agent), agent);
    assert.equal(agent.split(' ')[0], CLIENT_USER_AGENT);
  });

  it('sends the same output tally header as the Node.js client, and writes nothing of the protocol into the output', () => {
    assert.equal(/^OUTPUT_TALLY_HEADER = "([^"]+)"$/m.exec(source)?.[1], OUTPUT_TALLY_HEADER);
    const format = /"stdout=%d; stderr=%d; maxrss=%d" %/.exec(source)?.[0];
    assert.ok(format, 'the tally is stdout=N; stderr=N; maxrss=KB');
    assert.deepEqual(parseOutputTally('stdout=1; stderr=2; maxrss=3'), { stdout: 1, stderr: 2, maxRssKB: 3 });
    assert.equal(formatOutputTally({ stdout: 1, stderr: 2, maxRssKB: 3 }), 'stdout=1; stderr=2; maxrss=3');
    assert.doesNotMatch(source, /lambda-dock:end/);
  });

  it('asks for a standby\'s assignment by the same marker and route as the Node.js client', () => {
    assert.equal(/^STANDBY_ENV = "([^"]+)"$/m.exec(source)?.[1], STANDBY_ENV);
    assert.equal(/^ASSIGNMENT_PATH = "([^"]+)"$/m.exec(source)?.[1], ASSIGNMENT_PATH);
  });
});
