/**
 * One floor's crowd-density raster for PeopleFlow: square cells of `cellSize` m over the floor's
 * zones and walkable map, the walkable m² inside each cell's (2k+1)² neighbourhood (k =
 * `kernelCells`), and person-milliseconds spent per cell (the time-averaged heatmap).
 *
 * Density = people within a cell's neighbourhood ÷ the walkable m² of that neighbourhood (P/m²),
 * so a wall-side cell is not diluted by the wall, with the Fruin level per cell. A 3 × 3 m
 * neighbourhood (the default) is about the area Fruin's levels are defined over.
 */
import type { WalkableGrid } from '../positioning/WalkableGrid.js';
import { pointInPolygon, type FlowZone } from './FlowGeometry.js';
import { fruinIndex } from './fruin.js';

/** Crowd density on one floor, as PeopleFlow returns it. */
export interface DensityGrid {
  floor: string;
  minX: number;
  minY: number;
  cellSize: number;
  cols: number;
  rows: number;
  /** P/m² per cell (row-major, row 0 at minY). */
  density: Float32Array;
  /** Fruin level index per cell (0 = A … 5 = F); 255 where the cell is not walkable. */
  level: Uint8Array;
  people: number;
}

/** Walkable-raster resolution used to measure each cell's walkable area, m. */
const RASTER_M = 0.25;

export class FloorDensityMap {
  /** Walkable m² within each cell's kernel neighbourhood. */
  private readonly kernelArea: Float32Array;
  private readonly walkable: Uint8Array;
  /** Person-milliseconds spent in each cell since the last `resetDwell`. */
  private readonly dwellMs: Float64Array;

  private constructor(
    readonly floor: string,
    readonly minX: number,
    readonly minY: number,
    readonly cols: number,
    readonly rows: number,
    readonly cellSize: number,
    private readonly kernel: number,
    area: Float32Array,
  ) {
    this.walkable = Uint8Array.from(area, (a) => (a > 0 ? 1 : 0));
    this.dwellMs = new Float64Array(cols * rows);
    this.kernelArea = this.boxSum(area);
  }

  /**
   * The raster of floor `floor` covering its zones and (when given) its walkable map; the
   * walkable area per cell from 4 × 4 samples against the walkable map, else against the zones.
   * Null when the floor has neither.
   */
  static build(floor: string, zones: readonly FlowZone[], walkable: WalkableGrid | null, cellSize: number, kernelCells: number): FloorDensityMap | null {
    const cs = cellSize;
    const raster = walkable?.raster(floor);
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const z of zones) for (const [x, y] of z.polygon) { minX = Math.min(minX, x); minY = Math.min(minY, y); maxX = Math.max(maxX, x); maxY = Math.max(maxY, y); }
    if (raster && raster.cols > 0) {
      minX = Math.min(minX, raster.minX); minY = Math.min(minY, raster.minY);
      maxX = Math.max(maxX, raster.minX + raster.cols * RASTER_M); maxY = Math.max(maxY, raster.minY + raster.rows * RASTER_M);
    }
    if (!Number.isFinite(minX)) return null;
    const cols = Math.max(1, Math.ceil((maxX - minX) / cs));
    const rows = Math.max(1, Math.ceil((maxY - minY) / cs));
    const area = new Float32Array(cols * rows);
    const S = 4;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        let hits = 0;
        for (let i = 0; i < S; i++) {
          for (let j = 0; j < S; j++) {
            const x = minX + (c + (i + 0.5) / S) * cs;
            const y = minY + (r + (j + 0.5) / S) * cs;
            if (walkable && raster ? walkable.isWalkable(floor, x, y) : zones.some((z) => pointInPolygon(z.polygon, x, y))) hits++;
          }
        }
        area[r * cols + c] = (hits / (S * S)) * cs * cs;
      }
    }
    return new FloorDensityMap(floor, minX, minY, cols, rows, cs, kernelCells, area);
  }

  /** Cell index of a point (m), or −1 outside the raster. */
  cellOf(x: number, y: number): number {
    const c = Math.floor((x - this.minX) / this.cellSize);
    const r = Math.floor((y - this.minY) / this.cellSize);
    return c < 0 || r < 0 || c >= this.cols || r >= this.rows ? -1 : r * this.cols + c;
  }

  /** Someone spent `ms` at (x, y). */
  addDwell(x: number, y: number, ms: number): void {
    const c = this.cellOf(x, y);
    if (c >= 0) this.dwellMs[c] = this.dwellMs[c]! + ms;
  }

  resetDwell(): void {
    this.dwellMs.fill(0);
  }

  /** Density now from people per cell (`counts`, from `cellOf`) and how many there are. */
  current(counts: Float32Array, people: number): DensityGrid {
    return this.toDensity(this.boxSum(counts), people);
  }

  /** Time-averaged density over `spanMs` of data time: person-time per cell ÷ span. */
  average(spanMs: number): DensityGrid {
    const people = new Float32Array(this.cols * this.rows);
    if (spanMs > 0) for (let i = 0; i < people.length; i++) people[i] = this.dwellMs[i]! / spanMs;
    let total = 0;
    for (let i = 0; i < people.length; i++) total += people[i]!;
    return this.toDensity(this.boxSum(people), total);
  }

  /** Sum over the (2k+1)² neighbourhood of each cell (separable box filter). */
  private boxSum(v: Float32Array): Float32Array {
    const k = this.kernel;
    const { cols, rows } = this;
    const tmp = new Float32Array(cols * rows);
    const out = new Float32Array(cols * rows);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        let s = 0;
        for (let d = Math.max(0, c - k); d <= Math.min(cols - 1, c + k); d++) s += v[r * cols + d]!;
        tmp[r * cols + c] = s;
      }
    }
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        let s = 0;
        for (let d = Math.max(0, r - k); d <= Math.min(rows - 1, r + k); d++) s += tmp[d * cols + c]!;
        out[r * cols + c] = s;
      }
    }
    return out;
  }

  private toDensity(people: Float32Array, total: number): DensityGrid {
    const density = new Float32Array(this.cols * this.rows);
    const level = new Uint8Array(this.cols * this.rows).fill(255);
    for (let i = 0; i < density.length; i++) {
      if (this.walkable[i] !== 1) continue;
      const a = this.kernelArea[i]!;
      density[i] = a > 0 ? people[i]! / a : 0;
      level[i] = fruinIndex(density[i]!);
    }
    return { floor: this.floor, minX: this.minX, minY: this.minY, cellSize: this.cellSize, cols: this.cols, rows: this.rows, density, level, people: total };
  }
}
