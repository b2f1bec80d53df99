import type { InspectedContainer } from './containerSignature';
import { listTextValidUntil } from './statusClock';

export interface ListAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Where a list request started: the view's epoch and the clock then. */
export interface ListTicket {
  epoch: number;
  at: number;
}

/** A listed container: its id and what its entry says of its changing parts (see containerSignature). */
export interface ListedContainer {
  id: string;
  signature: string;
}

interface Remembered extends ListAnswer {
  epoch: number;
  validUntil: number;
}

/**
 * A scope's recent container-list answers, given again while nothing can have changed them: no engine
 * event about the scope's containers (or any image or network) and no request through its sockets since
 * the answer was asked for, the engine's event stream watched all along, and no Status text due to tick
 * over. An answer is only kept when inspects asked for after it agree with every entry, so a list caught
 * mid-change is not kept. Anything else goes to the engine. Each change starts a new epoch; an answer
 * from an older epoch is never given.
 */
export class ContainerListView {
  private epoch = 0;
  private readonly answers = new Map<string, Remembered>();
  /** Lists asked for in this epoch: only a repeat is worth the inspects that keeping an answer costs. */
  private readonly asked = new Set<string>();

  constructor(
    private readonly watched: () => boolean,
    private readonly maxAnswers = 8,
    private readonly now: () => number = Date.now,
  ) {}

  /** Something may have changed: an engine event, a request through a socket, the event stream restarting. */
  invalidate(): void {
    this.epoch++;
    this.answers.clear();
    this.asked.clear();
  }

  /** Notes a list the engine answers; true when it was asked before in this epoch (a poll, worth keeping). */
  askedAgain(path: string): boolean {
    if (this.asked.has(path)) return true;
    if (this.asked.size >= this.maxAnswers * 4) this.asked.clear();
    this.asked.add(path);
    return false;
  }

  ticket(): ListTicket {
    return { epoch: this.epoch, at: this.now() };
  }

  /** The answer for this exact upstream path, if it is still true. */
  lookup(path: string): ListAnswer | undefined {
    const answer = this.answers.get(path);
    if (!answer) return undefined;
    if (answer.epoch !== this.epoch || !this.watched() || this.now() >= answer.validUntil) {
      this.answers.delete(path);
      return undefined;
    }
    return answer;
  }

  /**
   * Keeps the answer to a list asked for at `ticket` if `inspect`, asked now about each listed container,
   * agrees with it, and nothing changed meanwhile.
   */
  async remember(path: string, ticket: ListTicket, answer: ListAnswer, listed: ListedContainer[], inspect: (id: string) => Promise<InspectedContainer | undefined>): Promise<void> {
    if (ticket.epoch !== this.epoch || !this.watched()) return;
    const inspected = await Promise.all(listed.map((c) => inspect(c.id)));
    if (ticket.epoch !== this.epoch) return;
    if (!inspected.every((live, i) => live?.signature === listed[i]!.signature)) return;
    const validUntil = listTextValidUntil(inspected.map((live) => live!.times), ticket.at);
    if (validUntil <= this.now()) return;
    if (!this.answers.has(path) && this.answers.size >= this.maxAnswers) this.answers.delete(this.answers.keys().next().value!);
    this.answers.set(path, { ...answer, epoch: this.epoch, validUntil });
  }
}
