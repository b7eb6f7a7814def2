/** Backoff and how a pending retry reads: the countdown a user watches moves, the log line stays true. */
import { describe, expect, it } from 'vitest';
import { clockTime, RetryBackoff, retryAtText, retryCountdownText, retrySecondsLeft } from '../../../common/retry.js';

describe('RetryBackoff', () => {
  it('doubles the wait up to the cap, counts attempts, and starts over after reset', () => {
    const b = new RetryBackoff(500, 4000);
    const got = [0, 1, 2, 3, 4].map((i) => b.next(1000 * i));
    expect(got.map((r) => r.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(got.map((r) => r.delayMs)).toEqual([500, 1000, 2000, 4000, 4000]);
    expect(got.map((r) => r.at)).toEqual([500, 2000, 4000, 7000, 8000]);
    b.reset();
    expect(b.next(0)).toEqual({ attempt: 1, at: 500, delayMs: 500 });
  });
});

describe('retry texts', () => {
  const r = { attempt: 3, at: 100_000, delayMs: 10_000 };
  it('counts down in whole seconds (rounded up) to "retrying now"', () => {
    expect(retryCountdownText(r, 90_000)).toBe('retrying in 10 s (attempt 3)');
    expect(retryCountdownText(r, 92_500)).toBe('retrying in 8 s (attempt 3)');
    expect(retryCountdownText(r, 99_999)).toBe('retrying in 1 s (attempt 3)');
    expect(retryCountdownText(r, 100_000)).toBe('retrying now (attempt 3)');
    expect(retryCountdownText(r, 130_000)).toBe('retrying now (attempt 3)');
  });
  it('never counts more than the scheduled wait (a viewer whose clock is behind the host\'s)', () => {
    expect(retrySecondsLeft(r, 0)).toBe(10);
  });
  it('writes the due clock time for a log line', () => {
    const at = new Date(2026, 0, 5, 14, 2, 31).getTime();
    expect(clockTime(at)).toBe('14:02:31');
    expect(retryAtText({ attempt: 2, at, delayMs: 1000 })).toBe('attempt 2 at 14:02:31');
  });
});
