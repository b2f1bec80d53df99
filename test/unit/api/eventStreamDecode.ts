import { EventStreamCodec } from '@smithy/core/event-streams';

const codec = new EventStreamCodec(
  (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8'),
  (text: string) => Buffer.from(text, 'utf8'),
);

export interface DecodedEvent {
  headers: Record<string, string>;
  body: Buffer;
}

/** Splits a buffer of event-stream frames and decodes each with the SDK's own codec (which checks both CRCs). */
export function decodeFrames(bytes: Buffer): DecodedEvent[] {
  const events: DecodedEvent[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const total = bytes.readUInt32BE(offset);
    const message = codec.decode(bytes.subarray(offset, offset + total));
    const headers: Record<string, string> = {};
    for (const [name, header] of Object.entries(message.headers)) headers[name] = String(header.value);
    events.push({ headers, body: Buffer.from(message.body) });
    offset += total;
  }
  return events;
}
