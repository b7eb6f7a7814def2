/**
 * The density heatmap of a block of consecutive recording chunks, pre-aggregated in a background
 * pass after the recording's index (main/replay/Recording.ts), so a heatmap over a long window
 * (24 h = ~1.7 M positions) adds up a few hundred small cell tables instead of decoding every
 * message again.
 *
 * It holds what DensityHeatmap would have credited from the block's own records: person-ms per
 * cell for each pair of consecutive samples of one id inside the block (the interval capped at
 * the hold time), plus each id's first and last sample, which DensityHeatmap.addPartial joins
 * to the samples before and after the block. Summing partials in chunk order therefore gives
 * exactly the sum of feeding the records one by one. Built only at the default grid (1 m cells,
 * 5 s hold); other grids decode the records.
 */
import type { PositionRecord, StateRecord } from '../../common/records.js';

export const PARTIAL_CELL_M = 1;
export const PARTIAL_HOLD_MS = 5000;

/** One id's sample: storey, position (m) and time (epoch ms). */
export interface HeatSample {
  floor: string;
  x: number;
  y: number;
  t: number;
}

export interface HeatPartial {
  /** Record-time range of the samples, epoch ms. */
  minT: number;
  maxT: number;
  /** floor → packed cell key → person-ms. */
  cells: Map<string, Map<number, number>>;
  first: Map<string, HeatSample>;
  last: Map<string, HeatSample>;
}

/** Builds a HeatPartial from one chunk's records, fed in the chunk's time order. */
export class HeatPartialBuilder {
  private readonly p: HeatPartial = { minT: Infinity, maxT: -Infinity, cells: new Map(), first: new Map(), last: new Map() };

  /** Positions and person States are what the heatmap counts (see DensityHeatmap). */
  add(r: PositionRecord | StateRecord): void {
    if (r.floor === undefined || r.x === undefined || r.y === undefined) return;
    const p = this.p;
    const s: HeatSample = { floor: r.floor, x: r.x, y: r.y, t: r.t };
    if (r.t < p.minT) p.minT = r.t;
    if (r.t > p.maxT) p.maxT = r.t;
    const prev = p.last.get(r.id);
    if (prev) creditCell(p.cells, prev, prev.t, Math.min(r.t, prev.t + PARTIAL_HOLD_MS), PARTIAL_CELL_M);
    else p.first.set(r.id, s);
    p.last.set(r.id, s);
  }

  result(): HeatPartial {
    return this.p;
  }
}

/** Adds person-ms of sample `s` over [from, to) to its cell (nothing when the interval is empty). */
export function creditCell(cells: Map<string, Map<number, number>>, s: HeatSample, from: number, to: number, cellM: number): void {
  if (to <= from) return;
  let floor = cells.get(s.floor);
  if (!floor) cells.set(s.floor, (floor = new Map()));
  const key = packCell(Math.floor(s.x / cellM), Math.floor(s.y / cellM));
  floor.set(key, (floor.get(key) ?? 0) + (to - from));
}

const OFFSET = 1 << 15;
/** Cell indices (each within ±32 767) → one number key. */
export function packCell(ix: number, iy: number): number {
  return (ix + OFFSET) * 65536 + (iy + OFFSET);
}
export function unpackCell(key: number): [number, number] {
  return [Math.floor(key / 65536) - OFFSET, (key % 65536) - OFFSET];
}
