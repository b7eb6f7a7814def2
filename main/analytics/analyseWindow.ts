/**
 * Analytics over any time window of a recording, in one pass of the reader: the twin at the
 * window's start (seek) seeds the aggregators, then every record in (from, to] feeds them in
 * time order (chunk by chunk, see Recording.scan). Which aggregators run is chosen by `what`, so a heatmap alone decodes only what it needs.
 *
 * Spaces and doors for flows and dwell come from the building: by default the testbed layout
 * (common/testbedLayout.ts, the same building as the bundled sample IFC), storey names "1F", "2F"…
 */
import type { TelemetryRecord } from '../../common/records.js';
import { buildTestbedLayout } from '../../common/testbedLayout.js';
import { HEAT_BLOCK_MS, type Recording } from '../replay/Recording.js';
import { DensityHeatmap, type StoreyHeatmap } from './DensityHeatmap.js';
import { OccupancySeries, type OccupancyResult } from './OccupancySeries.js';
import { RobotKpis, type KindKpi, type RobotKpi } from './RobotKpis.js';
import { SpaceFlows, type DoorLink, type SpaceFlowsResult, type SpaceShape } from './SpaceFlows.js';
import type { AnalysisPart, Trail, WindowAnalysis } from '../../common/replay.js';
export type { AnalysisPart, Trail, WindowAnalysis };


export interface AnalysisOptions {
  what: readonly AnalysisPart[];
  /** Window, epoch ms; default the whole recording. */
  from?: number;
  to?: number;
  /** Series bucket, ms (default: window / 120, at least 10 s). */
  bucketMs?: number;
  cellM?: number;
  /** Ids whose trails to return (trails). */
  trailIds?: readonly string[];
  /** Building spaces and doors (flows, dwell); default the testbed layout. */
  building?: { spaces: SpaceShape[]; doors: DoorLink[] };
  signal?: AbortSignal;
}



/** Spaces and doors of the built-in testbed building. */
export function testbedBuilding(): { spaces: SpaceShape[]; doors: DoorLink[] } {
  const layout = buildTestbedLayout();
  const floorOf = (i: number) => layout.storeys[i]?.name ?? `${i + 1}F`;
  return {
    spaces: layout.spaces.map((s) => ({ id: s.id, floor: floorOf(s.storey), polygon: s.polygon })),
    doors: layout.doors.map((d) => ({ id: d.id, between: d.between })),
  };
}

const MAX_TRAIL_POINTS = 5000;

export async function analyseWindow(rec: Recording, o: AnalysisOptions): Promise<WindowAnalysis> {
  const started = performance.now();
  await rec.ready();
  const range = rec.range;
  const from = o.from ?? range?.start ?? 0;
  const to = o.to ?? range?.end ?? from + 1;
  if (!(to > from)) throw new Error(`analyseWindow: ${rec.path}: empty window (from ${new Date(from).toISOString()} to ${new Date(to).toISOString()})`);
  const want = new Set(o.what);
  const bucketMs = o.bucketMs ?? Math.max(10_000, Math.ceil((to - from) / 120 / 1000) * 1000);
  const heat = want.has('heatmap') ? new DensityHeatmap({ from, to, cellM: o.cellM }) : null;
  const occ = want.has('occupancy') ? new OccupancySeries(from, to, bucketMs, rec.spans) : null;
  const building = want.has('flows') ? (o.building ?? testbedBuilding()) : null;
  const flows = building ? new SpaceFlows(building.spaces, building.doors, { from, to, bucketMs }) : null;
  const kpis = want.has('kpis') ? new RobotKpis({ from, to }) : null;
  const trailIds = new Set(want.has('trails') ? (o.trailIds ?? []) : []);
  const trails = new Map<string, Trail>();

  const feed = (r: TelemetryRecord) => {
    switch (r.kind) {
      case 'position':
        heat?.add(r.record);
        flows?.add(r.record);
        occ?.addPosition(r.record.id, r.record.t);
        if (trailIds.has(r.record.id)) trail(r.record.id, r.record.t, r.record.floor, r.record.x, r.record.y);
        break;
      case 'state':
        if (r.record.kind === 'person') {
          heat?.add(r.record);
          occ?.addPosition(r.record.id, r.record.t);
        }
        kpis?.addState(r.record);
        if (trailIds.has(r.record.id)) trail(r.record.id, r.record.t, r.record.floor, r.record.x, r.record.y);
        break;
      case 'count':
        occ?.addCount(r.record);
        break;
      case 'alert':
        if (r.record.t > from) kpis?.addAlert(r.record);
        break;
      case 'scan':
      case 'rejected':
        break;
    }
  };
  const trail = (id: string, t: number, floor: string | undefined, x: number | undefined, y: number | undefined) => {
    if (x === undefined || y === undefined) return;
    let tr = trails.get(id);
    if (!tr) trails.set(id, (tr = { id, points: [], floors: [] }));
    tr.points.push([t, x, y]);
    tr.floors.push(floor ?? '');
  };

  // The twin at `from` seeds positions (heatmap, flows), zone counts and robot states.
  const start = await rec.seek(from);
  occ?.seed(start.counts);
  for (const p of start.positions) {
    heat?.add(p);
    flows?.add(p);
  }
  for (const s of start.states) {
    if (s.kind === 'person') heat?.add(s);
    kpis?.addState(s);
  }
  // Decode only the record kinds the chosen parts read.
  const kinds = new Set<TelemetryRecord['kind']>();
  if (heat || flows || occ || trailIds.size) kinds.add('position');
  if (heat || occ || kpis || trailIds.size) kinds.add('state');
  if (occ) kinds.add('count');
  if (kpis) kinds.add('alert');
  // A heatmap alone takes blocks of whole chunks from their pre-aggregates instead of decoding them.
  const heatOnly = heat && !occ && !flows && !kpis && trailIds.size === 0;
  // Long windows wait for the pre-aggregate pass (one pass over the file); short ones just decode.
  if (heatOnly && to - from >= 10 * HEAT_BLOCK_MS) await rec.heatReady();
  const whole = heatOnly
    ? (c: number) => {
        const b = rec.heatBlock(c);
        if (!b || b.minPub <= from || b.maxPub > to || !heat.canUse(b.partial)) return 0;
        heat.addPartial(b.partial);
        return b.last - b.first + 1;
      }
    : undefined;
  let n = 0;
  await rec.scan(from, to, (r) => {
    if ((++n & 0xffff) === 0 && o.signal?.aborted) throw new Error('analyseWindow: cancelled');
    feed(r);
  }, kinds, whole);
  const out: WindowAnalysis = { from, to, elapsedMs: 0 };
  if (heat) out.heatmap = heat.result();
  if (occ) out.occupancy = occ.result();
  if (flows) out.flows = flows.result();
  if (kpis) out.kpis = kpis.result();
  if (want.has('trails')) out.trails = [...trails.values()].map(thin);
  out.elapsedMs = Math.round(performance.now() - started);
  return out;
}

function thin(t: Trail): Trail {
  if (t.points.length <= MAX_TRAIL_POINTS) return t;
  const step = t.points.length / MAX_TRAIL_POINTS;
  const points: Trail['points'] = [];
  const floors: string[] = [];
  for (let i = 0; i < MAX_TRAIL_POINTS; i++) {
    const j = Math.floor(i * step);
    points.push(t.points[j]!);
    floors.push(t.floors[j]!);
  }
  return { id: t.id, points, floors };
}
