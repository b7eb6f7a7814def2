import { describe, it, expect } from 'vitest';
import { sourceControls } from '../../../../renderer/shell/sourceControls.js';
import type { SourceStatus } from '../../../../common/source.js';

const base: SourceStatus = { uri: 'x', state: 'live', accepted: 0, rejected: 0, rejectReasons: {} };

describe('timeline controls follow what the source declares', () => {
  it('a live broker gets a LIVE badge and no player controls', () => {
    expect(sourceControls({ ...base, uri: 'mqtt://b:1883' })).toEqual({ live: true, pause: false, seek: false, speed: false });
  });

  it('a replay gets play/pause, seek and speed, no LIVE badge', () => {
    const s: SourceStatus = { ...base, uri: 'file:a.mcap', state: 'paused', range: { start: 1000, end: 61_000 }, now: 2000, speed: 1 };
    expect(sourceControls(s)).toEqual({ live: false, pause: true, seek: true, speed: true });
  });

  it('a simulator with a speed but no range is live with a speed selector', () => {
    expect(sourceControls({ ...base, uri: 'testbed:', speed: 4 })).toEqual({ live: true, pause: false, seek: false, speed: true });
  });

  it('no source, no controls', () => {
    expect(sourceControls(null)).toEqual({ live: false, pause: false, seek: false, speed: false });
  });
});
