/**
 * The Analytics panel's pure helpers: chart axes reach the data, the occupancy select lists the
 * busiest spaces first and charts the chosen one, a door's two directions go on one chart, dwell
 * and KPI rows read as a planner expects (units, sort), the heatmap is north-up in Fruin colours,
 * trails are cut per storey, and the compared run's window is shifted by the offset.
 */
import { describe, expect, it } from 'vitest';
import type { FlowRow, KindKpi, OccupancyResult, RobotKpi, StoreyHeatmap, Trail } from '../../../../../common/replay';
import {
  chartScale, doorsOf, dwellRows, formatDistance, formatDuration, heatmapBounds, heatmapImage, KIND_COLUMNS, niceMax,
  occupancySeries, occupancySpaces, ROBOT_COLUMNS, seriesMax, shiftedWindow, shownUnits, sortRows, trailColour, trailPaths,
} from '../../../../../renderer/features/replay/analyticsModel';
import { FRUIN_COLOURS } from '../../../../../workers/peopleflow/fruin';

const states = (o: Partial<RobotKpi['seconds']> = {}): RobotKpi['seconds'] => ({ idle: 0, moving: 0, charging: 0, error: 0, manual: 0, offline: 0, unknown: 0, ...o });
const robot = (id: string, distanceM: number, o: Partial<RobotKpi> = {}): RobotKpi => ({
  id, kind: 'robot', distanceM, seconds: states(), alerts: 0, chargeSessions: 0, batteryCycles: 0, ...o,
});

describe('chart scaling', () => {
  it('rounds the y axis up to a 1/2/5 step that holds the largest value', () => {
    expect(niceMax(0)).toBe(5);
    expect(niceMax(3)).toBe(5);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(13)).toBe(20);
    expect(niceMax(48)).toBe(50);
    expect(niceMax(51)).toBe(100);
    expect(niceMax(1200)).toBe(2000);
  });

  it('maps the window onto the box (0 at the bottom, max at the top) and ignores nulls for the max', () => {
    const sc = chartScale({ left: 10, top: 20, right: 110, bottom: 120 }, 1000, 2000, 10);
    expect(sc.x(1000)).toBe(10);
    expect(sc.x(2000)).toBe(110);
    expect(sc.x(1500)).toBe(60);
    expect(sc.y(0)).toBe(120);
    expect(sc.y(10)).toBe(20);
    expect(sc.y(-3)).toBe(120);
    expect(seriesMax([[1, null, 4], [null, 9]])).toBe(9);
    expect(seriesMax([[null]])).toBe(0);
  });
});

describe('occupancy and flows', () => {
  const occ: OccupancyResult = {
    from: 0, to: 3000, bucketMs: 1000, times: [1000, 2000, 3000],
    zones: [{ zone: 'Z2', values: [1, 2, null] }, { zone: 'Z10', values: [5, 7, 3] }, { zone: 'Z1', values: [2, 2, 2] }],
    total: [8, 11, 5], people: [8, 11, 5], basis: 'zone counts',
  };

  it('lists spaces busiest first and charts the chosen one, else everybody', () => {
    expect(occupancySpaces(occ)).toEqual([{ zone: 'Z10', peak: 7 }, { zone: 'Z1', peak: 2 }, { zone: 'Z2', peak: 2 }]);
    expect(occupancySeries(occ, 'Z10')).toEqual({ label: 'Z10', values: [5, 7, 3] });
    expect(occupancySeries(occ, '')).toEqual({ label: 'all (zone counts)', values: [8, 11, 5] });
  });

  it('puts both directions of a door on one chart, busiest door first', () => {
    const rows: FlowRow[] = [
      { door: 'D1', from: 'A', to: 'B', counts: [1, 0], total: 1 },
      { door: 'D2', from: 'B', to: 'C', counts: [2, 3], total: 5 },
      { door: 'D1', from: 'B', to: 'A', counts: [0, 2], total: 2 },
    ];
    const doors = doorsOf(rows);
    expect(doors.map((d) => [d.door, d.total])).toEqual([['D2', 5], ['D1', 3]]);
    expect(doors[1]!.directions.map((d) => d.label)).toEqual(['A→B', 'B→A']);
    expect(doors[1]!.directions[1]!.counts).toEqual([0, 2]);
  });

  it('groups both directions between spaces that no door joins as one line A↔B', () => {
    const doors = doorsOf([
      { door: 'LOB→ATR', from: 'LOB', to: 'ATR', counts: [1], total: 1 },
      { door: 'ATR→LOB', from: 'ATR', to: 'LOB', counts: [4], total: 4 },
    ]);
    expect(doors).toHaveLength(1);
    expect(doors[0]!.door).toBe('ATR↔LOB');
    expect(doors[0]!.total).toBe(5);
    expect(doors[0]!.directions.map((d) => d.label)).toEqual(['LOB→ATR', 'ATR→LOB']);
  });

  it('reads dwell as durations, most visited space first', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(185)).toBe('3m 05s');
    expect(formatDuration(7440)).toBe('2h 04m');
    const rows = dwellRows([
      { space: 'Lab', visits: 2, meanS: 100, medianS: 90, p90S: 150, open: 0 },
      { space: 'Hall', visits: 9, meanS: 30, medianS: 20, p90S: 61, open: 1 },
    ]);
    expect(rows).toEqual([['Hall', '9', '20 s', '1m 01s', '30 s', '1'], ['Lab', '2', '1m 30s', '2m 30s', '1m 40s', '0']]);
    // A space with nobody who came and went has no stay times (it read "0 s" for each; the CLI leaves them empty).
    expect(dwellRows([{ space: '1F-N01', visits: 0, meanS: 0, medianS: 0, p90S: 0, open: 1 }])).toEqual([['1F-N01', '0', '–', '–', '–', '1']]);
  });
});

describe('robot KPI rows', () => {
  const rs = [
    robot('R10', 12_400, { seconds: states({ moving: 600, idle: 60, error: 5 }), alerts: 2, batteryCycles: 0.42, batteryStart: 0.9, batteryEnd: 0.61 }),
    robot('R2', 850),
    robot('R1', 3000, { type: 'AMR' }),
  ];

  it('formats distance in m / km, state times, alerts, cycles and battery', () => {
    expect(formatDistance(850)).toBe('850 m');
    expect(formatDistance(3000)).toBe('3.00 km');
    expect(formatDistance(12_400)).toBe('12.4 km');
    const cells = ROBOT_COLUMNS.map((c) => c.text(rs[0]!));
    expect(cells).toEqual(['R10', 'robot', '12.4 km', '10m 00s', '1m 00s', '0 s', '5 s', '2', '0.42', '90→61 %']);
    expect(ROBOT_COLUMNS.find((c) => c.key === 'kind')!.text(rs[2]!)).toBe('robot · AMR');
    expect(ROBOT_COLUMNS.find((c) => c.key === 'battery')!.text(rs[1]!)).toBe('–');
  });

  it('sorts ids naturally and numbers numerically, either way', () => {
    const id = ROBOT_COLUMNS.find((c) => c.key === 'id');
    const dist = ROBOT_COLUMNS.find((c) => c.key === 'distance');
    expect(sortRows(rs, id, false).map((r) => r.id)).toEqual(['R1', 'R2', 'R10']);
    expect(sortRows(rs, dist, true).map((r) => r.id)).toEqual(['R10', 'R1', 'R2']);
    expect(sortRows(rs, undefined, false).map((r) => r.id)).toEqual(['R10', 'R2', 'R1']);
  });

  it('has a per-kind row with the number of units', () => {
    const k: KindKpi = { kind: 'robot', units: 3, distanceM: 16_250, seconds: states({ charging: 120 }), alerts: 2, chargeSessions: 1, batteryCycles: 0.5 };
    expect(KIND_COLUMNS.map((c) => c.text(k))).toEqual(['robot', '3', '16.3 km', '0 s', '0 s', '2m 00s', '0 s', '2', '0.50']);
  });
});

describe('heatmap image', () => {
  it('is north up, Fruin-coloured, transparent where nobody was, and covers the grid rectangle', () => {
    // 2 cols × 2 rows, row 0 = south: [A-level, empty], row 1 = north: [empty, F-level].
    const m: StoreyHeatmap = {
      floor: '1F', cellM: 0.5, x0: 10, y0: -2, cols: 2, rows: 2, density: [0.1, 0, 0, 3],
      peak: 3, levels: { A: 1, B: 0, C: 0, D: 0, E: 0, F: 1 }, personSeconds: 10,
    };
    const px = heatmapImage(m);
    const at = (row: number, col: number) => [...px.slice((row * 2 + col) * 4, (row * 2 + col) * 4 + 4)];
    expect(at(0, 1)).toEqual([...FRUIN_COLOURS[5]!]); // top-right pixel = north-east cell (F)
    expect(at(1, 0)).toEqual([...FRUIN_COLOURS[0]!]); // bottom-left pixel = south-west cell (A)
    expect(at(0, 0)[3]).toBe(0);
    expect(at(1, 1)[3]).toBe(0);
    expect(heatmapBounds(m)).toEqual([10, -2, 11, -1]);
  });
});

describe('trails', () => {
  const t: Trail = {
    id: 'R1',
    points: [[0, 0, 0], [1, 1, 0], [2, 2, 0], [3, 2, 5], [4, 2, 6], [5, 9, 9]],
    floors: ['1F', '1F', '1F', '2F', '2F', '1F'],
  };

  it('cuts a trail into runs per storey and keeps the plan storey’s runs of two or more points', () => {
    expect(trailPaths([t], '1F')).toEqual([{ id: 'R1', floor: '1F', path: [[0, 0], [1, 0], [2, 0]] }]);
    expect(trailPaths([t], '2F')).toEqual([{ id: 'R1', floor: '2F', path: [[2, 5], [2, 6]] }]);
    expect(trailPaths([t], null)).toHaveLength(2);
    expect(trailPaths([t], '3F')).toEqual([]);
  });

  it('gives chosen robots distinct colours', () => {
    expect(trailColour(0)).not.toEqual(trailColour(1));
    expect(trailColour(8)).toEqual(trailColour(0));
  });
});

describe('compare', () => {
  it('shifts the window back by the offset onto the compared run’s clock', () => {
    // B shifted by +1 h lies on A's clock: A's 10:00–11:00 is B's 09:00–10:00.
    expect(shiftedWindow(36_000_000, 39_600_000, 3_600_000)).toEqual({ from: 32_400_000, to: 36_000_000 });
    expect(shiftedWindow(5, 10, -5)).toEqual({ from: 10, to: 15 });
  });
});

describe('units shown per robot', () => {
  it('leaves fixed sensors out unless asked for', () => {
    const units = [robot('R1', 5), robot('bus-01', 200, { kind: 'bus' }), robot('env-1F-ATR', 0, { kind: 'sensor' })];
    expect(shownUnits(units, false).map((r) => r.id)).toEqual(['R1', 'bus-01']);
    expect(shownUnits(units, true)).toHaveLength(3);
  });
});
