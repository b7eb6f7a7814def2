import { describe, expect, it } from 'vitest';
import { DataArrival, formatSilence, HOST_CLOCK_SLACK_MS, hostLastDataAt, liveClockView, NO_DATA_AFTER_MS, silenceSince } from '../../../../renderer/shell/liveClock.js';

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

  it('the page itself lost the workbench: NOT CONNECTED at once, whatever the source last said, with the silence', () => {
    // Before: the badge went on reading LIVE for 10 s after the host was gone, then NO DATA, as if the source were silent.
    const arrival = new DataArrival();
    arrival.note('testbed:', t0, 0);
    expect(liveClockView('live', arrival.since, 2_000, false)).toEqual({ badge: 'NOT CONNECTED', stalled: true, age: 'no data for 2 s', nextChangeMs: 1000 });
    expect(liveClockView('live', arrival.since, 45_000, false)).toMatchObject({ badge: 'NOT CONNECTED', age: 'no data for 45 s' });
    expect(liveClockView('live', arrival.since, 2_000, true)).toMatchObject({ badge: 'LIVE' });
  });

  it('no data yet: no figure to count from; a new source starts afresh', () => {
    const arrival = new DataArrival();
    arrival.note('mqtt://a/p', Number.NaN, 0);
    expect(liveClockView('connecting', arrival.since, 30_000)).toEqual({ badge: 'CONNECTING', stalled: true, age: null, nextChangeMs: null });
    arrival.note('mqtt://a/p', t0, 1_000);
    arrival.note('mqtt://b/p', t0, 9_000); // the same time from another broker is news: counted from when it came
    expect(arrival.since).toBe(9_000);
  });

  it('a page reloaded four minutes into an outage counts from the host\'s last data, not from its own load', () => {
    // Before: the reloaded page read "no data for 3 s" three seconds after the reload, the broker down for 4 minutes.
    const wallDown = Date.UTC(2026, 10, 25, 7, 0, 0);
    const reload = wallDown + 240_000;
    const arrival = new DataArrival();
    arrival.note('mqtt://broker:1883/testbed', t0, reload); // the first status the new page sees: the frozen data time
    const status = { lastDataAt: wallDown };
    expect(liveClockView('reconnecting', silenceSince(status, arrival, reload + 3_000), reload + 3_000)).toMatchObject({ badge: 'RECONNECTING', age: 'no data for 4 min 03 s' });
    // Back, connected, nothing new yet: NO DATA, the same count going on.
    expect(liveClockView('live', silenceSince(status, arrival, reload + 9_000), reload + 9_000)).toMatchObject({ badge: 'NO DATA', age: 'no data for 4 min 09 s' });
    // New data: the page sees the data time move before the host's next status says so (up to a second later).
    arrival.note('mqtt://broker:1883/testbed', t0 + 250_000, reload + 10_000);
    expect(liveClockView('live', silenceSince(status, arrival, reload + 10_200), reload + 10_200)).toMatchObject({ badge: 'LIVE', age: null });
    expect(liveClockView('live', silenceSince({ lastDataAt: reload + 10_000 }, arrival, reload + 10_500), reload + 10_500)).toMatchObject({ badge: 'LIVE', age: null });
  });

  it('the host\'s time is checked: null means no data yet; absent, garbage or far ahead of this page\'s clock, the page counts itself', () => {
    const now = Date.UTC(2026, 10, 25, 7, 10, 0);
    expect(hostLastDataAt({ lastDataAt: now - 5_000 }, now)).toBe(now - 5_000);
    expect(hostLastDataAt({ lastDataAt: now + HOST_CLOCK_SLACK_MS }, now)).toBe(now + HOST_CLOCK_SLACK_MS); // clocks a little apart: reads 0 s
    expect(hostLastDataAt({ lastDataAt: null }, now)).toBeNull();
    expect(hostLastDataAt({}, now)).toBeUndefined();
    for (const bad of [now + 60_000, Number.NaN, Number.POSITIVE_INFINITY, -1, 5_000, '1795590000000', {}]) {
      expect(hostLastDataAt({ lastDataAt: bad } as unknown as { lastDataAt: number }, now), String(bad)).toBeUndefined();
    }
    const arrival = new DataArrival();
    arrival.note('mqtt://a/p', t0, now - 2_000);
    expect(silenceSince({}, arrival, now)).toBe(now - 2_000); // an older host: the page's own measure, as before
    expect(silenceSince({ lastDataAt: now + 60_000 }, arrival, now)).toBe(now - 2_000);
    expect(silenceSince({ lastDataAt: null }, arrival, now)).toBeNull(); // the host has had nothing: no figure to count
    arrival.note('mqtt://a/p', t0 + 1_000, now - 1_000);
    expect(silenceSince({ lastDataAt: null }, arrival, now)).toBe(now - 1_000); // … unless this page saw data come since
  });

  it('a live source that has sent nothing at all reads NO DATA 10 s after it connected (a broker nobody publishes to read LIVE for good)', () => {
    const connected = Date.UTC(2026, 11, 6, 21, 50, 35), arrival = new DataArrival();
    const status = (wall: number) => ({ state: 'live' as const, lastDataAt: null, liveSince: connected, now: wall });
    const at = (ms: number) => liveClockView('live', silenceSince(status(connected + ms), arrival, connected + ms), connected + ms);
    expect(at(5_000)).toMatchObject({ badge: 'LIVE', age: null });
    expect(at(34_000)).toMatchObject({ badge: 'NO DATA', stalled: true, age: 'no data for 34 s' });
    // Not live (connecting), or a host clock far ahead: no such count.
    expect(silenceSince({ state: 'connecting', lastDataAt: null, liveSince: null }, arrival, connected + 34_000)).toBeNull();
    expect(silenceSince({ state: 'live', lastDataAt: null, liveSince: connected + 60_000 }, arrival, connected + 34_000)).toBeNull();
  });

  it('the silence reads in whole seconds, then minutes, then hours', () => {
    expect(formatSilence(999)).toBe('0 s');
    expect(formatSilence(59_999)).toBe('59 s');
    expect(formatSilence(185_000)).toBe('3 min 05 s');
    expect(formatSilence(3_720_000)).toBe('1 h 02 min');
  });
});
