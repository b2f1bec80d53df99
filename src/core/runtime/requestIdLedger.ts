import { StringDecoder } from 'node:string_decoder';
import type { OutputStream } from '../engine/backend';
import type { LedgerEmit, OutputLedger } from './outputLedger';

interface OpenLog {
  requestId: string;
  text: string;
}

/**
 * Attribution for runtimes that report no byte counts (AWS's runtime interface clients), line by line. A line
 * that carries the request id of an invocation whose log is open belongs to it: AWS's clients write every
 * console and logging line with it (`time\tid\tLEVEL\t...`, Python `[LEVEL]\ttime\tid\t...`, or JSON with
 * "requestId"), one line per entry. Any other line belongs to the latest invocation dispatched whose log is
 * still open (the one in flight, if any), else to the next one. A line is attributed once it is complete
 * (or when the log it would go to is closed).
 */
export class RequestIdLedger implements OutputLedger {
  private readonly open: OpenLog[] = [];
  /** Output no open log takes: the next invocation's (what an instance writes before its first is the cold one's). */
  private held = '';
  private readonly partial = { stdout: '', stderr: '' };
  private readonly decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };

  constructor(private readonly emit: LedgerEmit) {}

  dispatched(requestId: string): void {
    this.open.push({ requestId, text: this.held });
    this.held = '';
  }

  /** An answer changes nothing here: until its log is closed, untagged lines still go to the latest invocation. */
  answered(): void {}

  push(stream: OutputStream, data: Buffer): void {
    const text = this.partial[stream] + this.decoders[stream].write(data);
    const end = text.lastIndexOf('\n') + 1;
    this.partial[stream] = text.slice(end);
    if (end === 0) return;
    let run = '';
    let runOwner: OpenLog | undefined;
    for (const line of text.slice(0, end).split(/(?<=\n)/)) {
      const owner = this.ownerOf(line);
      if (run && owner !== runOwner) this.append(runOwner, run);
      if (owner !== runOwner) run = '';
      runOwner = owner;
      run += line;
    }
    this.append(runOwner, run);
  }

  complete(): boolean {
    return false;
  }

  close(requestId: string, rest = false): string {
    const log = this.open.find((l) => l.requestId === requestId);
    if (!log) return '';
    for (const stream of ['stdout', 'stderr'] as const) {
      const partial = this.partial[stream];
      if (partial && (rest || this.ownerOf(partial) === log)) {
        this.partial[stream] = '';
        this.append(log, partial);
      }
    }
    this.open.splice(this.open.indexOf(log), 1);
    return log.text;
  }

  private ownerOf(line: string): OpenLog | undefined {
    for (let i = this.open.length - 1; i >= 0; i--) if (line.includes(this.open[i].requestId)) return this.open[i];
    return this.open.at(-1);
  }

  private append(log: OpenLog | undefined, text: string): void {
    if (!text) return;
    if (log) log.text += text;
    else this.held += text;
    this.emit(log?.requestId, text);
  }
}
