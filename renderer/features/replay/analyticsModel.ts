/**
 * Pure helpers of the Analytics panel (no DOM): chart scaling, series picked from window
 * analyses, KPI / dwell table rows, the heatmap as Fruin-coloured pixels, trails cut into
 * per-storey paths, and the compared run's window on its own clock. Unit-tested in
 * test/unit/renderer/features/replay/analyticsModel.test.ts.
 */
import type { DwellRow, FlowRow, KindKpi, OccupancyResult, RobotKpi, StoreyHeatmap, Trail } from '../../../common/replay.js';
import { FRUIN_COLOURS, fruinIndex } from '../../../workers/peopleflow/fruin.js';

// ── charts ──────────────────────────────────────────────────────────────

/** A y-axis top at or above `max`: 5 for small counts, else the next multiple of a 1/2/5 step. */
export function niceMax(max: number): number {
  if (!(max > 5)) return 5;
  const step = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * step >= max) return m * step;
  return 10 * step;
}

export interface ChartBox {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Maps times and values into a box: x over [t0, t1], y over [0, yMax] (y grows downwards). */
export function chartScale(box: ChartBox, t0: number, t1: number, yMax: number): { x(t: number): number; y(v: number): number } {
  const span = t1 - t0 || 1;
  const top = yMax > 0 ? yMax : 1;
  return {
    x: (t) => box.left + ((t - t0) / span) * (box.right - box.left),
    y: (v) => box.bottom - (Math.max(0, v) / top) * (box.bottom - box.top),
  };
}

/** Largest finite value of the series (nulls skipped); 0 when there is none. */
export function seriesMax(series: readonly (readonly (number | null)[])[]): number {
  let m = 0;
  for (const s of series) for (const v of s) if (v !== null && Number.isFinite(v) && v > m) m = v;
  return m;
}

/** "HH:MM:SS" (UTC) of an epoch-ms time, for axis labels. */
export function clockLabel(t: number): string {
  return new Date(t).toISOString().slice(11, 19);
}

// ── occupancy and flows ─────────────────────────────────────────────────

/** Spaces with counts in an occupancy result, busiest (highest peak) first. */
export function occupancySpaces(o: OccupancyResult): { zone: string; peak: number }[] {
  return o.zones
    .map((z) => ({ zone: z.zone, peak: seriesMax([z.values]) }))
    .sort((a, b) => b.peak - a.peak || a.zone.localeCompare(b.zone, undefined, { numeric: true }));
}

/** The series of one space, or the total (people) when `zone` is '' or unknown. */
export function occupancySeries(o: OccupancyResult, zone: string): { label: string; values: (number | null)[] } {
  const z = o.zones.find((s) => s.zone === zone);
  return z ? { label: z.zone, values: z.values } : { label: `all (${o.basis})`, values: o.people };
}

/** One door or line with both directions of crossing. */
export interface DoorFlows {
  door: string;
  /** "A→B" / "B→A" of each direction, in the order found. */
  directions: { label: string; counts: number[]; total: number }[];
  total: number;
}

/**
 * Flow rows grouped by door (both directions under one door), busiest door first. Spaces joined
 * by no door come as "A→B" and "B→A" rows: they are grouped as one line "A↔B" (names sorted).
 */
export function doorsOf(flows: readonly FlowRow[]): DoorFlows[] {
  const byDoor = new Map<string, DoorFlows>();
  for (const f of flows) {
    const name = f.door === `${f.from}→${f.to}` ? [f.from, f.to].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })).join('↔') : f.door;
    let d = byDoor.get(name);
    if (!d) byDoor.set(name, (d = { door: name, directions: [], total: 0 }));
    d.directions.push({ label: `${f.from}→${f.to}`, counts: f.counts, total: f.total });
    d.total += f.total;
  }
  return [...byDoor.values()].sort((a, b) => b.total - a.total || a.door.localeCompare(b.door, undefined, { numeric: true }));
}

/** Seconds as "42 s", "3m 05s", "2h 04m". */
export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '–';
  const r = Math.round(s);
  if (r < 60) return `${r} s`;
  if (r < 3600) return `${Math.floor(r / 60)}m ${String(r % 60).padStart(2, '0')}s`;
  return `${Math.floor(r / 3600)}h ${String(Math.floor((r % 3600) / 60)).padStart(2, '0')}m`;
}

/** Dwell table rows (space, visits, median, p90, mean, still open), most visited first; no visits: no times ("–", as the CLI's empty cells). */
export function dwellRows(dwell: readonly DwellRow[]): string[][] {
  const time = (d: DwellRow, s: number) => (d.visits > 0 ? formatDuration(s) : '–');
  return [...dwell]
    .sort((a, b) => b.visits - a.visits || a.space.localeCompare(b.space, undefined, { numeric: true }))
    .map((d) => [d.space, String(d.visits), time(d, d.medianS), time(d, d.p90S), time(d, d.meanS), String(d.open)]);
}

export const DWELL_HEADERS = ['Space', 'Visits', 'Median', 'p90', 'Mean', 'Open'];

// ── KPIs ────────────────────────────────────────────────────────────────

/** Distance as "850 m" or "12.4 km". */
export function formatDistance(m: number): string {
  return m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(m < 10_000 ? 2 : 1)} km`;
}

/** A KPI table column: header, the cell text, and the value it sorts by. */
export interface KpiColumn<R> {
  key: string;
  header: string;
  text(r: R): string;
  sort(r: R): number | string;
}

const stateCol = <R extends RobotKpi | KindKpi>(state: 'moving' | 'idle' | 'charging' | 'error', header: string): KpiColumn<R> => ({
  key: state,
  header,
  text: (r) => formatDuration(r.seconds[state] ?? 0),
  sort: (r) => r.seconds[state] ?? 0,
});

function commonColumns<R extends RobotKpi | KindKpi>(): KpiColumn<R>[] {
  return [
    { key: 'distance', header: 'Distance', text: (r) => formatDistance(r.distanceM), sort: (r) => r.distanceM },
    stateCol<R>('moving', 'Moving'),
    stateCol<R>('idle', 'Idle'),
    stateCol<R>('charging', 'Charging'),
    stateCol<R>('error', 'Error'),
    { key: 'alerts', header: 'Alerts', text: (r) => String(r.alerts), sort: (r) => r.alerts },
    { key: 'cycles', header: 'Batt. cycles', text: (r) => r.batteryCycles.toFixed(2), sort: (r) => r.batteryCycles },
  ];
}

export const ROBOT_COLUMNS: KpiColumn<RobotKpi>[] = [
  { key: 'id', header: 'Robot', text: (r) => r.id, sort: (r) => r.id },
  { key: 'kind', header: 'Kind', text: (r) => r.type ? `${r.kind} · ${r.type}` : r.kind, sort: (r) => r.kind },
  ...commonColumns<RobotKpi>(),
  {
    key: 'battery',
    header: 'Battery',
    text: (r) => (r.batteryStart !== undefined && r.batteryEnd !== undefined ? `${Math.round(r.batteryStart * 100)}→${Math.round(r.batteryEnd * 100)} %` : '–'),
    sort: (r) => r.batteryEnd ?? -1,
  },
];

export const KIND_COLUMNS: KpiColumn<KindKpi>[] = [
  { key: 'kind', header: 'Kind', text: (r) => r.kind, sort: (r) => r.kind },
  { key: 'units', header: 'Units', text: (r) => String(r.units), sort: (r) => r.units },
  ...commonColumns<KindKpi>(),
];

/**
 * The per-robot rows shown: what moves (robots, the bus, …) — fixed sensors only when asked for,
 * as a recording holds dozens of them with nothing but idle time.
 */
export function shownUnits(robots: readonly RobotKpi[], withSensors: boolean): RobotKpi[] {
  return withSensors ? [...robots] : robots.filter((r) => r.kind !== 'sensor');
}

/** Rows sorted by a column (numbers numerically, text naturally); ties keep their order. */
export function sortRows<R>(rows: readonly R[], col: KpiColumn<R> | undefined, descending: boolean): R[] {
  if (!col) return [...rows];
  const sign = descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = col.sort(a);
    const y = col.sort(b);
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
    return sign * c;
  });
}

// ── heatmap ─────────────────────────────────────────────────────────────

/**
 * A window heatmap as RGBA pixels in Fruin colours, one pixel per cell, north up (pixel row 0 is
 * the grid's max y, as images and deck.gl's BitmapLayer expect); empty cells transparent.
 */
export function heatmapImage(m: StoreyHeatmap): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(m.cols * m.rows * 4);
  for (let r = 0; r < m.rows; r++) {
    const row = m.rows - 1 - r;
    for (let c = 0; c < m.cols; c++) {
      const d = m.density[r * m.cols + c] ?? 0;
      if (!(d > 0)) continue;
      out.set(FRUIN_COLOURS[fruinIndex(d)]!, (row * m.cols + c) * 4);
    }
  }
  return out;
}

/** Building-frame rectangle [minX, minY, maxX, maxY] the heatmap covers, m. */
export function heatmapBounds(m: StoreyHeatmap): [number, number, number, number] {
  return [m.x0, m.y0, m.x0 + m.cols * m.cellM, m.y0 + m.rows * m.cellM];
}

// ── trails ──────────────────────────────────────────────────────────────

export interface TrailPath {
  id: string;
  floor: string;
  /** Building-frame [x, y] per point, m. */
  path: [number, number][];
}

/**
 * A trail cut into runs of consecutive points on one storey; only the runs on `floor` (all of
 * them when `floor` is null). Runs of one point are dropped (nothing to draw).
 */
export function trailPaths(trails: readonly Trail[], floor: string | null): TrailPath[] {
  const out: TrailPath[] = [];
  for (const t of trails) {
    let run: TrailPath | null = null;
    t.points.forEach(([, x, y], i) => {
      const f = t.floors[i] ?? '';
      if (!run || run.floor !== f) {
        if (run && run.path.length > 1) out.push(run);
        run = { id: t.id, floor: f, path: [] };
      }
      run.path.push([x, y]);
    });
    const last = run as TrailPath | null;
    if (last && last.path.length > 1) out.push(last);
  }
  return floor === null ? out : out.filter((p) => p.floor === floor);
}

const TRAIL_COLOURS: [number, number, number][] = [
  [79, 195, 247], [255, 112, 67], [186, 104, 200], [255, 213, 79], [129, 199, 132], [240, 98, 146], [77, 208, 225], [255, 167, 38],
];

/** A stable colour per robot among those chosen (index in the chosen list). */
export function trailColour(index: number): [number, number, number] {
  return TRAIL_COLOURS[((index % TRAIL_COLOURS.length) + TRAIL_COLOURS.length) % TRAIL_COLOURS.length]!;
}

// ── compare ─────────────────────────────────────────────────────────────

/** The window [from, to] of A's clock on B's own clock, B being shifted by `offsetMs` onto A's. */
export function shiftedWindow(from: number, to: number, offsetMs: number): { from: number; to: number } {
  return { from: from - offsetMs, to: to - offsetMs };
}
