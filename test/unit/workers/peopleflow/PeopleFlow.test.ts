import { describe, expect, it } from 'vitest';
import { buildTestbedLayout } from '../../../../common/testbedLayout.js';
import { PeopleFlow } from '../../../../workers/peopleflow/PeopleFlow.js';
import { flowGeometryFromLayout } from '../../../../workers/peopleflow/flowGeometryFromLayout.js';
import { fruinLevel } from '../../../../workers/peopleflow/fruin.js';
import { SyntheticCrowd } from '../../../../workers/positioning/SyntheticCrowd.js';
import { WalkableGrid } from '../../../../workers/positioning/WalkableGrid.js';
import { gridBeacons } from '../../../../workers/positioning/gridBeacons.js';
import { walkableFromLayout } from '../../../../workers/positioning/walkableFromLayout.js';

const T0 = Date.UTC(2026, 10, 25, 9, 0, 0); // a minute boundary
const layout = buildTestbedLayout();
const walk = walkableFromLayout(layout);
const geometry = flowGeometryFromLayout(layout);
const make = () => {
  const userLine = { id: 'L1', name: 'atrium line', floor: '1F', a: [30, 12] as [number, number], b: [30, 18] as [number, number], kind: 'user' as const };
  const userZone = { id: 'Z1', name: 'east half of atrium', floor: '1F', polygon: [[28, 11], [33, 11], [33, 19], [28, 19]] as [number, number][], kind: 'user' as const };
  return new PeopleFlow({ geometry: { zones: [...geometry.zones, userZone], lines: [...geometry.lines, userLine] }, walkable: walk.maps });
};
const occ = (pf: PeopleFlow, id: string) => pf.occupancy().find((z) => z.id === id)!.count;

describe('Fruin level of service', () => {
  it('uses the published bounds', () => {
    expect([0, 0.31, 0.32, 0.43, 0.72, 1.08, 2.17, 2.18, 5].map(fruinLevel)).toEqual(['A', 'A', 'B', 'B', 'C', 'D', 'E', 'F', 'F']);
  });
});

describe('PeopleFlow', () => {
  it('counts occupancy per space and flows through a door per direction', () => {
    const pf = make();
    for (const id of ['a', 'b', 'c']) pf.observe(id, T0 + 1000, '1F', 13, 4); // room S01
    expect(occ(pf, '1F-S01')).toBe(3);
    // "a" walks out through the S01 door (x = 13, y = 8) into the south corridor.
    pf.observe('a', T0 + 2000, '1F', 13, 7.2);
    pf.observe('a', T0 + 3000, '1F', 13, 9);
    expect(occ(pf, '1F-S01')).toBe(2);
    expect(occ(pf, '1F-COR-S')).toBe(1);
    const door = pf.flows().find((f) => f.id === '1F-D-S01')!;
    expect(door).toMatchObject({ forward: 1, backward: 0 }); // forward = from between[0] (the room) into the corridor
    pf.observe('a', T0 + 4000, '1F', 13, 7);
    expect(pf.flows().find((f) => f.id === '1F-D-S01')).toMatchObject({ forward: 1, backward: 1 });
    // A jump through the wall next to the door is not a door crossing.
    pf.observe('b', T0 + 5000, '1F', 15, 9);
    expect(pf.flows().find((f) => f.id === '1F-D-S01')).toMatchObject({ forward: 1, backward: 1 });
  });

  it('counts user lines and user zones, and ignores positions older than the device\'s last', () => {
    const pf = make();
    pf.observe('p', T0, '1F', 29, 15);
    pf.observe('p', T0 + 1000, '1F', 31, 15); // crosses L1 west → east
    pf.observe('p', T0 + 500, '1F', 25, 15); // stale: ignored
    const line = pf.flows().find((f) => f.id === 'L1')!;
    expect(line.forward + line.backward).toBe(1);
    expect(line.backward).toBe(1); // west of a→b (north-pointing) is its left: west → east is left → right = backward
    expect(occ(pf, 'Z1')).toBe(1);
    expect(occ(pf, '1F-ATR')).toBe(1); // zones may overlap: a user zone inside a space
  });

  it('a device silent for leaveAfterMs leaves, and its visit is a dwell time', () => {
    const pf = make();
    pf.observe('d', T0, '1F', 13, 4);
    pf.observe('d', T0 + 20_000, '1F', 13.5, 4);
    pf.observe('other', T0 + 45_000, '1F', 30, 15);
    expect(occ(pf, '1F-S01')).toBe(1);
    pf.observe('other', T0 + 51_000, '1F', 30, 15);
    expect(occ(pf, '1F-S01')).toBe(0);
    expect(pf.dwell('1F-S01')).toMatchObject({ visits: 1, median: 20 });
    expect(pf.present()).toBe(1);
  });

  it('keeps occupancy per minute over the last hour', () => {
    const pf = make();
    pf.observe('a', T0 + 10_000, '1F', 13, 4);
    pf.observe('b', T0 + 20_000, '1F', 13, 4);
    for (let s = 30; s <= 150; s += 10) {
      pf.observe('a', T0 + s * 1000, '1F', 13, 4);
      if (s < 70) pf.observe('b', T0 + s * 1000, '1F', 13, 4);
    }
    const series = pf.occupancySeries('1F-S01');
    expect(Array.from(series.t)).toEqual([T0, T0 + 60_000, T0 + 120_000]);
    expect(Array.from(series.count)).toEqual([2, 1, 1]); // b's last fix at 60 s: gone at 90 s, before the second minute ends
    expect(() => pf.occupancySeries('nope')).toThrow('nope');
  });

  it('maps crowding to Fruin levels: a packed group is E/F, a lone walker A', () => {
    const pf = make();
    let k = 0;
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) pf.observe(`g${k++}`, T0, '1F', 30 + i * 0.5, 15 + j * 0.5);
    pf.observe('lone', T0, '1F', 45, 10);
    const d = pf.density('1F')!;
    const cell = (x: number, y: number) => Math.floor((y - d.minY) / d.cellSize) * d.cols + Math.floor((x - d.minX) / d.cellSize);
    expect(d.people).toBe(26);
    expect(d.level[cell(31, 16)]).toBeGreaterThanOrEqual(4);
    expect(d.level[cell(45, 10)]).toBe(0);
    expect(pf.density('9F')).toBeNull();
  });

  it('on a synthetic crowd, every present person is in exactly one space', () => {
    const grid = new WalkableGrid(walk.maps);
    const crowd = new SyntheticCrowd(grid, walk.links, gridBeacons(grid, 60, 2), 120, 9);
    const pf = new PeopleFlow({ geometry, walkable: walk.maps });
    for (let s = 0; s < 120; s++) {
      crowd.step(1);
      for (let i = 0; i < crowd.count; i++) pf.observe(`w${i}`, T0 + s * 1000, crowd.floors[crowd.floor[i]!]!, crowd.x[i]!, crowd.y[i]!);
    }
    const total = pf.occupancy().reduce((s, z) => s + z.count, 0);
    expect(pf.present()).toBe(120);
    expect(Math.abs(total - 120)).toBeLessThanOrEqual(2); // a point exactly on a shared edge may count twice
    const doorCrossings = pf.flows().reduce((s, f) => s + f.forward + f.backward, 0);
    expect(doorCrossings).toBeGreaterThan(10);
    expect(pf.countRecords().length).toBe(geometry.zones.length);
    const avg = pf.averageDensity('1F')!;
    expect(avg.people).toBeGreaterThan(10);
    expect(avg.people).toBeLessThan(80);
  });
});
