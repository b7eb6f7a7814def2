import { describe, expect, it } from 'vitest';
import { DensityHeatmap } from '../../../../main/analytics/DensityHeatmap.js';
import { fruinLevel } from '../../../../main/analytics/fruinLevel.js';
import { RobotKpis } from '../../../../main/analytics/RobotKpis.js';
import { SpaceFlows } from '../../../../main/analytics/SpaceFlows.js';
import { OccupancySeries } from '../../../../main/analytics/OccupancySeries.js';
import { exportAnalysis } from '../../../../main/analytics/exportAnalysis.js';

const T = Date.parse('2026-11-24T09:00:00Z');

describe('window analytics', () => {
  it('Fruin levels at the published boundaries', () => {
    expect([0, 0.31, 0.32, 0.43, 0.72, 1.08, 2.17, 2.18].map(fruinLevel)).toEqual(['A', 'A', 'B', 'B', 'C', 'D', 'E', 'F']);
  });

  it('heatmap: 3 people standing in one 1 m² cell for the whole window = 3 P/m², level F', () => {
    const h = new DensityHeatmap({ from: T, to: T + 60_000, cellM: 1 });
    for (let s = 0; s <= 60; s++) for (const id of ['a', 'b', 'c']) h.add({ id, t: T + s * 1000, floor: '1F', x: 5.5, y: 2.5 });
    const [g] = h.result();
    expect(g!.floor).toBe('1F');
    expect(g!.cols * g!.rows).toBe(1);
    expect(g!.density[0]).toBeCloseTo(3, 6);
    expect(g!.levels.F).toBe(1);
    expect(g!.personSeconds).toBeCloseTo(180, 6);
  });

  it('heatmap: a device that stops reporting stops counting after the hold time', () => {
    const h = new DensityHeatmap({ from: T, to: T + 100_000, holdMs: 5000 });
    h.add({ id: 'a', t: T, floor: '1F', x: 0, y: 0 });
    expect(h.result()[0]!.personSeconds).toBeCloseTo(5, 6);
  });

  it('KPIs: distance, time per state, charge sessions and battery cycles', () => {
    const k = new RobotKpis({ from: T, to: T + 30_000 });
    const st = (t: number, x: number, state: 'moving' | 'charging', battery: number) => k.addState({ id: 'r1', kind: 'robot', t: T + t, floor: '1F', x, y: 0, state, battery });
    st(0, 0, 'moving', 0.5);
    st(10_000, 8, 'moving', 0.4);
    st(20_000, 8, 'charging', 0.4);
    st(30_000, 8, 'charging', 0.9);
    k.addAlert({ id: 'x', t: T + 1, entity: 'r1', severity: 'critical', code: 'c', message: '', active: true });
    const { robots, kinds } = k.result();
    expect(robots[0]).toMatchObject({ id: 'r1', distanceM: 8, alerts: 1, chargeSessions: 1, batteryCycles: 0.5 });
    expect(robots[0]!.seconds).toMatchObject({ moving: 20, charging: 10 });
    expect(kinds).toEqual([expect.objectContaining({ kind: 'robot', units: 1, distanceM: 8 })]);
  });

  it('flows: a crossing is counted once, named by the door, and a noisy single fix is not a crossing', () => {
    const square = (x0: number): [number, number][] => [[x0, 0], [x0 + 10, 0], [x0 + 10, 10], [x0, 10]];
    const f = new SpaceFlows([{ id: 'A', floor: '1F', polygon: square(0) }, { id: 'B', floor: '1F', polygon: square(10) }], [{ id: 'D1', between: ['A', 'B'] }], { from: T, to: T + 60_000, bucketMs: 30_000 });
    const xs = [2, 4, 11, 4, 6, 8, 12, 14, 16];
    xs.forEach((x, i) => f.add({ id: 'p', t: T + i * 1000, floor: '1F', x, y: 5 }));
    const r = f.result();
    expect(r.flows).toEqual([{ door: 'D1', from: 'A', to: 'B', counts: [1, 0], total: 1 }]);
    expect(r.dwell.find((d) => d.space === 'A')).toMatchObject({ visits: 1, meanS: 7, open: 0 }); // A from t=0 s to the confirmed crossing at 7 s
    expect(r.dwell.find((d) => d.space === 'B')).toMatchObject({ visits: 0, open: 1 });
  });

  it('dwell export: people in a room for the whole window are there as open, not a room of 0 visits and 0 s', () => {
    // QA: `twin export --what dwell` said "1F-LAB-SE,0,0,0,0," for a lab 6–9 people were in all along.
    const square = (x0: number): [number, number][] => [[x0, 0], [x0 + 10, 0], [x0 + 10, 10], [x0, 10]];
    const f = new SpaceFlows([{ id: 'Hall', floor: '1F', polygon: square(0) }, { id: 'Lab', floor: '1F', polygon: square(10) }], [{ id: 'D1', between: ['Hall', 'Lab'] }], { from: T, to: T + 60_000, bucketMs: 30_000 });
    for (let s = 0; s <= 60; s++) {
      for (let i = 0; i < 7; i++) f.add({ id: `lab${i}`, t: T + s * 1000, floor: '1F', x: 12 + i, y: 5 }); // in the lab all along
      for (let i = 0; i < 5; i++) f.add({ id: `walk${i}`, t: T + s * 1000, floor: '1F', x: s < 20 + i ? 5 : 15, y: 5 }); // hall → lab
      f.add({ id: 'one', t: T + s * 1000, floor: '1F', x: 5, y: 8 }); // alone in the hall
    }
    const a = { from: T, to: T + 60_000, flows: f.result(), elapsedMs: 0 };
    const csv = exportAnalysis(a, 'dwell', 'csv', 5).trim().split('\n');
    expect(csv[0]).toBe('space,visits,mean_s,median_s,p90_s,open,note');
    // Hall: 5 visits that ended in the window (21..25 s, to each confirmed crossing), 1 person still there (suppressed below k); Lab: 0 visits
    // (no statistics: empty, not 0 s) and 12 people still there at the end.
    expect(csv.slice(1)).toEqual(['Hall,5,23,23,25,,open suppressed (fewer than k=5)', 'Lab,0,,,,12,']);
    const json = JSON.parse(exportAnalysis(a, 'dwell', 'json', 5)) as { note: string; rows: Record<string, unknown>[] };
    expect(json.rows).toEqual([
      { space: 'Hall', visits: 5, meanS: 23, medianS: 23, p90S: 25, open: null, note: 'open suppressed (fewer than k=5)' },
      { space: 'Lab', visits: 0, meanS: null, medianS: null, p90S: null, open: 12, note: '' },
    ]);
    expect(json.note).toMatch(/open: people still in the space at the window's end/);
  });

  it('counts export suppresses 1..k-1 with a note and keeps zero', () => {
    const o = new OccupancySeries(T, T + 20_000, 10_000);
    o.addCount({ zone: 'z', t: T + 5000, count: 3 });
    o.addCount({ zone: 'z', t: T + 15_000, count: 0 });
    const csv = exportAnalysis({ from: T, to: T + 20_000, occupancy: o.result(), elapsedMs: 0 }, 'counts', 'csv', 5);
    expect(csv.split('\n').slice(1, 3)).toEqual([`z,${new Date(T + 10_000).toISOString()},,suppressed (fewer than k=5)`, `z,${new Date(T + 20_000).toISOString()},0,`]);
  });

  it('counts: no count is carried past the end of the recording ("no data", as before its start)', () => {
    // A 5 s recording exported over +100..+200 s said 88 people in the atrium for all of it.
    const o = new OccupancySeries(T, T + 40_000, 10_000, [{ start: T, end: T + 15_000 }]);
    o.seed([{ zone: 'atrium', t: T, count: 88 }]);
    o.addCount({ zone: 'atrium', t: T + 12_000, count: 90 });
    expect(o.result().zones[0]!.values).toEqual([88, 90, null, null]);
    const json = JSON.parse(exportAnalysis({ from: T, to: T + 40_000, occupancy: o.result(), elapsedMs: 0 }, 'counts', 'json')) as { rows: { zone: string; count: number | null; note: string }[] };
    expect(json.rows.filter((r) => r.zone === 'atrium').map((r) => r.note)).toEqual(['', '', 'no data', 'no data']);
  });

  it('counts: nothing is carried over a gap between two sessions of a folder ("no data" there, then the second session\'s)', () => {
    // Two files, 0–15 s and 45–70 s: the buckets of 20–40 s read 49 (the first session's last count) for the gap.
    const o = new OccupancySeries(T, T + 70_000, 10_000, [{ start: T, end: T + 15_000 }, { start: T + 45_000, end: T + 70_000 }]);
    o.seed([{ zone: 'atrium', t: T, count: 49 }]);
    o.addCount({ zone: 'atrium', t: T + 48_000, count: 12 });
    expect(o.result().zones[0]!.values).toEqual([49, 49, null, null, 12, 12, 12]);
  });
});
