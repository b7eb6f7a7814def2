import { describe, expect, it } from 'vitest';
import { buildTestbedLayout } from '../../../../../common/testbedLayout.js';
import { decodeTelemetryFrame, encodeTelemetryFrame, type FramePosition } from '../../../../../common/telemetryFrame.js';
import { densityImage } from '../../../../../renderer/features/people/densityImage.js';
import { PeopleModel } from '../../../../../renderer/features/people/PeopleModel.js';
import { formatStay } from '../../../../../renderer/features/people/OccupancyPanel.js';
import { peopleGeometryFromLayout } from '../../../../../renderer/features/people/peopleGeometry.js';
import { FRUIN_COLOURS } from '../../../../../workers/peopleflow/fruin.js';

const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);
const frame = (time: number, positions: FramePosition[], counts: { zone: string; t: number; count: number }[] = [], full = false) => {
  const bytes = encodeTelemetryFrame({ time, full, entities: [], positions, counts });
  return decodeTelemetryFrame(bytes.buffer as ArrayBuffer, bytes.byteOffset);
};
const pos = (id: string, t: number, x: number, y: number, floor = '1F'): FramePosition => ({ id, t, floor, x, y, accuracy: 1, stale: false });

describe('PeopleModel (telemetry frames → aggregates)', () => {
  it('counts people per space from frame positions, and never exposes their ids', () => {
    const m = new PeopleModel();
    m.setGeometry(peopleGeometryFromLayout(buildTestbedLayout()));
    m.ingestFrame(frame(T0, [pos('anon-aa', T0, 13, 4), pos('anon-bb', T0, 13.5, 4.5), pos('anon-cc', T0, 30, 15)]));
    m.ingestFrame(frame(T0 + 1000, [pos('anon-aa', T0 + 1000, 13, 9)])); // walks out through the S01 door
    const s = m.snapshot();
    expect(s.present).toBe(3);
    expect(s.occupancy.find((z) => z.id === '1F-S01')!.count).toBe(1);
    expect(s.occupancy.find((z) => z.id === '1F-COR-S')!.count).toBe(1);
    expect(s.flows.find((f) => f.id === '1F-D-S01')).toMatchObject({ forward: 1, backward: 0 });
    expect(s.total!.count.at(-1)).toBe(3);
    expect(JSON.stringify(s)).not.toContain('anon-');
  });

  it('starts again from a full frame older than what it shows (a replay seek back, or a replay opened after live data)', () => {
    const m = new PeopleModel();
    m.setGeometry(peopleGeometryFromLayout(buildTestbedLayout()));
    m.ingestFrame(frame(T0 + 600_000, [pos('a', T0 + 600_000, 13, 4), pos('b', T0 + 600_000, 30, 15)], [], true));
    m.ingestFrame(frame(T0 + 601_000, [pos('a', T0 + 601_000, 13, 4)]));
    expect(m.snapshot()).toMatchObject({ time: T0 + 601_000, present: 2 });
    // A delta from before is late data: skipped, the clock stays.
    m.ingestFrame(frame(T0 + 1000, [pos('c', T0 + 1000, 13, 4)]));
    expect(m.snapshot().time).toBe(T0 + 601_000);
    // Seek back: the full frame of that moment, one person in the building then. Before: the clock stayed at 10:10:01.
    m.ingestFrame(frame(T0, [pos('c', T0, 13, 4)], [], true));
    const s = m.snapshot();
    expect(s.time).toBe(T0);
    expect(s.present).toBe(1);
    expect(s.total!.count.at(-1)).toBe(1);
  });

  it('reports how long people stayed in a space once they leave it (dwell)', () => {
    const m = new PeopleModel();
    m.setGeometry(peopleGeometryFromLayout(buildTestbedLayout()));
    m.ingestFrame(frame(T0, [pos('anon-aa', T0, 13, 4)]));
    expect(m.dwell('1F-S01')).toMatchObject({ visits: 0 });
    expect(formatStay(m.dwell('1F-S01'))).toBe('–');
    for (let s = 10; s <= 250; s += 10) m.ingestFrame(frame(T0 + s * 1000, [pos('anon-aa', T0 + s * 1000, 13, 4)]));
    m.ingestFrame(frame(T0 + 260_000, [pos('anon-aa', T0 + 260_000, 13, 9)])); // leaves through the S01 door
    const d = m.dwell('1F-S01')!;
    expect(d.visits).toBe(1);
    expect(d.median).toBeGreaterThan(240);
    expect(d.median).toBeLessThan(270);
    expect(formatStay(d)).toMatch(/^4m \d+s \(1\)$/);
  });

  it('counts crossings of a user-drawn line and people in a user-drawn zone', () => {
    const m = new PeopleModel();
    m.setGeometry(peopleGeometryFromLayout(buildTestbedLayout()));
    m.addUserLine({ id: 'L', name: 'Line 1', floor: '1F', a: [30, 12], b: [30, 18] });
    m.addUserZone({ id: 'Z', name: 'Zone 1', floor: '1F', polygon: [[31, 12], [35, 12], [35, 18], [31, 18]] });
    m.ingestFrame(frame(T0, [pos('p', T0, 29, 15)]));
    m.ingestFrame(frame(T0 + 1000, [pos('p', T0 + 1000, 32, 15)]));
    const s = m.snapshot();
    expect(s.flows.find((f) => f.id === 'L')).toMatchObject({ kind: 'user', forward: 0, backward: 1 });
    expect(s.occupancy.find((z) => z.id === 'Z')).toMatchObject({ kind: 'user', count: 1 });
    expect(m.userGeometry().lines.map((l) => l.id)).toEqual(['L']);
  });

  it('without geometry, shows the counts the source reports', () => {
    const m = new PeopleModel();
    m.ingestFrame(frame(T0, [pos('x', T0, 1, 1)], [{ zone: 'Atrium', t: T0, count: 12 }]));
    m.ingestFrame(frame(T0 + 10, [], [{ zone: 'Atrium', t: T0 - 5000, count: 3 }])); // older: ignored
    const s = m.snapshot();
    expect(s.geometryLabel).toBeNull();
    expect(s.sourceCounts).toEqual([{ zone: 'Atrium', t: T0, count: 12 }]);
  });

  it('paints the density grid in Fruin colours, north up for images', () => {
    const m = new PeopleModel();
    m.setGeometry(peopleGeometryFromLayout(buildTestbedLayout()));
    const crowd: FramePosition[] = [];
    for (let i = 0; i < 25; i++) crowd.push(pos(`p${i}`, T0, 30 + (i % 5) * 0.4, 15 + Math.floor(i / 5) * 0.4));
    m.ingestFrame(frame(T0, crowd));
    const g = m.density('1F')!;
    const r = Math.floor((15.8 - g.minY) / g.cellSize);
    const c = Math.floor((30.8 - g.minX) / g.cellSize);
    const level = g.level[r * g.cols + c]!;
    expect(level).toBeGreaterThanOrEqual(4);
    const south = densityImage(g, false);
    const north = densityImage(g, true);
    expect(Array.from(south.subarray((r * g.cols + c) * 4, (r * g.cols + c) * 4 + 4))).toEqual([...FRUIN_COLOURS[level]!]);
    const flipped = (g.rows - 1 - r) * g.cols + c;
    expect(Array.from(north.subarray(flipped * 4, flipped * 4 + 4))).toEqual([...FRUIN_COLOURS[level]!]);
    expect(south[(0 * g.cols + 0) * 4 + 3]).toBe(0); // empty / outside: transparent
  });
});

describe('PeopleModel user-drawn lines and zones', () => {
  it('counts crossings of a drawn line per direction per minute, keeps figures on rename, drops the line on delete', () => {
    const m = new PeopleModel();
    m.setGeometry(peopleGeometryFromLayout(buildTestbedLayout()));
    m.setUserShapes([{ id: 'z', name: 'Zone 1', floor: '1F', polygon: [[29, 14], [31, 14], [31, 16], [29, 16]] }], [{ id: 'l', name: 'Line 1', floor: '1F', a: [20, 0], b: [20, 30] }]);
    // a→b points north: walking east crosses from its right to its left? Right of north is east,
    // so walking west (east → west) is forward.
    m.ingestFrame(frame(T0, [pos('p1', T0, 21, 10), pos('p2', T0, 19, 12), pos('p3', T0, 30, 15)]));
    m.ingestFrame(frame(T0 + 1000, [pos('p1', T0 + 1000, 19, 10), pos('p2', T0 + 1000, 21, 12)]));
    expect(m.renameUserShape('l', 'Entrance')).toBe(true);
    m.ingestFrame(frame(T0 + 2000, [pos('p1', T0 + 2000, 21, 10)]));
    const series = m.lineSeries('l')!;
    expect([series.forward.at(-1), series.backward.at(-1)]).toEqual([1, 2]);
    const s = m.snapshot();
    expect(s.flows.find((f) => f.id === 'l')).toMatchObject({ name: 'Entrance', kind: 'user', forward: 1, backward: 2 });
    expect(s.occupancy.find((z) => z.id === 'z')!.count).toBe(1);
    expect(m.removeUserShape('l')).toBe(true);
    expect(m.removeUserShape('l')).toBe(false);
    expect(m.snapshot().flows.some((f) => f.id === 'l')).toBe(false);
    expect(m.userGeometry().zones.map((z) => z.name)).toEqual(['Zone 1']);
  });

  it('places WGS84 positions with the model’s georeference, and skips them without one', () => {
    const geo = { lat: 49.1, lon: 8.4, trueNorth: 0 };
    const m = new PeopleModel();
    m.setGeometry(peopleGeometryFromLayout(buildTestbedLayout()));
    // (13, 4) m from the reference point is inside 1F-S01.
    const lat = geo.lat + 4 / 111_200, lon = geo.lon + 13 / (111_320 * Math.cos((geo.lat * Math.PI) / 180));
    const geoPos: FramePosition = { id: 'g1', t: T0, floor: '1F', lat, lon, accuracy: 1, stale: false };
    m.ingestFrame(frame(T0, [geoPos]));
    expect(m.snapshot().present).toBe(0);
    m.setGeoreference(geo);
    m.ingestFrame(frame(T0 + 1000, [{ ...geoPos, t: T0 + 1000 }]));
    expect(m.snapshot().occupancy.find((z) => z.id === '1F-S01')!.count).toBe(1);
  });
});
