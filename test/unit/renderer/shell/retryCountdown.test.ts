/**
 * The status bar's countdown while the workbench services or the data source wait to retry:
 * the figure a user reads goes down each second ("Reconnecting in 4 s" → "in 3 s"), with the
 * attempt number, and the ticker that re-renders it fires once per changed figure and stops when
 * the attempt is due. Before: "retry in 8 s" sat in the status detail until the next failure.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SourceStatus } from '../../../../common/source.js';
import { CountdownTicker } from '../../../../renderer/shell/CountdownTicker.js';
import { connectionLabel, sourceStateLabel } from '../../../../renderer/shell/StatusBar.js';

afterEach(() => vi.useRealTimers());

const retry = { attempt: 3, at: 10_000, delayMs: 4000 };

describe('status bar labels', () => {
  it('counts the connection down to its next attempt', () => {
    const c = { state: 'reconnecting' as const, detail: 'connection lost', retry };
    expect([6000, 7000, 8500, 9999, 10_000].map((now) => connectionLabel(c, now))).toEqual([
      'Reconnecting in 4 s · attempt 3', 'Reconnecting in 3 s · attempt 3', 'Reconnecting in 2 s · attempt 3', 'Reconnecting in 1 s · attempt 3', 'Connecting… · attempt 3',
    ]);
    expect(connectionLabel({ state: 'connecting', retry }, 10_500)).toBe('Connecting… · attempt 3');
    expect(connectionLabel({ state: 'connected' }, 0)).toBe('Connected');
  });

  it('counts the source down to its next attempt, and reads its plain state otherwise', () => {
    const s: SourceStatus = { uri: 'mqtt://b:1883/testbed', state: 'reconnecting', detail: 'connect ECONNREFUSED', retry, accepted: 0, rejected: 0, rejectReasons: {} };
    expect([6000, 8000, 10_000].map((now) => sourceStateLabel(s, now))).toEqual(['reconnecting in 4 s · attempt 3', 'reconnecting in 2 s · attempt 3', 'reconnecting now · attempt 3']);
    expect(sourceStateLabel({ ...s, state: 'live', retry: undefined }, 0)).toBe('live');
  });
});

describe('CountdownTicker', () => {
  it('ticks each time the whole-second figure changes, then stops when due', () => {
    vi.useFakeTimers({ now: 6300 });
    const shown: string[] = [];
    const ticker = new CountdownTicker(() => shown.push(connectionLabel({ state: 'reconnecting', retry }, Date.now())));
    ticker.follow(retry);
    vi.advanceTimersByTime(10_000);
    expect(shown).toEqual(['Reconnecting in 3 s · attempt 3', 'Reconnecting in 2 s · attempt 3', 'Reconnecting in 1 s · attempt 3', 'Connecting… · attempt 3']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('follows a new schedule and stops when there is none', () => {
    vi.useFakeTimers({ now: 0 });
    let ticks = 0;
    const ticker = new CountdownTicker(() => ticks++);
    ticker.follow({ attempt: 1, at: 500, delayMs: 500 });
    ticker.follow({ attempt: 2, at: 3000, delayMs: 3000 });
    vi.advanceTimersByTime(1100);
    expect(ticks).toBe(1);
    ticker.follow(undefined);
    vi.advanceTimersByTime(5000);
    expect(ticks).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
