import { describe, it, expect } from 'vitest';
import { achievedSpeedText, canStep, describeAlert, formatClock, nextAlert, previousAlert, sortAlerts, stepTarget, type AlertMark } from '../../../../renderer/shell/replaySteps.js';

const T0 = new Date(2026, 10, 24, 10, 42, 0).getTime(); // local time, as the clock shows it
const mark = (id: string, t: number, entity = 'robot-07'): AlertMark => ({ id, t, entity, severity: 'warning', code: 'battery-low', message: `${entity}: battery low` });

describe('timeline step: where a step lands', () => {
  const range = { start: T0, end: T0 + 60_000 };

  it('moves by exactly the step inside the range, either way', () => {
    expect(stepTarget(T0 + 10_000, 1000, range)).toBe(T0 + 11_000);
    expect(stepTarget(T0 + 10_000, -100, range)).toBe(T0 + 9_900);
  });

  it('stops at the ends of the recording instead of stepping out of it', () => {
    expect(stepTarget(T0 + 59_500, 1000, range)).toBe(range.end);
    expect(stepTarget(T0 + 300, -1000, range)).toBe(range.start);
  });

  it('cannot step past an end it is already at, nor from an unknown time', () => {
    expect(canStep(range.end, 1, range)).toBe(false);
    expect(canStep(range.end, -1, range)).toBe(true);
    expect(canStep(range.start, -1, range)).toBe(false);
    expect(canStep(range.start, 1, range)).toBe(true);
    expect(stepTarget(Number.NaN, 1000, range)).toBeNull();
    expect(canStep(Number.NaN, 1000, range)).toBe(false);
  });
});

describe('timeline jump to alert: previous / next from the current time', () => {
  // Given out of order, as several channels may interleave in a recording.
  const alerts = sortAlerts([mark('c', T0 + 30_000), mark('a', T0 + 5_000), mark('b1', T0 + 20_000, 'robot-01'), mark('b2', T0 + 20_000, 'robot-02')]);

  it('sorts by time, keeping the order of alerts raised at the same moment', () => {
    expect(alerts.map((a) => a.id)).toEqual(['a', 'b1', 'b2', 'c']);
  });

  it('next is the first alert strictly after now; previous the last strictly before', () => {
    expect(nextAlert(alerts, T0)?.id).toBe('a');
    expect(nextAlert(alerts, T0 + 6_000)?.id).toBe('b1');
    expect(previousAlert(alerts, T0 + 25_000)?.id).toBe('b1');
    expect(previousAlert(alerts, T0 + 31_000)?.id).toBe('c');
  });

  it('standing on an alert, next moves on and previous goes back (no jump to where we are)', () => {
    expect(nextAlert(alerts, T0 + 20_000)?.id).toBe('c');
    expect(previousAlert(alerts, T0 + 20_000)?.id).toBe('a');
    expect(nextAlert(alerts, T0 + 5_000)?.id).toBe('b1');
  });

  it('none in a direction: null (the button is disabled)', () => {
    expect(previousAlert(alerts, T0 + 5_000)).toBeNull();
    expect(previousAlert(alerts, T0)).toBeNull();
    expect(nextAlert(alerts, T0 + 30_000)).toBeNull();
    expect(nextAlert([], T0)).toBeNull();
    expect(nextAlert(alerts, Number.NaN)).toBeNull();
  });

  it('walks through every alert time in order, forward and back', () => {
    const times: number[] = [];
    for (let t = T0, a = nextAlert(alerts, t); a; t = a.t, a = nextAlert(alerts, t)) times.push(a.t);
    expect(times).toEqual([T0 + 5_000, T0 + 20_000, T0 + 30_000]);
    const back: number[] = [];
    for (let t = T0 + 60_000, a = previousAlert(alerts, t); a; t = a.t, a = previousAlert(alerts, t)) back.push(a.t);
    expect(back).toEqual([T0 + 30_000, T0 + 20_000, T0 + 5_000]);
  });
});

describe('timeline clock and alert labels', () => {
  it('shows tenths of a second (truncated) when asked, so a 0.1 s step is seen', () => {
    expect(formatClock(T0 + 13_470)).toBe('2026-11-24 10:42:13.4');
    expect(formatClock(T0 + 13_999, false)).toBe('10:42:13.9');
    expect(formatClock(T0 + 13_470, true, false)).toBe('2026-11-24 10:42:13');
    expect(formatClock(Number.NaN)).toBe('—');
  });

  it('says what a jump goes to: code, entity, time and severity', () => {
    expect(describeAlert(mark('a', T0 + 13_000))).toBe('battery-low robot-07 at 10:42:13.0 (warning) — robot-07: battery low');
  });
});

describe('achievedSpeedText: what the timeline says beside a speed the replay cannot keep up with', () => {
  it('says the pace it really plays at, whole above 10×, and why on hover', () => {
    expect(achievedSpeedText(6.84, 100)).toEqual({ text: 'at 6.8×', title: 'Playing at about 6.8× of the 100× chosen: reading and decoding the recording cannot keep up on this machine' });
    expect(achievedSpeedText(37.6, 60).text).toBe('at 38×');
    // The live testbed falling behind: said as such (it read LIVE while 70–100 s behind).
    expect(achievedSpeedText(0.9, 1, true)).toEqual({ text: 'at 0.9×', title: 'Running at about 0.9× of the 1× chosen: the simulated testbed cannot keep up on this machine, so its data falls further behind the clock' });
  });
});
