import { describe, expect, it } from 'vitest';
import type { StateRecord } from '../../../../common/records.js';
import type { SourceStatus } from '../../../../common/source.js';
import { AlertEngine } from '../../../../main/hub/AlertEngine.js';

const T0 = Date.UTC(2026, 10, 24, 3, 0, 0);
const s = (t: number, extra: Partial<StateRecord>): StateRecord => ({ id: 'r1', kind: 'robot', type: 'delivery', t: T0 + t * 1000, ...extra });
const codes = (e: AlertEngine) => e.drain().map((a) => `${a.code}:${a.entity}:${a.active ? 'on' : 'off'}`);

describe('AlertEngine', () => {
  it('raises battery low below the threshold, not while charging, and clears with hysteresis', () => {
    const e = new AlertEngine({ batteryLowThreshold: 0.15 });
    e.onState(s(0, { battery: 0.2 }));
    e.onState(s(1, { battery: 0.1 }));
    expect(codes(e)).toEqual(['battery-low:r1:on']);
    expect(e.list()[0]!.severity).toBe('warning');
    e.onState(s(2, { battery: 0.16 }));
    expect(codes(e)).toEqual([]); // still below 0.15 + 0.05
    e.onState(s(3, { battery: 0.16, state: 'charging' }));
    expect(codes(e)).toEqual(['battery-low:r1:off']);
  });

  it('raises stalled after 30 s moving without speed or displacement, clears when it advances', () => {
    const e = new AlertEngine();
    for (let t = 0; t <= 30; t += 5) e.onState(s(t, { state: 'moving', speed: 0, x: 5, y: 5 }));
    expect(codes(e)).toEqual([]);
    e.onState(s(31, { state: 'moving', speed: 0, x: 5, y: 5 }));
    expect(codes(e)).toEqual(['stalled:r1:on']);
    e.onState(s(32, { state: 'moving', speed: 0.8, x: 6, y: 5 }));
    expect(codes(e)).toEqual(['stalled:r1:off']);
    // Speed reported but no displacement (wheels spinning) also stalls; the tick fires it without a new state.
    e.onState(s(40, { state: 'moving', speed: 0.5, x: 6, y: 5 }));
    e.onState(s(50, { state: 'moving', speed: 0.5, x: 6.1, y: 5 }));
    e.tick(T0 + 75_000);
    expect(codes(e)).toEqual(['stalled:r1:on']);
  });

  it('does not call a silent entity stalled: with no data it is stale, and stalled only if its data says so', () => {
    // A broker outage: r1 was moving at 0.8 m/s, then nothing. Before, at +30 s every such robot
    // got "moving but not advancing for 30 s" beside its "no data" warning.
    const e = new AlertEngine();
    e.onState(s(0, { state: 'moving', speed: 0.8, x: 5, y: 5 }));
    e.onStale('r1', true, T0 + 10_000, 10);
    for (let t = 11; t <= 120; t++) e.tick(T0 + t * 1000);
    expect(codes(e)).toEqual(['stale:r1:on']);
    // Back after the outage, standing where it was, still "moving" at speed 0: that is a stall, by its data.
    e.onStale('r1', false, T0 + 121_000, 10);
    e.onState(s(121, { state: 'moving', speed: 0, x: 5, y: 5 }));
    expect(codes(e)).toEqual(['stale:r1:off', 'stalled:r1:on']);
  });

  it('a lost connection is one alert, not one "no data" per entity; those still silent after it is back get theirs', () => {
    // 60 robots on the testbed: an outage of the broker raised 60 "no data" warnings beside the one "connection lost".
    const e = new AlertEngine();
    const status = (state: 'live' | 'reconnecting'): SourceStatus => ({ uri: 'mqtt://broker:1883/testbed', state, accepted: 0, rejected: 0, rejectReasons: {} });
    e.onSourceStatus(status('live'), T0);
    e.onState(s(0, { state: 'moving', speed: 0.8, x: 5, y: 5 }));
    e.onState({ ...s(0, { state: 'idle' }), id: 'r2' });
    e.onStale('r3', true, T0 + 5_000, 10); // silent before the outage: its alert stands
    e.onSourceStatus(status('reconnecting'), T0 + 6_000);
    e.onStale('r1', true, T0 + 16_000, 10);
    e.onStale('r2', true, T0 + 16_000, 10);
    for (let t = 17; t <= 90; t++) e.tick(T0 + t * 1000);
    expect(codes(e)).toEqual(['stale:r3:on', 'connection-lost:mqtt://broker:1883/testbed:on']);
    // Back: r2 reports at once; r1 stays silent and gets its "no data" 10 s later (not "stalled": it is silent).
    e.onSourceStatus(status('live'), T0 + 91_000);
    e.tick(T0 + 91_000);
    e.onStale('r2', false, T0 + 91_500, 10);
    for (let t = 92; t <= 100; t++) e.tick(T0 + t * 1000);
    expect(codes(e)).toEqual(['connection-lost:mqtt://broker:1883/testbed:off']);
    e.tick(T0 + 102_000);
    expect(codes(e)).toEqual(['stale:r1:on']);
  });

  it('a publisher that stops (connection up) is one `silent` alert, not one "no data" per entity; when most are back, the rest get theirs', () => {
    // An NGSI-LD page of 60 000 entities that went quiet raised 80 006 alerts at one instant.
    const e = new AlertEngine();
    e.onSourceStatus({ uri: 'mqtt://broker:1883/site', state: 'live', accepted: 0, rejected: 0, rejectReasons: {} }, T0);
    e.drain();
    const ids = Array.from({ length: 60 }, (_, i) => `robot-${i + 1}`);
    // Their last reports were spread over a second or two: they fall silent one after another.
    ids.slice(0, 9).forEach((id, i) => e.onStale(id, true, T0 + 30_000 + i * 100, 30));
    expect(codes(e)).toEqual(ids.slice(0, 9).map((id) => `stale:${id}:on`));
    e.onStale(ids[9]!, true, T0 + 31_000, 30); // the tenth within the window: the publisher stopped
    expect(codes(e)).toEqual([`stale:${ids[9]}:on`, ...ids.slice(0, 10).map((id) => `stale:${id}:off`), 'silent:mqtt://broker:1883/site:on']);
    ids.slice(10).forEach((id, i) => e.onStale(id, true, T0 + 31_000 + i * 20, 30));
    expect(codes(e)).toEqual([]); // they join the one alert
    e.tick(T0 + 32_500);
    const [update] = e.drain();
    expect(update).toMatchObject({ code: 'silent', severity: 'critical', active: true, message: 'mqtt://broker:1883/site: 60 entities have sent nothing for 30 s or more though the connection is up (has their publisher stopped?)' });
    expect(e.list().map((a) => a.code)).toEqual(['silent']);
    // Not "stalled" either while silent.
    for (let t = 33; t <= 120; t++) e.tick(T0 + t * 1000);
    expect(codes(e)).toEqual([]);
    // The publisher is back: 51 report again; with 9 still silent the one alert gives way to theirs.
    ids.slice(0, 50).forEach((id) => e.onStale(id, false, T0 + 121_000, 30));
    expect(codes(e)).toEqual([]);
    e.onStale(ids[50]!, false, T0 + 121_000, 30);
    expect(codes(e)).toEqual(['silent:mqtt://broker:1883/site:off', ...ids.slice(51).map((id) => `stale:${id}:on`)]);
    // Entities falling silent now and then, far apart, keep their own alerts.
    const few = new AlertEngine();
    ids.slice(0, 12).forEach((id, i) => few.onStale(id, true, T0 + i * 20_000, 30));
    expect(few.list().map((a) => a.code)).toEqual(Array(12).fill('stale'));
  });

  it('raises an error alert with the error text and clears it when the state changes', () => {
    const e = new AlertEngine();
    e.onState(s(0, { state: 'error', error: 'bumper pressed' }));
    const [a] = e.drain();
    expect(a).toMatchObject({ code: 'error', severity: 'critical', entity: 'r1', active: true });
    expect(a!.message).toContain('bumper pressed');
    e.onState(s(1, { state: 'idle' }));
    const [c] = e.drain();
    expect(c).toMatchObject({ id: a!.id, active: false });
  });

  it('raises outside-zone for entities with allowed zones (by type) and leaves others alone', () => {
    const e = new AlertEngine({ zones: new Map([['delivery', [{ floor: '2F', polygon: [[0, 0], [10, 0], [10, 10], [0, 10]] }]]]) });
    e.onState(s(0, { floor: '2F', x: 5, y: 5 }));
    e.onState(s(1, { floor: '2F', x: 15, y: 5 }));
    e.onState({ id: 'c1', kind: 'robot', type: 'cleaning', t: T0, floor: '3F', x: 100, y: 100 });
    expect(codes(e)).toEqual(['outside-zone:r1:on']);
    e.onState(s(2, { floor: '3F', x: 5, y: 5 }));
    expect(codes(e)).toEqual([]); // wrong floor: still outside
    e.onState(s(3, { floor: '2F', x: 5, y: 5 }));
    expect(codes(e)).toEqual(['outside-zone:r1:off']);
  });

  it('raises crowding when a count exceeds the density limit over the zone area', () => {
    const e = new AlertEngine({ densityPerM2: 2, zoneAreas: new Map([['1F-atrium', 50]]) });
    e.onCount({ zone: '1F-atrium', t: T0, count: 100 });
    e.onCount({ zone: 'unknown-zone', t: T0, count: 10_000 });
    expect(codes(e)).toEqual([]);
    e.onCount({ zone: '1F-atrium', t: T0 + 1, count: 101 });
    expect(codes(e)).toEqual(['crowding:1F-atrium:on']);
  });

  it('raises connection lost while the source reconnects; acknowledge keeps it active but marked', () => {
    const e = new AlertEngine();
    const st = (state: 'live' | 'reconnecting') => ({ uri: 'mqtt://b:1', state, accepted: 0, rejected: 0, rejectReasons: {} });
    e.onSourceStatus(st('reconnecting'), T0);
    const [a] = e.drain();
    expect(a).toMatchObject({ code: 'connection-lost', severity: 'critical', entity: 'mqtt://b:1' });
    expect(e.acknowledge(a!.id)).toBe(true);
    expect(e.drain()[0]).toMatchObject({ id: a!.id, active: true, acknowledged: true });
    expect(e.list()[0]!.acknowledged).toBe(true);
    expect(e.acknowledge('nope')).toBe(false);
    e.onSourceStatus(st('live'), T0 + 5);
    expect(codes(e)).toEqual(['connection-lost:mqtt://b:1:off']);
    expect(e.list()).toEqual([]);
  });

  it('says what a source in error reports, rather than "connection lost", when it says why', () => {
    const e = new AlertEngine();
    e.onSourceStatus({ uri: 'testbed:', state: 'error', detail: 'cannot run on x.ifc: it has no walkable structure', accepted: 0, rejected: 0, rejectReasons: {} }, T0);
    expect(e.drain()[0]).toMatchObject({ code: 'connection-lost', severity: 'critical', message: 'testbed: cannot run on x.ifc: it has no walkable structure' });
    e.onSourceStatus({ uri: 'mqtt://b:1', state: 'reconnecting', detail: 'retry in 4 s', accepted: 0, rejected: 0, rejectReasons: {} }, T0);
    expect(e.drain()[0]!.message).toBe('mqtt://b:1: connection lost (retry in 4 s)');
  });
});
