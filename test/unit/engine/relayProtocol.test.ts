import * as assert from 'node:assert/strict';
import { dataFrames, encodeFrame, FRAME, FrameReader, HEADER_BYTES, MAX_FRAME_PAYLOAD } from '../../../src/core/engine/relay/relayProtocol';

describe('the relay framing', () => {
  it('reads frames back however the bytes were split on the way', () => {
    const frames = [encodeFrame(FRAME.open, 7, '172.30.0.3'), encodeFrame(FRAME.data, 7, Buffer.from('GET / HTTP/1.1\r\n\r\n')), encodeFrame(FRAME.end, 7), encodeFrame(FRAME.admit, 0, '172.30.0.4')];
    const bytes = Buffer.concat(frames);
    for (const size of [1, 2, 5, HEADER_BYTES, 13, bytes.length]) {
      const seen: Array<[number, number, string]> = [];
      const reader = new FrameReader((type, stream, payload) => seen.push([type, stream, payload.toString('utf8')]));
      for (let at = 0; at < bytes.length; at += size) reader.push(bytes.subarray(at, at + size));
      assert.deepEqual(seen, [
        [FRAME.open, 7, '172.30.0.3'],
        [FRAME.data, 7, 'GET / HTTP/1.1\r\n\r\n'],
        [FRAME.end, 7, ''],
        [FRAME.admit, 0, '172.30.0.4'],
      ], `split every ${size} bytes`);
    }
  });

  it('splits a large write into bounded frames, and refuses an oversized frame', () => {
    const big = Buffer.alloc(MAX_FRAME_PAYLOAD * 2 + 10, 7);
    const frames = dataFrames(3, big);
    assert.equal(frames.length, 3);
    const received: Buffer[] = [];
    const reader = new FrameReader((_type, _stream, payload) => received.push(Buffer.from(payload)));
    for (const frame of frames) reader.push(frame);
    assert.ok(Buffer.concat(received).equals(big));
    const oversized = encodeFrame(FRAME.data, 1);
    oversized.writeUInt32BE(MAX_FRAME_PAYLOAD + 1, 5);
    assert.throws(() => new FrameReader(() => undefined).push(oversized), /exceeds/);
  });
});
