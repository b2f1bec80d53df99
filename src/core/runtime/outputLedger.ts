import type { OutputStream } from '../engine/backend';
import type { ByteCounts } from './instanceOutput';

/**
 * Which invocation each piece of an instance's output belongs to. Output travels by the engine's attach
 * stream, apart from the answers, so an invocation's log may still be arriving when the next one has been
 * dispatched. Invocations are dispatched, answered and closed in order, one in flight at a time.
 */
export interface OutputLedger {
  /** The invocation was handed to the runtime: output can be its from now on. */
  dispatched(requestId: string): void;
  /** It answered; `tally` (our client's byte counts) marks exactly where its output ends. */
  answered(requestId: string, tally?: ByteCounts): void;
  /** Output as it arrives; its pieces are reported, each with its invocation, through the ledger's `emit`. */
  push(stream: OutputStream, data: Buffer): void;
  /** Whether all of the invocation's output has arrived as far as the ledger can tell (false: only time can tell). */
  complete(requestId: string): boolean;
  /**
   * Ends the oldest open invocation's log, which must be requestId's, and returns its output; with `rest`,
   * everything that has arrived is its (the instance is lost: nothing follows).
   */
  close(requestId: string, rest?: boolean): string;
}

/** Reports a piece of output with the invocation it belongs to (undefined: none, it was written between invocations). */
export type LedgerEmit = (requestId: string | undefined, text: string) => void;
