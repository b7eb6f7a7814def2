import { describe, expect, it } from 'vitest';
import { DataArrival, formatSilence, liveClockView, NO_DATA_AFTER_MS } from '../../../../renderer/shell/liveClock.js';

describe('the live clock when the data stops', () => {
  const t0 = Date.UTC(2026, 10, 25, 7, 3, 12);

  it('broker down: the badge says RECONNECTING and the silence is counted in wall time, second by second', () => {
    // Before: the badge read "LIVE" (amber) beside a clock frozen at the last record, nothing else moving on the bar.
    const arrival = new DataArrival();
    arrival.note('mqtt://broker:1883/testbed', t0, 1_000_000);
    arrival.note('mqtt://broker:1883/testbed', t0, 1_001_000); // the same newest record: no new data
    expect(liveClockView('reconnecting', arrival.since, 1_025_400)).toEqual({ badge: 'RECONNECTING', stalled: true, age: 'no data for 25 s', nextChangeMs: 600 });
    expect(liveClockView('reconnecting', arrival.since, 1_026_000).age).toBe('no data for 26 s');
    expect(liveClockView('connecting', arrival.since, 1_003_000)).toMatchObject({ badge: 'CONNECTING', age: 'no data for 3 s' });
  });

  it('data flowing: LIVE, no figure, and a wake-up when the silence limit would pass', () => {
    const arrival = new DataArrival();
    arrival.note('testbed:', t0, 5_000);
    arrival.note('testbed:', t0 + 60_000, 6_000); // a 60× testbed: its clock runs ahead of the wall's, and that is data
    expect(liveClockView('live', arrival.since, 8_000)).toEqual({ badge: 'LIVE', stalled: false, age: null, nextChangeMs: NO_DATA_AFTER_MS - 2_000 });
  });

  it('connected but silent past the limit: NO DATA, with the figure', () => {
    const arrival = new DataArrival();
    arrival.note('mqtt://b/p', t0, 0);
    expect(liveClockView('live', arrival.since, NO_DATA_AFTER_MS - 1)).toMatchObject({ badge: 'LIVE', age: null });
    expect(liveClockView('live', arrival.since, NO_DATA_AFTER_MS)).toMatchObject({ badge: 'NO DATA', stalled: true, age: 'no data for 10 s' });
  });

  it('no data yet: no figure to count from; a new source starts afresh', () => {
    const arrival = new DataArrival();
    arrival.note('mqtt://a/p', Number.NaN, 0);
    expect(liveClockView('connecting', arrival.since, 30_000)).toEqual({ badge: 'CONNECTING', stalled: true, age: null, nextChangeMs: null });
    arrival.note('mqtt://a/p', t0, 1_000);
    arrival.note('mqtt://b/p', t0, 9_000); // the same time from another broker is news: counted from when it came
    expect(arrival.since).toBe(9_000);
  });

  it('the silence reads in whole seconds, then minutes, then hours', () => {
    expect(formatSilence(999)).toBe('0 s');
    expect(formatSilence(59_999)).toBe('59 s');
    expect(formatSilence(185_000)).toBe('3 min 05 s');
    expect(formatSilence(3_720_000)).toBe('1 h 02 min');
  });
});
