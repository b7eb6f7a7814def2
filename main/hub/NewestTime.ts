/**
 * The newest record time `t` of a stream — the hub's clock and a live source's "now" — robust to
 * one device with a wild clock.
 *
 * Records are accepted up to the year 2100 (common/records.ts), so a single device whose clock is
 * a year ahead would otherwise carry the whole live picture with it: every other entity "no data",
 * every position forgotten, the live clock a year out. A time more than `jumpMs` ahead of both
 * the newest time and the caller's reference (the hub's running clock, or the receive time) is
 * therefore held back until a record of ANOTHER id jumps to about the same time (within `jumpMs`:
 * a whole stream that moved on, e.g. a replay across a gap in the recording): then the newest time
 * takes the lesser of the two. The first time of a stream (after `reset`) is taken as it is. The record itself is still
 * applied to its own entity and recorded; only the clock does not follow it.
 */
/** How far (source ms, at speed 1) a record may be ahead of the clock before it needs a second id. */
export const MAX_TIME_JUMP_MS = 60_000;

export class NewestTime {
  private newest = -Infinity;
  private ahead: { id: string; t: number } | null = null;

  /** The newest accepted time, or -Infinity before the first record. */
  get value(): number {
    return this.newest;
  }

  /** Notes record time `t` of `id`; `reference` = where the stream's time is now (epoch ms). */
  note(t: number, id: string, reference: number, jumpMs: number = MAX_TIME_JUMP_MS): void {
    if (t <= this.newest) return;
    if (this.newest === -Infinity || t <= Math.max(this.newest, reference) + jumpMs) {
      this.newest = t;
      return;
    }
    if (this.ahead && this.ahead.id !== id && Math.abs(t - this.ahead.t) <= jumpMs) {
      this.newest = Math.min(this.ahead.t, t);
      this.ahead = null;
    } else this.ahead = { id, t };
  }

  reset(): void {
    this.newest = -Infinity;
    this.ahead = null;
  }
}
