import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { buildTestbedLayout } from '../../../../common/testbedLayout.js';
import type { CountRecord, PositionRecord, TelemetryRecord } from '../../../../common/records.js';
import { AlertEngine } from '../../../../main/hub/AlertEngine.js';
import { occupancyZones, type OccupancyZone } from '../../../../main/hub/occupancyZones.js';
import { PositionOccupancy } from '../../../../main/hub/PositionOccupancy.js';
import { structureZoneAreas } from '../../../../main/hub/structureZoneAreas.js';
import { extractStructureFromFile } from '../../../../workers/ifc/node/extractStructureFromFile.js';

const T0 = Date.UTC(2026, 10, 25, 9, 0, 0); // a multiple of 10 s

/** Room R1: 2.5 m × 4 m = 10 m² on 1F; corridor C1 next to it (10 m × 4 m); the 1F storey as a whole-floor zone. */
const ZONES: OccupancyZone[] = [
  { zone: 'R1', aliases: ['R1', '1F-Room 1'], floors: ['1F', 'gid-1F'], footprint: [[[[0, 0], [2.5, 0], [2.5, 4], [0, 4]]]] },
  { zone: 'C1', aliases: ['C1'], floors: ['1F'], footprint: [[[[2.5, 0], [12.5, 0], [12.5, 4], [2.5, 4]]]] },
  { zone: '1F', aliases: ['1F', 'gid-1F'], floors: ['1F', 'gid-1F'], footprint: null },
  { zone: 'R2', aliases: ['R2'], floors: ['2F'], footprint: [[[[0, 0], [2.5, 0], [2.5, 4], [0, 4]]]] },
];

const pos = (id: string, t: number, x: number, y: number, floor = '1F'): TelemetryRecord => ({ kind: 'position', record: { id, t, floor, x, y, accuracy: 1 } satisfies PositionRecord });
/** n devices spread inside the room R1 (2.5 × 4 m). */
const inRoom = (n: number, t: number, prefix = 'tag') => Array.from({ length: n }, (_, i) => pos(`${prefix}-${i}`, t, 0.2 + (i % 5) * 0.5, 0.2 + Math.floor(i / 5) * 0.6));
const byZone = (counts: CountRecord[]) => Object.fromEntries(counts.map((c) => [c.zone, c.count]));

function occupancy(opts: ConstructorParameters<typeof PositionOccupancy>[0] = {}) {
  const o = new PositionOccupancy(opts);
  o.setZones(ZONES);
  return o;
}

describe('PositionOccupancy', () => {
  it('counts 30 devices in a 10 m² room every 10 s of source time, and the crowding alert (2.17 P/m²) fires on the count, then clears when they leave', () => {
    const o = occupancy();
    const alerts = new AlertEngine({ zoneAreas: new Map([['R1', 10]]) });
    o.observe(inRoom(30, T0 + 1000));
    expect(o.take()).toEqual([]); // the period in progress when positions started is not complete
    o.observe(inRoom(30, T0 + 5000));
    expect(o.take()).toEqual([]); // no boundary passed yet
    o.observe(inRoom(30, T0 + 10_500));
    const first = o.take();
    expect(first.every((c) => c.t === T0 + 10_000)).toBe(true);
    expect(byZone(first)).toEqual({ R1: 30, C1: 0, '1F': 30, R2: 0 });
    for (const c of first) alerts.onCount(c);
    expect(alerts.list().map((a) => [a.code, a.entity])).toEqual([['crowding', 'R1']]);
    expect(alerts.list()[0]!.message).toContain('3.00 P/m²');

    // 20 of them walk into the corridor: 10 left in the room = 1 P/m², the alert clears.
    o.observe(inRoom(10, T0 + 15_000));
    o.observe(Array.from({ length: 20 }, (_, i) => pos(`tag-${10 + i}`, T0 + 15_000, 4 + (i % 10) * 0.8, 1 + Math.floor(i / 10))));
    o.observe([pos('tag-0', T0 + 20_100, 1, 1)]);
    const second = o.take();
    expect(byZone(second)).toEqual({ R1: 10, C1: 20, '1F': 30, R2: 0 });
    for (const c of second) alerts.onCount(c);
    expect(alerts.list()).toEqual([]);
    expect(alerts.drain().map((a) => a.active)).toEqual([true, false]);
  });

  it('forgets devices not heard within the window (30 s by default; configurable)', () => {
    const o = occupancy();
    o.observe(inRoom(30, T0 + 1000));
    o.take();
    // Only tag-0 keeps reporting; the clock moves on with it.
    const counts: Record<string, number>[] = [];
    for (let s = 10; s <= 40; s += 10) {
      o.observe([pos('tag-0', T0 + s * 1000 + 100, 1, 1)]);
      counts.push(byZone(o.take()));
    }
    expect(counts.map((c) => c.R1)).toEqual([30, 30, 30, 1]); // heard at +1 s: still inside the 30 s window at +30 s, gone at +40 s
    expect(o.devices()).toBe(1);

    const short = occupancy({ windowSeconds: 10 });
    short.observe(inRoom(30, T0 + 1000));
    short.take();
    short.observe([pos('tag-0', T0 + 10_100, 1, 1)]);
    expect(byZone(short.take()).R1).toBe(30);
    short.observe([pos('tag-0', T0 + 20_100, 1, 1)]);
    expect(byZone(short.take()).R1).toBe(1);
  });

  it('does not derive a zone the source counts itself (under any of its names), from the first source count on', () => {
    const o = occupancy();
    o.observe(inRoom(30, T0 + 1000));
    o.take();
    o.observe([...inRoom(30, T0 + 10_100), { kind: 'count', record: { zone: '1F-Room 1', t: T0 + 10_000, count: 29 } }, { kind: 'count', record: { zone: 'gid-1F', t: T0 + 10_000, count: 31 } }]);
    const counts = o.take();
    expect(counts.map((c) => c.zone).sort()).toEqual(['C1', 'R2']);
    o.observe(inRoom(30, T0 + 20_100));
    expect(o.take().map((c) => c.zone).sort()).toEqual(['C1', 'R2']); // still the source's
    // Zones built again (another model): which zones the source counts is learnt again.
    o.setZones(ZONES);
    o.observe(inRoom(30, T0 + 30_100));
    expect(byZone(o.take())).toEqual({ R1: 30, C1: 0, '1F': 30, R2: 0 });
  });

  it('places a device on its floor by storey name or GlobalId; another floor, an unknown floor or no x/y counts nowhere', () => {
    const o = occupancy();
    o.observe([
      pos('a', T0 + 1000, 1, 1, 'gid-1F'),
      pos('b', T0 + 1000, 1, 1, '2F'),
      pos('c', T0 + 1000, 1, 1, 'Basement'),
      pos('d', T0 + 1000, 50, 50, '1F'), // on 1F, outside every room: the storey counts it
      { kind: 'position', record: { id: 'e', t: T0 + 1000, lat: 35, lon: 139 } },
    ]);
    o.take();
    o.observe([{ kind: 'state', record: { id: 'robot-1', kind: 'robot', t: T0 + 10_000 } }]);
    expect(byZone(o.take())).toEqual({ R1: 1, C1: 0, '1F': 2, R2: 1 });
  });

  it('gives no counts before any position, and none when it has no zones', () => {
    const o = occupancy();
    o.observe([{ kind: 'state', record: { id: 'robot-1', kind: 'robot', t: T0 } }, { kind: 'state', record: { id: 'robot-1', kind: 'robot', t: T0 + 60_000 } }]);
    expect(o.take()).toEqual([]);
    const none = new PositionOccupancy();
    none.observe(inRoom(3, T0 + 1000));
    none.take();
    none.observe(inRoom(3, T0 + 11_000));
    expect(none.take()).toEqual([]);
  });

  it('a replay seek back in time forgets the devices (rewindable sources only); a live source keeps its clock', () => {
    const seekBack = (o: PositionOccupancy) => {
      o.observe(inRoom(30, T0 + 120_000));
      o.take();
      o.observe(inRoom(30, T0 + 130_100));
      expect(byZone(o.take()).R1).toBe(30);
      // Records from T0 on: 5 devices there.
      o.observe(inRoom(5, T0 + 1000, 'early'));
      o.take();
      o.observe(inRoom(5, T0 + 10_100, 'early'));
      return o.take();
    };
    expect(byZone(seekBack(occupancy({ rewindable: true })))).toEqual({ R1: 5, C1: 0, '1F': 5, R2: 0 });
    const live = occupancy({ rewindable: false });
    expect(seekBack(live)).toEqual([]); // late records do not move the clock back: no boundary passed
    live.observe([pos('tag-0', T0 + 140_100, 1, 1)]);
    expect(byZone(live.take()).R1).toBe(30); // the tags heard at +130 s; the late ones are outside the window
  });

  it('rejects a non-positive period or window', () => {
    expect(() => new PositionOccupancy({ periodSeconds: 0 })).toThrow(/periodSeconds/);
  });
});

describe('occupancyZones', () => {
  it('testbed layout: every space under its id (what the simulator counts), on its storey, answering to its unique name too', () => {
    const layout = buildTestbedLayout({ storeys: 2, roomsPerSide: 3 });
    const zones = occupancyZones({ kind: 'layout', layout });
    expect(zones.map((z) => z.zone)).toEqual(layout.spaces.map((s) => s.id));
    const atrium = zones.find((z) => z.zone === '2F-atrium') ?? zones.find((z) => z.zone.startsWith('2F-'))!;
    expect(atrium.floors).toEqual(['2F']);
  });

  it('IFC model (KIT FZK-Haus): one zone per space and storey, each named as the crowding alert knows it (same area)', async () => {
    const kit = await extractStructureFromFile(resolve('../shared/ifc/kit-ac20-fzk-haus-ifc4.ifc'));
    const areas = structureZoneAreas(kit);
    const zones = occupancyZones({ kind: 'structure', structure: kit });
    const spaces = zones.filter((z) => z.footprint !== null);
    expect(spaces.length).toBe(kit.spaces.filter((s) => s.area > 0).length);
    expect(zones.filter((z) => z.footprint === null).map((z) => z.zone).sort()).toEqual(kit.storeys.filter((s) => s.walkableArea > 0).map((s) => s.name).sort());
    for (const z of zones) for (const a of z.aliases) expect(areas.has(a)).toBe(true);
    const kitchen = kit.spaces.find((s) => s.longName === 'Küche')!;
    const kz = zones.find((z) => z.aliases.includes(kitchen.globalId))!;
    expect(kz.zone).toBe('Erdgeschoss-Küche'); // the room and its floor, not its Name "6"
    expect(kz.aliases).toContain(kitchen.name);
    expect(areas.get(kz.zone)).toBe(kitchen.area);
  });
  it('keeps counting when one device sends a time a year ahead: the others are not forgotten, counts keep their boundaries', () => {
    // Live over MQTT, one robot's t a year ahead made every person "silent" for a year: 0 people.
    const o = occupancy();
    const wild: TelemetryRecord = { kind: 'state', record: { id: 'robot-future', kind: 'robot', t: T0 + 365 * 86_400_000, floor: '1F', x: 1, y: 1 } };
    o.observe(inRoom(12, T0 + 1000));
    o.take();
    o.observe([...inRoom(12, T0 + 5000), wild]);
    o.observe(inRoom(12, T0 + 10_500));
    const counts = o.take();
    expect(counts.every((c) => c.t === T0 + 10_000)).toBe(true);
    expect(byZone(counts)).toMatchObject({ R1: 12, '1F': 12 });
    expect(o.devices()).toBe(12);
  });
});
