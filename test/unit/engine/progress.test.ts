import * as assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { followProgress, ProgressEventError, type ProgressEvent } from '../../../src/core/engine/progress';

// No engine is asked: followProgress only parses the stream it is given.
const docker = new Docker({ socketPath: '/nonexistent/docker.sock' });

function streamOf(lines: object[]): PassThrough {
  const stream = new PassThrough();
  for (const line of lines) stream.write(`${JSON.stringify(line)}\n`);
  stream.end();
  return stream;
}

describe('followProgress', () => {
  it('hands over every event and resolves at the end of the stream', async () => {
    const seen: ProgressEvent[] = [];
    await followProgress(docker, streamOf([{ status: 'Pulling' }, { status: 'Done', progressDetail: { current: 1, total: 2 } }]), (e) => seen.push(e));
    assert.deepEqual(seen.map((e) => e.status), ['Pulling', 'Done']);
  });

  it('rejects with the first event that reports an error', async () => {
    const events = [{ status: 'Pulling' }, { error: 'denied', errorDetail: { message: 'denied' } }, { error: 'later' }];
    await assert.rejects(followProgress(docker, streamOf(events)), (error: unknown) => {
      assert.ok(error instanceof ProgressEventError);
      assert.equal(error.message, 'denied');
      assert.deepEqual(error.event, events[1]);
      return true;
    });
  });

  it("rejects with the stream's own error", async () => {
    const stream = new PassThrough();
    const done = followProgress(docker, stream);
    stream.destroy(new Error('connection reset'));
    await assert.rejects(done, /connection reset/);
  });
});
