/**
 * The frames between this machine and a session's relay on a remote engine, over the relay container's
 * stdin (to it) and stdout (from it). Every frame: type (1 byte), stream id (4 bytes), payload length
 * (4 bytes), payload. Stream 0 is the relay itself.
 *
 *   relay -> here   Open(stream, source IPv4)   an admitted instance connected to the Runtime API
 *                   Ready(0, port)              the relay listens
 *   both ways       Data(stream, bytes)         bytes of one connection, in order
 *                   End(stream)                 that side will send no more (a half close)
 *                   Close(stream)               the connection is gone; forget the stream
 *   here -> relay   Admit(0, IPv4)              connections from this address are an instance's
 *                   Revoke(0, IPv4)             no longer: its open connections are closed
 *
 * Kept free of imports: the relay program bundles it, and runs with nothing but Node.js.
 */
export const FRAME = {
  open: 1,
  data: 2,
  end: 3,
  close: 4,
  admit: 5,
  revoke: 6,
  ready: 7,
} as const;

export const HEADER_BYTES = 9;
/** The most one Data frame carries; larger writes are split, so one connection cannot hold the link long. */
export const MAX_FRAME_PAYLOAD = 256 * 1024;

export function encodeFrame(type: number, stream: number, payload?: Buffer | string): Buffer {
  const body = payload === undefined ? undefined : typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const frame = Buffer.allocUnsafe(HEADER_BYTES + (body?.length ?? 0));
  frame.writeUInt8(type, 0);
  frame.writeUInt32BE(stream, 1);
  frame.writeUInt32BE(body?.length ?? 0, 5);
  body?.copy(frame, HEADER_BYTES);
  return frame;
}

/** Data frames for a chunk of any size. */
export function dataFrames(stream: number, chunk: Buffer): Buffer[] {
  if (chunk.length <= MAX_FRAME_PAYLOAD) return [encodeFrame(FRAME.data, stream, chunk)];
  const frames: Buffer[] = [];
  for (let at = 0; at < chunk.length; at += MAX_FRAME_PAYLOAD) frames.push(encodeFrame(FRAME.data, stream, chunk.subarray(at, at + MAX_FRAME_PAYLOAD)));
  return frames;
}

/** Cuts a byte stream back into frames, however it was split on the way. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (type: number, stream: number, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    let buffer = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (buffer.length >= HEADER_BYTES) {
      const length = buffer.readUInt32BE(5);
      if (length > MAX_FRAME_PAYLOAD) throw new Error(`relay frame of ${length} bytes exceeds ${MAX_FRAME_PAYLOAD}`);
      if (buffer.length < HEADER_BYTES + length) break;
      this.onFrame(buffer.readUInt8(0), buffer.readUInt32BE(1), buffer.subarray(HEADER_BYTES, HEADER_BYTES + length));
      buffer = buffer.subarray(HEADER_BYTES + length);
    }
    // A copy, so a partial frame does not keep a large chunk alive.
    this.pending = buffer.length === 0 ? Buffer.alloc(0) : Buffer.from(buffer);
  }
}
