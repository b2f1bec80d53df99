/**
 * Puts one instance's log events in invocation order: START, the output, END and REPORT of one invocation
 * before anything of the next. The next invocation can be dispatched before the previous one's log has all
 * arrived (its caller did not wait for it); what belongs to the next is held until the previous one ends.
 * Text of no invocation (written between invocations) keeps its place after the invocations before it.
 */
export class LogSequencer {
  /** Invocations not yet ended, and runs of text of none, in order; the first is emitted as it comes. */
  private readonly queue: Array<{ requestId?: string; held: string[]; ended: boolean }> = [];

  constructor(private readonly emit: (text: string, requestId: string | undefined) => void) {}

  start(requestId: string, text: string): void {
    this.queue.push({ requestId, held: [], ended: false });
    this.write(requestId, text);
  }

  /** A piece of an invocation's log, or of none (undefined). */
  write(requestId: string | undefined, text: string): void {
    if (!text) return;
    if (requestId === undefined) {
      const last = this.queue.at(-1);
      if (!last) this.emit(text, undefined);
      else if (last.requestId === undefined) last.held.push(text);
      else this.queue.push({ held: [text], ended: true });
      return;
    }
    const entry = this.queue.find((e) => e.requestId === requestId && !e.ended);
    if (!entry) {
      this.emit(text, requestId);
      return;
    }
    entry.held.push(text);
    this.flush();
  }

  /** The invocation's last piece (END and REPORT): the next one's held pieces follow it. */
  end(requestId: string, text: string): void {
    this.write(requestId, text);
    const entry = this.queue.find((e) => e.requestId === requestId && !e.ended);
    if (entry) entry.ended = true;
    this.flush();
  }

  private flush(): void {
    while (this.queue.length > 0) {
      const head = this.queue[0];
      for (const text of head.held.splice(0)) this.emit(text, head.requestId);
      if (!head.ended) return;
      this.queue.shift();
    }
  }
}
