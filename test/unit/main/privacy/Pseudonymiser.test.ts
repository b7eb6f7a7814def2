import { describe, expect, it } from 'vitest';
import type { TelemetryRecord } from '../../../../common/records.js';
import { DAY_MS, Pseudonymiser } from '../../../../main/privacy/Pseudonymiser.js';

const T = Date.UTC(2026, 10, 25, 9, 0, 0);

describe('Pseudonymiser', () => {
  it('maps a device to the same pseudonym within a day, and never shows the id', () => {
    const p = new Pseudonymiser();
    const a = p.pseudonym('tag-0042', T);
    expect(a).toMatch(/^anon-[0-9a-f]{16}$/);
    expect(a).not.toContain('0042');
    expect(p.pseudonym('tag-0042', T + 3_600_000)).toBe(a);
    expect(p.pseudonym('tag-0043', T)).not.toBe(a);
  });

  it('rotates daily: the next day gives an unlinkable pseudonym', () => {
    const p = new Pseudonymiser();
    expect(p.pseudonym('tag-0042', T + DAY_MS)).not.toBe(p.pseudonym('tag-0042', T));
  });

  it('memory-only keys differ between instances (nothing persists across restarts)', () => {
    expect(new Pseudonymiser().pseudonym('tag-1', T)).not.toBe(new Pseudonymiser().pseudonym('tag-1', T));
  });

  it('a configured secret gives stable pseudonyms across instances; a short one is refused', () => {
    const secret = 'a-long-site-secret-value';
    expect(new Pseudonymiser({ secret }).pseudonym('tag-1', T)).toBe(new Pseudonymiser({ secret }).pseudonym('tag-1', T));
    expect(() => new Pseudonymiser({ secret: 'short' })).toThrow(/at least 16/);
  });

  it('forgets keys older than the previous period', () => {
    let calls = 0;
    const p = new Pseudonymiser({ random: (n) => Buffer.alloc(n, ++calls) });
    const day0 = p.pseudonym('x', T);
    p.pseudonym('x', T + DAY_MS);
    p.pseudonym('x', T + 2 * DAY_MS); // day 0's key is wiped now
    expect(p.pseudonym('x', T)).not.toBe(day0); // a fresh key: the old pseudonym cannot be recomputed
  });

  it('replaces identifiers of scans, positions and person states; leaves robots and counts', () => {
    const p = new Pseudonymiser();
    const batch: TelemetryRecord[] = [
      { kind: 'scan', record: { device: 'tag-1', t: T, rssi: { b: -60 } } },
      { kind: 'position', record: { id: 'tag-1', t: T, floor: '1F', x: 1, y: 2, accuracy: 1 } },
      { kind: 'state', record: { id: 'alice-phone', kind: 'person', t: T } },
      { kind: 'state', record: { id: 'robot-07', kind: 'robot', t: T } },
      { kind: 'count', record: { zone: '1F-ATR', t: T, count: 3 } },
      { kind: 'rejected', record: { t: T, source: 'mqtt', reason: 'rssi: too small', raw: '{"device":"tag-1"}' } },
    ];
    const out = p.applyBatch(batch);
    const text = JSON.stringify(out);
    expect(text).not.toContain('tag-1');
    expect(text).not.toContain('alice-phone');
    expect(text).toContain('robot-07');
    const scan = out[0]!;
    const pos = out[1]!;
    expect(scan.kind === 'scan' && pos.kind === 'position' && scan.record.device === pos.record.id).toBe(true);
    expect(out[4]).toEqual(batch[4]);
    expect(batch[0]!.kind === 'scan' && batch[0]!.record.device).toBe('tag-1'); // input not mutated
  });

  it('refuses use after dispose', () => {
    const p = new Pseudonymiser();
    p.dispose();
    expect(() => p.pseudonym('x', T)).toThrow(/dispose/);
  });
});
