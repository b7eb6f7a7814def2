import { describe, expect, it } from 'vitest';
import { CountSchema, PositionSchema, ScanSchema, StateSchema } from '../../../../common/records.js';
import { fastValidate, normaliseMqttMessage, rejectReasonKey, routeTopic } from '../../../../main/sources/normalise.js';

const T = '2026-11-24T03:00:00.120Z';
const TMS = Date.parse(T);
const norm = (topic: string, payload: string, prefix = 'testbed') => normaliseMqttMessage(topic, payload, prefix, 'mqtt://b', 1000);

describe('normalise (MQTT edge)', () => {
  it('routes the spec topics and nothing else', () => {
    expect(routeTopic('testbed/state/robot/robot-07', 'testbed')).toEqual({ kind: 'state', entityKind: 'robot', id: 'robot-07' });
    expect(routeTopic('city/a/scan/tag-1', 'city/a')).toEqual({ kind: 'scan', device: 'tag-1' });
    expect(routeTopic('testbed/count/2F-atrium', 'testbed')).toEqual({ kind: 'count', zone: '2F-atrium' });
    expect(routeTopic('testbed/weather/x', 'testbed')).toBeNull();
    expect(routeTopic('testbed/state/robot', 'testbed')).toBeNull();
    expect(routeTopic('other/state/robot/r', 'testbed')).toBeNull();
  });

  it('accepts a valid state, normalising the ISO time to epoch ms and keeping unknown fields', () => {
    const r = norm('testbed/state/robot/robot-07', JSON.stringify({ id: 'robot-07', kind: 'robot', t: T, x: 1, y: 2, battery: 0.5, state: 'moving', vendor: 'acme' }));
    expect(r.rejected).toEqual([]);
    expect(r.records).toHaveLength(1);
    const rec = r.records[0]!;
    expect(rec.kind).toBe('state');
    expect(rec.record.t).toBe(TMS);
    expect((rec.record as Record<string, unknown>).vendor).toBe('acme');
  });

  it('fills id and kind from the topic, accepts arrays of one kind element by element', () => {
    const r = norm('testbed/count/z1', JSON.stringify([{ t: TMS, count: 3 }, { t: TMS, count: -1 }, { t: TMS + 1, count: 4 }]));
    expect(r.records.map((x) => x.record)).toEqual([{ zone: 'z1', t: TMS, count: 3 }, { zone: 'z1', t: TMS + 1, count: 4 }]);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]!.reason).toMatch(/^invalid count: count — /);
    expect(r.rejected[0]!.raw).toBe('{"t":1795489200120,"count":-1}'.replace('1795489200120', String(TMS)));
  });

  it('rejects bad JSON, wrong types, "NaN", absurd times and unknown topics with countable reasons', () => {
    const cases: [string, string, string][] = [
      ['testbed/state/robot/r1', '{"id": "r1", "kind": ', 'invalid JSON'],
      ['testbed/state/robot/r1', JSON.stringify({ id: 'r1', kind: 'robot', t: T, x: 'NaN', y: 1 }), 'invalid state: x'],
      ['testbed/state/robot/r1', JSON.stringify({ id: 'r1', kind: 'robot', t: T, battery: 7 }), 'invalid state: battery'],
      ['testbed/state/robot/r1', JSON.stringify({ id: 'r1', kind: 'robot', t: 1 }), 'invalid state: time out of range'],
      ['testbed/state/robot/r1', JSON.stringify({ id: 'r1', kind: 'robot', t: '3024-01-01T00:00:00Z' }), 'invalid state: time out of range'],
      ['testbed/scan/tag-1', JSON.stringify({ t: T, rssi: { 'b-1': 12 } }), 'invalid scan: rssi.b-1'],
      ['testbed/nonsense/x', JSON.stringify({ t: T }), 'unknown topic'],
      ['testbed/position/p1', '42', 'invalid position: not an object'],
    ];
    for (const [topic, payload, key] of cases) {
      const r = norm(topic, payload);
      expect(r.records, `${topic} ${payload}`).toEqual([]);
      expect(r.rejected).toHaveLength(1);
      expect(rejectReasonKey(r.rejected[0]!.reason), payload).toBe(key);
      expect(r.rejected[0]!.source).toBe('mqtt://b');
      expect(r.rejected[0]!.t).toBe(1000);
    }
  });

  it('takes only ISO 8601 time strings: "12", "0" and "hello 2020" are not times (Date.parse made them 2001, 2000 and 2020)', () => {
    for (const t of ['12', '0', '-1', 'hello 2020', '2020', 'Dec 6 2026', '2026-12-06T08', '06/12/2026']) {
      const r = norm('testbed/state/robot/r1', JSON.stringify({ t, x: 1, y: 1 }));
      expect(r.records, t).toEqual([]);
      expect(r.rejected[0]!.reason, t).toContain('not an ISO 8601 time');
    }
    const ok: [string, number][] = [
      ['2026-12-06T08:15:30.250Z', Date.UTC(2026, 11, 6, 8, 15, 30, 250)],
      ['2026-12-06T17:15:30+09:00', Date.UTC(2026, 11, 6, 8, 15, 30)],
      ['2026-12-06 08:15:30Z', Date.UTC(2026, 11, 6, 8, 15, 30)],
      ['2026-12-06', Date.UTC(2026, 11, 6)],
    ];
    for (const [t, ms] of ok) expect(norm('testbed/state/robot/r1', JSON.stringify({ t, x: 1, y: 1 })).records[0]?.record.t, t).toBe(ms);
    // A missing time says so.
    const missing = norm('testbed/state/robot/r1', JSON.stringify({ x: 1, y: 1 }));
    expect(missing.rejected[0]!.reason).toBe('invalid state: t — t: missing (expected an ISO 8601 time or epoch milliseconds) (topic testbed/state/robot/r1)');
  });

  it('rejects coordinates beyond 1 000 km and speeds beyond 1 000 m/s (1e308 would wreck the view\'s bounds)', () => {
    for (const extra of [{ x: 1e308, y: 1 }, { x: 1, y: -2e6 }, { x: 1, y: 1, z: 1e7 }, { speed: 1e308 }]) {
      const r = norm('testbed/state/robot/r1', JSON.stringify({ t: T, ...extra }));
      expect(r.records, JSON.stringify(extra)).toEqual([]);
    }
    expect(norm('testbed/position/p1', JSON.stringify({ t: T, x: 1e9, y: 0 })).records).toEqual([]);
    expect(norm('testbed/state/robot/r1', JSON.stringify({ t: T, x: 999_999, y: -999_999, speed: 30 })).records).toHaveLength(1);
  });

  it('keeps harmless unknown fields and drops the rest, so a record is never too deep or too big to record', () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const payload = `{"t":"${T}","x":1,"y":2,"vendor":"acme","tags":["a","b"],"meta":{"fw":"1.2"},"d":${deep},"junk":"${'j'.repeat(1_000_000)}"}`;
    const r = norm('testbed/state/robot/r1', payload);
    expect(r.rejected).toEqual([]);
    const rec = r.records[0]!.record as Record<string, unknown>;
    expect(rec).toMatchObject({ id: 'r1', x: 1, y: 2, vendor: 'acme', tags: ['a', 'b'], meta: { fw: '1.2' } });
    expect(rec).not.toHaveProperty('d');
    expect(rec).not.toHaveProperty('junk');
    expect(JSON.stringify(rec).length).toBeLessThan(200);
    // The same on a position, and on the zod path (an odd record the fast path hands over).
    const pos = norm('testbed/position/p1', `{"t":"${T}","x":1,"y":2,"lat":35.5,"d":${deep}}`);
    expect(pos.records[0]?.record).not.toHaveProperty('d');
    // A deep item of an array that is rejected is shown as what it is, without throwing.
    const arr = norm('testbed/count/z', `[{"t":"${T}","count":1},${deep}]`);
    expect(arr.records).toHaveLength(1);
    expect(arr.rejected[0]!.raw).toContain('too deeply nested');
  });

  it('an unknown entity kind string is fine', () => {
    const r = norm('testbed/state/drone/d1', JSON.stringify({ t: TMS, x: 1, y: 1 }));
    expect(r.records[0]?.record).toMatchObject({ id: 'd1', kind: 'drone' });
  });
});

describe('normalise fast path agrees with the zod schemas', () => {
  const schemas = { state: StateSchema, scan: ScanSchema, position: PositionSchema, count: CountSchema } as const;
  // Deterministic generator of near-valid records: each field sometimes mutated to something odd.
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const odd = [undefined, null, NaN, -1, 2, 1e20, '', 'x', 'NaN', [], {}, true, 0, -200, 400, '2026-11-24T03:00:00Z', 1_000, 'moving', 'flying', 'a'.repeat(300)];
  const pick = <T,>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
  const mutate = (o: Record<string, unknown>) => {
    const out: Record<string, unknown> = { ...o };
    for (const k of Object.keys(out)) if (rnd() < 0.12) out[k] = pick(odd);
    if (rnd() < 0.1) delete out[pick(Object.keys(out))];
    if (rnd() < 0.1) out.extra = 'kept?';
    return out;
  };
  const base = {
    state: () => ({ id: 'robot-1', kind: 'robot', type: 'delivery', t: TMS, floor: '2F', x: 1.5, y: -2, z: 0, heading: 90, speed: 0.8, battery: 0.5, state: 'moving', task: 'deliver', error: null, lat: 35.5, lon: 139.7 }),
    scan: () => ({ device: 'tag-1', t: T, rssi: { 'b-1': -70, 'b-2': pick([-80, -131, 1, 'x', -100]) } }),
    position: () => ({ id: 'tag-1', t: TMS, floor: '1F', x: 1, y: 2, accuracy: 1.5 }),
    count: () => ({ zone: 'z', t: TMS, count: 3 }),
  };

  for (const kind of ['state', 'scan', 'position', 'count'] as const) {
    it(`${kind}: whatever the fast path accepts, zod accepts with the same output; valid input takes the fast path`, () => {
      let fastHits = 0;
      for (let i = 0; i < 3000; i++) {
        const input = i < 50 ? base[kind]() : mutate(base[kind]());
        const fast = fastValidate(kind, input);
        const z = schemas[kind].safeParse(input);
        if (i < 50 && kind !== 'scan') expect(fast, JSON.stringify(input)).not.toBeNull();
        if (fast) {
          fastHits++;
          expect(z.success, JSON.stringify(input)).toBe(true);
          expect(fast.record).toEqual(z.data);
        }
      }
      expect(fastHits).toBeGreaterThan(100);
    });
  }
});
