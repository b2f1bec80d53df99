import { crc32 } from '@aws-crypto/crc32';

/**
 * The AWS event-stream framing (application/vnd.amazon.eventstream) that InvokeWithResponseStream
 * answers with: [total length][headers length][prelude CRC][headers][payload][message CRC].
 *
 * Written here rather than with @smithy/core's EventStreamCodec: Lambda needs only string headers and
 * three fixed header sets, which are encoded once at load, so a frame costs one allocation and two CRC
 * passes; and the CLI and extension bundles stay free of the SDK's core. The tests decode every frame
 * with @smithy/core's codec, the one the SDK uses.
 */

const PRELUDE_BYTES = 12;
const CRC_BYTES = 4;
const STRING_HEADER = 7;

function encodeHeaders(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const valueBytes = Buffer.from(value, 'utf8');
    const header = Buffer.allocUnsafe(1 + nameBytes.length + 1 + 2 + valueBytes.length);
    header.writeUInt8(nameBytes.length, 0);
    nameBytes.copy(header, 1);
    header.writeUInt8(STRING_HEADER, 1 + nameBytes.length);
    header.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
    valueBytes.copy(header, 4 + nameBytes.length);
    parts.push(header);
  }
  return Buffer.concat(parts);
}

const PAYLOAD_CHUNK_HEADERS = encodeHeaders({
  ':event-type': 'PayloadChunk',
  ':content-type': 'application/octet-stream',
  ':message-type': 'event',
});
const INVOKE_COMPLETE_HEADERS = encodeHeaders({
  ':event-type': 'InvokeComplete',
  ':content-type': 'application/json',
  ':message-type': 'event',
});

export function encodeMessage(headers: Buffer, payload: Uint8Array): Buffer {
  const total = PRELUDE_BYTES + headers.length + payload.length + CRC_BYTES;
  const frame = Buffer.allocUnsafe(total);
  frame.writeUInt32BE(total, 0);
  frame.writeUInt32BE(headers.length, 4);
  frame.writeUInt32BE(crc32(frame.subarray(0, 8)), 8);
  headers.copy(frame, PRELUDE_BYTES);
  frame.set(payload, PRELUDE_BYTES + headers.length);
  const messageCrc = crc32(frame.subarray(0, total - CRC_BYTES));
  frame.writeUInt32BE(messageCrc, total - CRC_BYTES);
  return frame;
}

/** A PayloadChunk event carrying bytes the handler wrote. */
export function payloadChunkEvent(chunk: Uint8Array): Buffer {
  return encodeMessage(PAYLOAD_CHUNK_HEADERS, chunk);
}

export interface InvokeCompleteFields {
  ErrorCode?: string;
  ErrorDetails?: string;
  LogResult?: string;
}

/** The InvokeComplete event that ends every stream, with the function error and tail log if any. */
export function invokeCompleteEvent(fields: InvokeCompleteFields): Buffer {
  return encodeMessage(INVOKE_COMPLETE_HEADERS, Buffer.from(JSON.stringify(fields), 'utf8'));
}

/** An exception message: how a stream that already started reports that the engine failed. */
export function exceptionEvent(exceptionType: string, body: string): Buffer {
  const headers = encodeHeaders({
    ':exception-type': exceptionType,
    ':content-type': 'application/json',
    ':message-type': 'exception',
  });
  return encodeMessage(headers, Buffer.from(body, 'utf8'));
}
