/**
 * Reconnection with exponential backoff, as the MQTT and NGSI-LD sources (main) and the page's
 * WebSocket to `twin serve` (renderer) all do it, and how a pending retry reads to a user.
 *
 * A status carries the schedule (`RetrySchedule`: which attempt comes next and when), not a
 * sentence with a number in it: a status is sent once per failure, so "retry in 8 s" frozen in
 * its text read 8 s for as long as the next failure took. The page counts down from `at`
 * itself, once a second while it shows one (no status traffic); logs print the clock time.
 */

/** A pending reconnection: the `attempt`-th since the connection was last good, due at `at`. */
export interface RetrySchedule {
  /** 1 for the first retry after a loss, counting up until a connection succeeds. */
  attempt: number;
  /** When it is due, epoch ms (the clock of the process that retries). */
  at: number;
  /** The wait it was scheduled with, ms (bounds a countdown read on another machine's clock). */
  delayMs: number;
}

/** Backoff state: `minMs` doubling up to `maxMs`, and the attempt count; `reset()` on success. */
export class RetryBackoff {
  private waitMs: number;
  private attempts = 0;

  constructor(private readonly minMs = 500, private readonly maxMs = 10_000) {
    this.waitMs = minMs;
  }

  /** Schedules the next attempt from `now` (epoch ms): the wait doubles for the one after. */
  next(now: number): RetrySchedule {
    const delayMs = this.waitMs;
    this.waitMs = Math.min(this.maxMs, this.waitMs * 2);
    this.attempts += 1;
    return { attempt: this.attempts, at: now + delayMs, delayMs };
  }

  /** A connection succeeded: the next loss starts again at attempt 1 and the shortest wait. */
  reset(): void {
    this.waitMs = this.minMs;
    this.attempts = 0;
  }
}

/** Whole seconds left until `r` is due at `now` (rounded up; 0 when due), within its delay. */
export function retrySecondsLeft(r: RetrySchedule, now: number): number {
  const left = Math.min(r.at - now, r.delayMs);
  return left <= 0 ? 0 : Math.ceil(left / 1000);
}

/** Live text for a view that refreshes every second: "retrying in 7 s (attempt 3)", "retrying now (attempt 3)". */
export function retryCountdownText(r: RetrySchedule, now: number): string {
  const s = retrySecondsLeft(r, now);
  return `${s > 0 ? `retrying in ${s} s` : 'retrying now'} (attempt ${r.attempt})`;
}

/** Local clock time of epoch ms `t`: "14:02:31". */
export function clockTime(t: number): string {
  const d = new Date(t);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** Text that stays true once written (a log line): "attempt 3 at 14:02:31". */
export function retryAtText(r: RetrySchedule): string {
  return `attempt ${r.attempt} at ${clockTime(r.at)}`;
}
