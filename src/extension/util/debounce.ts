import type { Disposable } from './emitter';

/**
 * Runs `work` once, `delayMs` after the last trigger. Used for the one refresh path of each view (engine
 * events arrive in bursts: create, start, attach...).
 */
export class Debouncer implements Disposable {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly delayMs: number,
    private readonly work: () => void,
  ) {}

  get pending(): boolean {
    return this.timer !== undefined;
  }

  trigger(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.work();
    }, this.delayMs);
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.cancel();
  }
}
