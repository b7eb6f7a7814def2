import { describe, expect, it } from 'vitest';
import { decodeBinaryEvent, encodeBinaryEvent } from '../../../common/api.js';
import {
  decodeTelemetryFrame,
  encodeTelemetryFrame,
  frameString,
  NO_STRING,
  ROW_GEO,
  ROW_STALE,
  stateName,
  TelemetryFrameError,
} from '../../../common/telemetryFrame.js';

const T0 = Date.UTC(2026, 10, 24, 3, 0, 0);

describe('telemetry frame', () => {
  it('round-trips entities, positions, counts and the side-car through a binary API event', () => {
    const bytes = encodeTelemetryFrame({
      time: T0 + 500,
      full: true,
      entities: [
        { id: 'robot-07', kind: 'robot', type: 'delivery', floor: '2F', t: T0 + 120, x: 12.5, y: 45.25, heading: 90, speed: 0.8, battery: 0.76, state: 'moving', task: 'deliver 2F-12', error: null, stale: false },
        { id: 'bus-1', kind: 'bus', t: T0, lat: 35.5494123, lon: 139.7798456, state: 'error', error: 'door fault', stale: true },
      ],
      positions: [{ id: 'tag-0042', t: T0 + 10, floor: '1F', x: 10.2, y: 4.9, accuracy: 1.8, stale: false }],
      counts: [{ zone: '2F-atrium', t: T0, count: 37 }],
      sidecar: { alerts: [{ id: 'a1', t: T0, entity: 'bus-1', severity: 'critical', code: 'error', message: 'door fault', active: true }] },
    });
    const event = encodeBinaryEvent('telemetry', bytes);
    const { channel, payload, offset } = decodeBinaryEvent(event.buffer as ArrayBuffer);
    expect(channel).toBe('telemetry');
    const f = decodeTelemetryFrame(payload, offset);
    expect(f.full).toBe(true);
    expect(f.time).toBe(T0 + 500);
    expect(f.entities.count).toBe(2);
    expect(frameString(f, f.entities.id[0]!)).toBe('robot-07');
    expect(frameString(f, f.entities.kind[0]!)).toBe('robot');
    expect(frameString(f, f.entities.type[0]!)).toBe('delivery');
    expect(frameString(f, f.entities.task[0]!)).toBe('deliver 2F-12');
    expect(f.entities.error[0]).toBe(NO_STRING);
    expect(f.entities.t[0]).toBe(T0 + 120);
    expect(f.entities.x[0]).toBeCloseTo(12.5, 5);
    expect(f.entities.battery[0]).toBeCloseTo(0.76, 5);
    expect(stateName(f.entities.state[0]!)).toBe('moving');
    expect(f.entities.flags[0]).toBe(0);
    // Geo entity: lat/lon kept at full double precision, x NaN, stale + geo flags.
    expect(f.entities.lat[1]).toBe(35.5494123);
    expect(f.entities.lon[1]).toBe(139.7798456);
    expect(Number.isNaN(f.entities.x[1]!)).toBe(true);
    expect(f.entities.flags[1]).toBe(ROW_STALE | ROW_GEO);
    expect(stateName(f.entities.state[1]!)).toBe('error');
    expect(frameString(f, f.entities.error[1]!)).toBe('door fault');
    expect(f.positions.count).toBe(1);
    expect(frameString(f, f.positions.id[0]!)).toBe('tag-0042');
    expect(frameString(f, f.positions.floor[0]!)).toBe('1F');
    expect(f.positions.accuracy[0]).toBeCloseTo(1.8, 5);
    expect(f.counts.value[0]).toBe(37);
    expect(frameString(f, f.counts.zone[0]!)).toBe('2F-atrium');
    expect(f.sidecar.alerts?.[0]?.code).toBe('error');
  });

  it('numeric columns are views into the received buffer, not copies', () => {
    const bytes = encodeTelemetryFrame({ time: T0, full: false, entities: [{ id: 'r', kind: 'robot', t: T0, x: 1, y: 2, stale: false }], positions: [], counts: [] });
    const f = decodeTelemetryFrame(bytes.buffer as ArrayBuffer, 0);
    expect(f.entities.x.buffer).toBe(bytes.buffer);
    expect(f.entities.t.buffer).toBe(bytes.buffer);
  });

  it('decodes an empty frame and rejects garbage with a clear error', () => {
    const f = decodeTelemetryFrame(encodeTelemetryFrame({ time: 0, full: false, entities: [], positions: [], counts: [] }).buffer as ArrayBuffer);
    expect(f.entities.count + f.positions.count + f.counts.count).toBe(0);
    expect(f.sidecar).toEqual({});
    expect(() => decodeTelemetryFrame(new ArrayBuffer(64))).toThrow(TelemetryFrameError);
    const good = encodeTelemetryFrame({ time: 0, full: false, entities: [{ id: 'r', kind: 'robot', t: T0, stale: false }], positions: [], counts: [] });
    expect(() => decodeTelemetryFrame(good.buffer.slice(0, 60) as ArrayBuffer)).toThrow(/header announces/);
  });

  it('decodes from an unaligned offset by copying once', () => {
    const bytes = encodeTelemetryFrame({ time: 5, full: false, entities: [{ id: 'x', kind: 'sensor', t: T0, battery: 0.5, stale: false }], positions: [], counts: [] });
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const f = decodeTelemetryFrame(shifted.buffer as ArrayBuffer, 3);
    expect(f.entities.battery[0]).toBeCloseTo(0.5, 6);
    expect(frameString(f, f.entities.kind[0]!)).toBe('sensor');
  });

  it('keeps ids with odd characters (quotes, unicode, an empty id, a NUL) and rejects a string table that does not match its count', () => {
    const ids = ['bus "A"', 'ロボット-1', '', 'a\u0000b', 'x\\y'];
    const bytes = encodeTelemetryFrame({ time: T0, full: false, entities: ids.map((id) => ({ id, kind: 'robot', t: T0, stale: false })), positions: [], counts: [] });
    const f = decodeTelemetryFrame(bytes.buffer as ArrayBuffer);
    expect(Array.from({ length: f.entities.count }, (_, i) => frameString(f, f.entities.id[i]!))).toEqual(['bus "A"', 'ロボット-1', '', 'a\uFFFDb', 'x\\y']);
    // The string count in the header (offset 28) must match the table: 5 ids, then 'robot'.
    expect(f.ids).toEqual(['bus "A"', 'ロボット-1', '', 'a\uFFFDb', 'x\\y']);
    const bad = bytes.slice();
    new DataView(bad.buffer).setUint32(28, 99, true);
    expect(() => decodeTelemetryFrame(bad.buffer as ArrayBuffer)).toThrow(/string table holds 1 strings, header announces 94/);
  });

  it('frames that repeat the id table share one frozen decoded id array; a different table decodes on its own', () => {
    const frame = (order: number[], t: number) =>
      encodeTelemetryFrame({ time: t, full: false, entities: order.map((i) => ({ id: `robot-${i}`, kind: 'robot', t, x: i, y: 0, stale: false })), positions: [], counts: [] }).buffer as ArrayBuffer;
    const ids = Array.from({ length: 300 }, (_, i) => i);
    const a = decodeTelemetryFrame(frame(ids, T0));
    const b = decodeTelemetryFrame(frame(ids, T0 + 1000));
    expect(b.ids).toBe(a.ids);
    expect(Object.isFrozen(b.ids)).toBe(true);
    expect(frameString(b, b.entities.kind[0]!)).toBe('robot');
    expect(b.time).toBe(T0 + 1000);
    const reversed = decodeTelemetryFrame(frame([...ids].reverse(), T0 + 2000));
    expect(reversed.ids).not.toBe(a.ids);
    expect(frameString(reversed, reversed.entities.id[0]!)).toBe('robot-299');
    expect(reversed.entities.x[0]).toBe(299);
    // Same length, one character different: not mistaken for the cached table.
    const other = decodeTelemetryFrame(frame([...ids.slice(0, 299), 9], T0 + 3000));
    expect(frameString(other, other.entities.id[299]!)).toBe('robot-9');
    expect(frameString(other, other.entities.id[298]!)).toBe('robot-298');
  });
});
