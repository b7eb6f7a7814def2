import { describe, expect, it } from 'vitest';
import { normaliseMqttMessage, rejectReasonKey, routeTopic } from '../../../../main/sources/normalise.js';

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

  it('an unknown entity kind string is fine', () => {
    const r = norm('testbed/state/drone/d1', JSON.stringify({ t: TMS, x: 1, y: 1 }));
    expect(r.records[0]?.record).toMatchObject({ id: 'd1', kind: 'drone' });
  });
});
