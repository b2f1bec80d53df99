/**
 * How many standbys of a template to keep: the configured number, raised to the launches seen within the
 * demand window (a burst), up to a cap; back to the configured number once a window passes without one.
 */
export class StandbyDemand {
  private raised = 0;
  private recent: number[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly base: number,
    private readonly max: number,
    private readonly windowMs: number,
    private readonly onSettled: () => void,
    private readonly now: () => number = Date.now,
  ) {}

  get target(): number {
    return Math.max(this.base, this.raised);
  }

  /** One launch asked for a standby. */
  note(): void {
    const now = this.now();
    this.recent = this.recent.filter((at) => now - at < this.windowMs);
    this.recent.push(now);
    this.raised = Math.min(this.max, Math.max(this.raised, this.recent.length));
    this.touch();
  }

  /** (Re)starts the window after which the number kept goes back down. */
  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.raised = 0;
      this.recent = [];
      this.onSettled();
    }, this.windowMs);
    this.timer.unref();
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
