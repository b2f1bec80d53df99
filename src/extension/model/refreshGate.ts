import { Debouncer } from '../util/debounce';
import type { Disposable } from '../util/emitter';

/**
 * The one refresh path of a view: triggers (engine events) are debounced; while the view is hidden they
 * only mark it stale, and showing it refreshes once. Nothing polls.
 */
export class RefreshGate implements Disposable {
  private readonly debouncer: Debouncer;
  private visible = false;
  private stale = true;

  constructor(
    private readonly refresh: () => void | Promise<void>,
    delayMs = 500,
  ) {
    this.debouncer = new Debouncer(delayMs, () => {
      this.stale = false;
      void this.refresh();
    });
  }

  /** An engine event or a store change: refresh soon, or when the view is shown again. */
  trigger(): void {
    if (this.visible) this.debouncer.trigger();
    else this.stale = true;
  }

  /**
   * A user asked (Refresh, a command that changed something): refresh at once, instead of the refresh a
   * trigger left pending. Resolves when the refresh is done.
   */
  async now(): Promise<void> {
    this.debouncer.cancel();
    this.stale = false;
    await this.refresh();
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    if (!visible) {
      if (this.debouncer.pending) this.stale = true;
      this.debouncer.cancel();
    } else if (this.stale) {
      void this.now();
    }
  }

  dispose(): void {
    this.debouncer.dispose();
  }
}
