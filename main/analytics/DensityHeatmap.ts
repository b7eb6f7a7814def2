/**
 * Density heatmap over a time window, per storey: people-seconds per grid cell, divided by the
 * window length and the cell area → mean density in persons/m² and its Fruin level.
 *
 * Each positioned person (Position records, and State records of kind `person`) counts in the
 * cell of its last sample until its next sample, for at most `holdMs` (default 5 s: a device
 * that stops reporting stops counting), clipped to the window. Pure: fed records in time order
 * by the reader (analyseWindow.ts).
 */
import type { PositionRecord, StateRecord } from '../../common/records.js';
import { FRUIN_LEVELS, fruinLevel, type FruinLevel } from './fruinLevel.js';
import { creditCell, PARTIAL_CELL_M, PARTIAL_HOLD_MS, unpackCell, type HeatPartial, type HeatSample } from './HeatPartial.js';
import type { StoreyHeatmap } from '../../common/replay.js';
export type { StoreyHeatmap };

export interface HeatmapOptions {
  from: number;
  to: number;
  /** Cell edge, m (default 1). */
  cellM?: number;
  holdMs?: number;
}


type Last = HeatSample;

export class DensityHeatmap {
  private readonly cellM: number;
  private readonly holdMs: number;
  private readonly last = new Map<string, Last>();
  /** floor → cell key (ix,iy packed) → person-ms. */
  private readonly cells = new Map<string, Map<number, number>>();

  constructor(private readonly o: HeatmapOptions) {
    this.cellM = o.cellM ?? 1;
    this.holdMs = o.holdMs ?? 5000;
    if (!(this.cellM > 0) || !(o.to > o.from)) throw new Error(`DensityHeatmap: need cellM > 0 and to > from (got cellM ${this.cellM}, ${o.from}..${o.to})`);
  }

  add(r: PositionRecord | StateRecord): void {
    if (r.floor === undefined || r.x === undefined || r.y === undefined) return;
    const prev = this.last.get(r.id);
    if (prev) this.credit(prev, Math.min(r.t, prev.t + this.holdMs));
    this.last.set(r.id, { floor: r.floor, x: r.x, y: r.y, t: r.t });
  }

  /** Whether a chunk's pre-aggregate (HeatPartial) can stand in for its records in this window. */
  canUse(p: HeatPartial): boolean {
    return this.cellM === PARTIAL_CELL_M && this.holdMs === PARTIAL_HOLD_MS && p.minT >= this.o.from && p.maxT <= this.o.to;
  }

  /**
   * Adds a whole chunk's pre-aggregate (in chunk order, instead of its records): joins each id's
   * first sample to its sample before the chunk, adds the chunk's own cells, and keeps each id's
   * last sample for the next chunk. Only for a chunk inside the window (`canUse`).
   */
  addPartial(p: HeatPartial): void {
    for (const [id, f] of p.first) {
      const prev = this.last.get(id);
      if (prev) this.credit(prev, Math.min(f.t, prev.t + this.holdMs));
    }
    for (const [floor, cells] of p.cells) {
      let mine = this.cells.get(floor);
      if (!mine) this.cells.set(floor, (mine = new Map()));
      for (const [key, ms] of cells) mine.set(key, (mine.get(key) ?? 0) + ms);
    }
    for (const [id, l] of p.last) this.last.set(id, l);
  }

  result(): StoreyHeatmap[] {
    for (const prev of this.last.values()) this.credit(prev, Math.min(this.o.to, prev.t + this.holdMs));
    this.last.clear();
    const windowS = (this.o.to - this.o.from) / 1000;
    const area = this.cellM * this.cellM;
    const out: StoreyHeatmap[] = [];
    for (const [floor, cells] of [...this.cells].sort(([a], [b]) => a.localeCompare(b))) {
      let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
      for (const key of cells.keys()) {
        const [ix, iy] = unpackCell(key);
        minX = Math.min(minX, ix); maxX = Math.max(maxX, ix); minY = Math.min(minY, iy); maxY = Math.max(maxY, iy);
      }
      const cols = maxX - minX + 1;
      const rows = maxY - minY + 1;
      const density = new Array<number>(cols * rows).fill(0);
      const levels = Object.fromEntries(FRUIN_LEVELS.map((l) => [l, 0])) as Record<FruinLevel, number>;
      let peak = 0;
      let personMs = 0;
      for (const [key, ms] of cells) {
        const [ix, iy] = unpackCell(key);
        const d = ms / 1000 / windowS / area;
        density[(iy - minY) * cols + (ix - minX)] = d;
        peak = Math.max(peak, d);
        levels[fruinLevel(d)]++;
        personMs += ms;
      }
      out.push({ floor, cellM: this.cellM, x0: minX * this.cellM, y0: minY * this.cellM, cols, rows, density, peak, levels, personSeconds: personMs / 1000 });
    }
    return out;
  }

  private credit(p: Last, until: number): void {
    creditCell(this.cells, p, Math.max(p.t, this.o.from), Math.min(until, this.o.to), this.cellM);
  }
}
