/**
 * Re-renders a countdown ("retrying in 7 s") each time its whole-second figure changes, until it
 * is due: one timer while a retry is pending, none otherwise. The status that carries the retry
 * is sent once per failure; the seconds are counted here, so waiting sends nothing.
 */
import type { RetrySchedule } from '../../common/retry.js';

export class CountdownTicker {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private due: RetrySchedule | undefined;

  /** `tick` re-renders (and may call `follow` again); `now`: the clock (tests pass a fake one). */
  constructor(private readonly tick: () => void, private readonly now: () => number = Date.now) {}

  /** Counts down to `retry` (a new one replaces the old); `undefined` stops. */
  follow(retry: RetrySchedule | undefined): void {
    if (retry === this.due && (this.timer || !retry)) return;
    this.due = retry;
    this.stopTimer();
    this.schedule();
  }

  dispose(): void {
    this.due = undefined;
    this.stopTimer();
  }

  private schedule(): void {
    const r = this.due;
    if (!r) return;
    const left = Math.min(r.at - this.now(), r.delayMs);
    if (left <= 0) return; // due: "retrying now" holds until the next status
    // The figure (seconds rounded up) changes when `left` crosses a whole second.
    const step = left % 1000 || 1000;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.tick();
      if (this.due === r && !this.timer) this.schedule();
    }, step + 5);
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
