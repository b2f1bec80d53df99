import { StringDecoder } from 'node:string_decoder';
import type { OutputStream } from '../engine/backend';
import { InstanceOutput, type ByteCounts } from './instanceOutput';
import type { LedgerEmit, OutputLedger } from './outputLedger';

/**
 * Attribution for our runtime client, which reports with each answer how many bytes it has written to each
 * stream since it started: exact, however late the output arrives. A byte belongs to the first answered
 * invocation whose count is past it; beyond every count, to the invocation in flight, else to the next one.
 */
export class TallyLedger implements OutputLedger {
  private readonly output = new InstanceOutput();
  private readonly received: ByteCounts = { stdout: 0, stderr: 0 };
  private readonly decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  private readonly open: Array<{ requestId: string; answered: boolean; tally?: ByteCounts }> = [];

  constructor(private readonly emit: LedgerEmit) {}

  dispatched(requestId: string): void {
    this.open.push({ requestId, answered: false });
  }

  answered(requestId: string, tally?: ByteCounts): void {
    const log = this.open.find((l) => l.requestId === requestId);
    if (!log) return;
    log.answered = true;
    log.tally = tally;
  }

  push(stream: OutputStream, data: Buffer): void {
    if (data.length === 0) return;
    this.output.push(stream, data);
    const at = this.received[stream];
    this.received[stream] += data.length;
    let offset = 0;
    for (const log of this.open) {
      if (offset >= data.length) return;
      if (!log.answered) break;
      const end = log.tally?.[stream] ?? 0;
      if (end <= at + offset) continue;
      const length = Math.min(end - at - offset, data.length - offset);
      this.live(log.requestId, stream, data.subarray(offset, offset + length));
      offset += length;
    }
    if (offset >= data.length) return;
    const inFlight = this.open.at(-1);
    this.live(inFlight && !inFlight.answered ? inFlight.requestId : undefined, stream, data.subarray(offset));
  }

  complete(requestId: string): boolean {
    const log = this.open.find((l) => l.requestId === requestId);
    if (!log?.answered) return false;
    return !log.tally || this.output.reached(log.tally);
  }

  close(requestId: string, rest = false): string {
    const at = this.open.findIndex((l) => l.requestId === requestId);
    if (at < 0) return '';
    const [log] = this.open.splice(at, 1);
    return this.output.take(rest ? undefined : log.tally);
  }

  private live(requestId: string | undefined, stream: OutputStream, bytes: Buffer): void {
    const text = this.decoders[stream].write(bytes);
    if (text) this.emit(requestId, text);
  }
}
