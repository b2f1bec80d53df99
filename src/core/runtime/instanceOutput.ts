import { StringDecoder } from 'node:string_decoder';
import type { OutputStream } from '../engine/backend';

export interface ByteCounts {
  stdout: number;
  stderr: number;
}

/**
 * An instance's output as the engine delivers it, stdout and stderr apart, held until an invocation takes
 * its part: up to the byte counts the runtime reported with its answer (exact, whatever arrives after), or
 * all of it (runtimes that report none). Decoding keeps a character split across chunks whole.
 */
export class InstanceOutput {
  private chunks: Array<{ stream: OutputStream; data: Buffer }> = [];
  private readonly received: ByteCounts = { stdout: 0, stderr: 0 };
  private readonly taken: ByteCounts = { stdout: 0, stderr: 0 };
  private readonly decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };

  push(stream: OutputStream, data: Buffer): void {
    if (data.length === 0) return;
    this.chunks.push({ stream, data });
    this.received[stream] += data.length;
  }

  /** Whether this much of each stream (counted from the instance's start) has arrived. */
  reached(counts: ByteCounts): boolean {
    return this.received.stdout >= counts.stdout && this.received.stderr >= counts.stderr;
  }

  /** The held output up to these counts (from the instance's start), in arrival order; all of it without counts. */
  take(upTo?: ByteCounts): string {
    let text = '';
    const kept: Array<{ stream: OutputStream; data: Buffer }> = [];
    for (const chunk of this.chunks) {
      const room = upTo ? upTo[chunk.stream] - this.taken[chunk.stream] : chunk.data.length;
      // Once a stream's part is complete, the rest of that stream stays for the next invocation, in order.
      if (room <= 0 || kept.some((k) => k.stream === chunk.stream)) {
        kept.push(chunk);
        continue;
      }
      const piece = room >= chunk.data.length ? chunk.data : chunk.data.subarray(0, room);
      text += this.decoders[chunk.stream].write(piece);
      this.taken[chunk.stream] += piece.length;
      if (piece.length < chunk.data.length) kept.push({ stream: chunk.stream, data: chunk.data.subarray(piece.length) });
    }
    this.chunks = kept;
    return text;
  }
}
