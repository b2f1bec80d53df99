/** Launches closer together than this are one burst. */
const BURST_MS = 1000;

/**
 * How many standbys of a template to keep: the configured number, raised to the largest burst of launches
 * seen (launches within a second of each other), up to a cap, while bursts keep coming; back to the
 * configured number once `lingerMs` passes without a launch. Launches spread out (saves, one invoke at a
 * time) do not raise it.
 */
export class StandbyDemand {
  private raised = 0;
  private recent: number[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly base: number,
    private readonly max: number,
    private readonly lingerMs: number,
    private readonly onSettled: () => void,
    private readonly now: () => number = Date.now,
  ) {}

  get target(): number {
    return Math.max(this.base, this.raised);
  }

  /** One launch asked for a standby. */
  note(): void {
    const now = this.now();
    this.recent = this.recent.filter((at) => now - at < BURST_MS);
    this.recent.push(now);
    this.raised = Math.min(this.max, Math.max(this.raised, this.recent.length));
    this.touch();
  }

  /** (Re)starts the time after which the number kept goes back down. */
  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.raised = 0;
      this.recent = [];
      this.onSettled();
    }, this.lingerMs);
    this.timer.unref();
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
