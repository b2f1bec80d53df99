import * as assert from 'node:assert/strict';
import { CLIENT_USER_AGENT, endMarkerLine, endMarkerPrefix, isOurClient } from '../../../src/core/runtime/client/protocol';

describe('the runtime client protocol', () => {
  it('writes an end line the host finds by its request id, with the peak memory after it', () => {
    const line = endMarkerLine('req-1', 51234);
    assert.equal(line, '\u001elambda-dock:end req-1 51234\n');
    assert.ok(line.startsWith(endMarkerPrefix('req-1')));
    assert.ok(!line.startsWith(endMarkerPrefix('req-')));
  });

  it('tells our client from other runtimes by its User-Agent, whatever its version', () => {
    assert.ok(isOurClient(CLIENT_USER_AGENT));
    assert.ok(isOurClient('lambda-dock-runtime/2'));
    assert.ok(!isOurClient('aws-lambda-ric/3.0.0'));
    assert.ok(!isOurClient('lambda-dock-runtime'));
    assert.ok(!isOurClient(undefined));
  });
});
