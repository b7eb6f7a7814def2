/**
 * Result shapes of replay and window analytics (main/replay, main/analytics) as they cross the
 * API to the renderer ('replay.*' methods in api.ts). Units: times epoch ms, lengths metres,
 * densities persons/m², durations seconds unless a name says otherwise.
 */
import type { AlertRecord, EntityStateName } from './records.js';

export type FruinLevel = 'A' | 'B' | 'C' | 'D' | 'E' | 'F';

export interface StoreyHeatmap {
  floor: string;
  cellM: number;
  /** Building-frame coordinates of the grid's minimum corner, m. */
  x0: number;
  y0: number;
  cols: number;
  rows: number;
  /** Mean density per cell, P/m², row-major (row = y index). */
  density: number[];
  peak: number;
  /** Cells with any presence, per Fruin level. */
  levels: Record<FruinLevel, number>;
  /** Person-seconds in the window on this storey. */
  personSeconds: number;
}

export interface OccupancyResult {
  from: number;
  to: number;
  bucketMs: number;
  /** Bucket end times, epoch ms. */
  times: number[];
  zones: { zone: string; values: (number | null)[] }[];
  /** Sum over zones per bucket (null before any count). */
  total: (number | null)[];
  /** People per bucket: `total` when there are counts, else distinct positioned ids. */
  people: number[];
  basis: 'zone counts' | 'positioned ids' | 'none';
}

export interface FlowRow {
  /** Door id, or "A→B" when no door joins the spaces. */
  door: string;
  from: string;
  to: string;
  /** Crossings per bucket. */
  counts: number[];
  total: number;
}

export interface DwellRow {
  space: string;
  visits: number;
  meanS: number;
  medianS: number;
  p90S: number;
  /** Visits still going on at the end of the window. */
  open: number;
}

export interface SpaceFlowsResult {
  bucketMs: number;
  times: number[];
  flows: FlowRow[];
  dwell: DwellRow[];
}

export type KpiStateTimes = Record<EntityStateName | 'unknown', number>;

export interface RobotKpi {
  id: string;
  kind: string;
  type?: string;
  distanceM: number;
  seconds: KpiStateTimes;
  alerts: number;
  chargeSessions: number;
  batteryCycles: number;
  /** Battery at the first and last report in the window (0..1), when reported. */
  batteryStart?: number;
  batteryEnd?: number;
}

export interface KindKpi extends Omit<RobotKpi, 'id' | 'type' | 'batteryStart' | 'batteryEnd'> {
  units: number;
}

export type AnalysisPart = 'heatmap' | 'occupancy' | 'flows' | 'kpis' | 'trails';

export interface Trail {
  id: string;
  /** [t ms, x m, y m] per point; `floors[i]` is the storey of point i. */
  points: [number, number, number][];
  floors: string[];
}

export interface WindowAnalysis {
  from: number;
  to: number;
  heatmap?: StoreyHeatmap[];
  occupancy?: OccupancyResult;
  flows?: SpaceFlowsResult;
  kpis?: { robots: RobotKpi[]; kinds: KindKpi[] };
  trails?: Trail[];
  /** Wall time the analysis took, ms. */
  elapsedMs: number;
}

export interface Timeline {
  start: number;
  end: number;
  /** Bucket width, ms. */
  bucketMs: number;
  /** Mean messages per second in each bucket. */
  rate: number[];
  /** People at the end of each bucket (see `peopleBasis`), null where unknown. */
  people: (number | null)[];
  peopleBasis: 'zone counts' | 'positioned ids' | 'none';
  /** Alerts raised (active: true), as marks. */
  alerts: Pick<AlertRecord, 'id' | 't' | 'entity' | 'severity' | 'code' | 'message'>[];
  /** True while the rate still leaves out the scan chunks, which the index pass counts after seeks can start (Recording). */
  partial?: boolean;
}

/** What the timeline strip and the Analytics panel need to know about the open recording. */
export interface ReplayInfo {
  uri: string;
  files: number;
  /** Record-time range, epoch ms (null: no records). */
  range: { start: number; end: number } | null;
  /** 'indexing' until the one background pass over the file has finished. */
  state: 'open' | 'indexing' | 'ready' | 'closed';
  hasRecordedSnapshots: boolean;
  /** Damage (truncated file) and other notices a person should see. */
  notices: string[];
  unknownChannels: { file: string; topic: string; messageEncoding: string; schema: string }[];
  /** The recording's `twin` metadata (source, model, modelHash), when present. */
  twin: Record<string, string> | null;
  timeline: Timeline | null;
  loop: { start: number; end: number } | null;
}

/** A recorded and a simulated (or any second) recording's occupancy on one clock. */
export interface OccupancyComparison {
  bucketMs: number;
  /** Bucket end times on A's clock, epoch ms. */
  times: number[];
  a: { uri: string; people: number[]; basis: OccupancyResult['basis'] };
  /** B shifted by `offsetMs` onto A's clock. */
  b: { uri: string; people: number[]; basis: OccupancyResult['basis']; offsetMs: number };
}

/**
 * Live review (main/replay/LiveReview.ts): the recent past of a live session replayed from the
 * record folder while live data keeps recording. `off`: the page shows live frames.
 */
export type ReviewStatus =
  | { state: 'off' }
  | { state: 'opening'; windowMs: number }
  | {
      state: 'on';
      windowMs: number;
      /** Files of the record folder opened (rotation order). */
      files: number;
      /** Record-time range reviewable, epoch ms (its end: the moment the review was opened). */
      range: { start: number; end: number } | null;
      /** Review playback: paused | playing | ended, current time, speed. */
      playback: 'paused' | 'playing' | 'ended';
      now: number | null;
      speed: number;
      /** Playing slower than `speed` (SourceStatus achievedSpeed): the pace it really plays at. */
      achievedSpeed?: number;
      notices: string[];
    };
