import { afterEach, describe, expect, it } from 'vitest';
import { formatTime, zoneLabel } from '../../../../renderer/shell/formatTime.js';

const saved = process.env['TZ'];
afterEach(() => {
  if (saved === undefined) delete process.env['TZ'];
  else process.env['TZ'] = saved;
});

describe('timeline times', () => {
  it('label the local zone the clock is in (the Analytics panel and exports say UTC)', () => {
    const t = Date.parse('2026-12-06T12:29:10Z');
    process.env['TZ'] = 'America/New_York';
    expect([formatTime(t), zoneLabel(t)]).toEqual(['2026-12-06 07:29:10', 'UTC−5']);
    expect(zoneLabel(Date.parse('2026-07-01T12:00:00Z'))).toBe('UTC−4'); // summer time
    process.env['TZ'] = 'Asia/Tokyo';
    expect([formatTime(t, false), zoneLabel(t)]).toEqual(['21:29:10', 'UTC+9']);
    process.env['TZ'] = 'Asia/Kolkata';
    expect(zoneLabel(t)).toBe('UTC+5:30');
    process.env['TZ'] = 'UTC';
    expect([formatTime(t, false), zoneLabel(t)]).toEqual(['12:29:10', 'UTC']);
  });
});
