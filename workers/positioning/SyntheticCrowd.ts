/**
 * Walkers with known true paths on a walkable map, and the BLE scans their phones would report:
 * the ground truth that tests and the positioning benchmark score the filter against.
 *
 * Walkers go from cell to random cell along shortest 8-connected raster paths (so they never
 * cross a wall), pause 0–10 s at each target, and now and then take a stair (`FloorLink`) to an
 * adjacent floor (≈ 10 s on the flight, the floor changes halfway). Speeds ~ N(1.2, 0.2) m/s.
 *
 * Radio: RSSI = txPower − 10·n·log10(d3D) − wallLoss·(walls crossed) − slabLoss·|Δfloor| + N(0, σ),
 * each reading lost with probability `dropout`, only readings ≥ `thresholdDbm` reported; walls are
 * counted on the raster along the beacon→phone line (precomputed per beacon and 1 m cell).
 */
import type { BeaconRegistry, ScanRecord } from '../../common/records.js';
import { BeaconTable } from './BeaconTable.js';
import { expectedRssi } from './pathLoss.js';
import { SeededRandom } from './SeededRandom.js';
import { rasterWalkable, type FloorLink, type FloorRaster, type WalkableGrid } from './WalkableGrid.js';

export interface RadioOptions {
  exponent: number;
  sigmaDb: number;
  dropout: number;
  thresholdDbm: number;
  wallLossDb: number;
  /** Loss through one floor slab, dB. */
  slabLossDb: number;
  storeyHeightM: number;
  phoneHeightM: number;
}

export const DEFAULT_SYNTHETIC_RADIO: RadioOptions = {
  exponent: 2.2, sigmaDb: 4, dropout: 0.2, thresholdDbm: -95, wallLossDb: 4, slabLossDb: 18, storeyHeightM: 4, phoneHeightM: 1.2,
};

const TABLE_CELL = 1;

export class SyntheticCrowd {
  readonly count: number;
  /** Truth columns by walker: floor index (into `floors`), x, y in metres. */
  readonly floor: Int16Array;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly floors: string[];
  private readonly speed: Float64Array;
  private readonly pause: Float64Array;
  private readonly climb: Float64Array;
  private readonly climbTo: Int16Array;
  private readonly paths: (Float64Array | null)[];
  private readonly pathPos: Int32Array;
  private readonly rng: SeededRandom;
  private readonly radio: RadioOptions;
  private readonly table: BeaconTable;
  private readonly rasters: FloorRaster[];
  private readonly wallLoss: Uint8Array[];
  private readonly tableCols: number[] = [];

  constructor(
    private readonly grid: WalkableGrid,
    private readonly links: readonly FloorLink[],
    registry: BeaconRegistry,
    count: number,
    seed = 1,
    radio: Partial<RadioOptions> = {},
  ) {
    this.radio = { ...DEFAULT_SYNTHETIC_RADIO, ...radio };
    this.rng = new SeededRandom(seed);
    this.floors = grid.floorNames();
    this.rasters = this.floors.map((f) => grid.raster(f)!);
    this.table = new BeaconTable(registry, this.floors, this.radio.phoneHeightM);
    this.count = count;
    this.floor = new Int16Array(count);
    this.x = new Float64Array(count);
    this.y = new Float64Array(count);
    this.speed = new Float64Array(count);
    this.pause = new Float64Array(count);
    this.climb = new Float64Array(count);
    this.climbTo = new Int16Array(count).fill(-1);
    this.paths = new Array<Float64Array | null>(count).fill(null);
    this.pathPos = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const f = this.rng.int(this.floors.length);
      const [x, y] = this.randomCell(f);
      this.floor[i] = f;
      this.x[i] = x;
      this.y[i] = y;
      this.speed[i] = Math.min(1.8, Math.max(0.6, 1.2 + 0.2 * this.rng.gaussian()));
      this.pause[i] = this.rng.next() * 5;
    }
    this.wallLoss = this.precomputeWalls();
  }

  /** Advances every walker by `dt` seconds. */
  step(dt: number): void {
    for (let i = 0; i < this.count; i++) this.move(i, dt);
  }

  /** One scan per walker at time `t` (epoch ms); device ids `${prefix}${i}`. */
  scans(t: number, prefix = 'tag-'): ScanRecord[] {
    const out: ScanRecord[] = [];
    for (let i = 0; i < this.count; i++) out.push({ device: `${prefix}${i}`, t, rssi: this.scanAt(this.floor[i]!, this.x[i]!, this.y[i]!) });
    return out;
  }

  /** A scan (beacon id → integer dBm) heard at (x, y) on floor index `f`. */
  scanAt(f: number, x: number, y: number): Record<string, number> {
    const p = this.radio;
    const b = this.table;
    const out: Record<string, number> = {};
    for (let k = 0; k < b.size; k++) {
      const df = Math.abs(b.floor[k]! - f);
      if (df > 1) continue;
      const dx = x - b.x[k]!;
      const dy = y - b.y[k]!;
      if (dx * dx + dy * dy > 45 * 45) continue;
      const dz = df === 0 ? Math.sqrt(b.dz2[k]!) : p.storeyHeightM * df;
      const d = Math.sqrt(dx * dx + dy * dy + dz * dz);
      let rssi = expectedRssi(b.txPower[k]!, d, p.exponent) - df * p.slabLossDb;
      if (df === 0) rssi -= this.wallsCrossed(k, f, x, y) * p.wallLossDb;
      if (rssi < p.thresholdDbm - 3 * p.sigmaDb) continue;
      rssi += p.sigmaDb * this.rng.gaussian();
      if (rssi < p.thresholdDbm || this.rng.next() < p.dropout) continue;
      out[b.ids[k]!] = Math.min(-20, Math.round(rssi));
    }
    return out;
  }

  private wallsCrossed(k: number, f: number, x: number, y: number): number {
    const r = this.rasters[f]!;
    const cols = this.tableCols[f]!;
    const c = Math.floor((x - r.minX) / TABLE_CELL);
    const row = Math.floor((y - r.minY) / TABLE_CELL);
    const cells = this.wallLoss[f]!.length / this.table.size;
    const idx = row * cols + c;
    return idx >= 0 && idx < cells ? this.wallLoss[f]![k * cells + idx]! : 0;
  }

  /** Walls (walkable → blocked transitions) between each beacon and each 1 m cell centre. */
  private precomputeWalls(): Uint8Array[] {
    const cs = this.grid.cellSize;
    return this.rasters.map((r, f) => {
      const cols = Math.ceil((r.cols * cs) / TABLE_CELL);
      const rows = Math.ceil((r.rows * cs) / TABLE_CELL);
      this.tableCols[f] = cols;
      const cells = cols * rows;
      const out = new Uint8Array(this.table.size * cells);
      for (let k = 0; k < this.table.size; k++) {
        if (this.table.floor[k] !== f) continue;
        const bx = this.table.x[k]!;
        const by = this.table.y[k]!;
        for (let row = 0; row < rows; row++) {
          for (let c = 0; c < cols; c++) {
            const cx = r.minX + (c + 0.5) * TABLE_CELL;
            const cy = r.minY + (row + 0.5) * TABLE_CELL;
            const len = Math.hypot(cx - bx, cy - by);
            if (len > 45) continue;
            const steps = Math.ceil(len / (cs * 0.5));
            let walls = 0;
            let prev = true;
            for (let s = 1; s <= steps; s++) {
              const w = rasterWalkable(r, cs, bx + ((cx - bx) * s) / steps, by + ((cy - by) * s) / steps);
              if (prev && !w) walls++;
              prev = w;
            }
            out[k * cells + row * cols + c] = Math.min(255, walls);
          }
        }
      }
      return out;
    });
  }

  private randomCell(f: number): [number, number] {
    const r = this.rasters[f]!;
    const c = r.walkable[this.rng.int(r.walkable.length)]!;
    const cs = this.grid.cellSize;
    return [r.minX + ((c % r.cols) + 0.5) * cs, r.minY + (Math.floor(c / r.cols) + 0.5) * cs];
  }

  private move(i: number, dt: number): void {
    let left = dt;
    while (left > 1e-9) {
      if (this.climb[i]! > 0) {
        const before = this.climb[i]!;
        const used = Math.min(left, before);
        this.climb[i] = before - used;
        left -= used;
        if (before > 5 && this.climb[i]! <= 5) this.floor[i] = this.climbTo[i]!; // halfway up the flight
        if (this.climb[i]! <= 0) this.climbTo[i] = -1;
        continue;
      }
      if (this.pause[i]! > 0) {
        const used = Math.min(left, this.pause[i]!);
        this.pause[i] = this.pause[i]! - used;
        left -= used;
        continue;
      }
      const path = this.paths[i];
      if (!path || this.pathPos[i]! * 2 >= path.length) {
        if (path && this.climbTo[i]! >= 0) {
          this.climb[i] = 10;
          this.paths[i] = null;
          continue;
        }
        this.planNext(i);
        if (!this.paths[i]) return;
        continue;
      }
      const k = this.pathPos[i]! * 2;
      const tx = path[k]!;
      const ty = path[k + 1]!;
      const dist = Math.hypot(tx - this.x[i]!, ty - this.y[i]!);
      const can = this.speed[i]! * left;
      if (can >= dist) {
        this.x[i] = tx;
        this.y[i] = ty;
        this.pathPos[i] = this.pathPos[i]! + 1;
        left -= dist / this.speed[i]!;
        if (this.pathPos[i]! * 2 >= path.length && this.climbTo[i]! < 0) this.pause[i] = this.rng.next() * 10;
      } else {
        this.x[i] = this.x[i]! + ((tx - this.x[i]!) * can) / dist;
        this.y[i] = this.y[i]! + ((ty - this.y[i]!) * can) / dist;
        left = 0;
      }
    }
  }

  /** Picks the next target: usually a random cell on the floor, sometimes a stair to an adjacent floor. */
  private planNext(i: number): void {
    const f = this.floor[i]!;
    const name = this.floors[f]!;
    const stairs = this.links.filter((l) => l.floorA === name || l.floorB === name);
    let goal: [number, number];
    if (stairs.length > 0 && this.rng.next() < 0.2) {
      const l = stairs[this.rng.int(stairs.length)]!;
      const other = l.floorA === name ? l.floorB : l.floorA;
      const xs = l.polygon.map((p) => p[0]);
      const ys = l.polygon.map((p) => p[1]);
      goal = [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
      this.climbTo[i] = this.floors.indexOf(other);
    } else {
      goal = this.randomCell(f);
      this.climbTo[i] = -1;
    }
    this.paths[i] = this.route(f, this.x[i]!, this.y[i]!, goal[0], goal[1]);
    this.pathPos[i] = 0;
    if (!this.paths[i]) {
      this.climbTo[i] = -1;
      this.pause[i] = 1;
      this.paths[i] = new Float64Array(0);
    }
  }

  /** Shortest 8-connected raster path (BFS, no corner cutting), every 2nd cell as a waypoint. */
  private route(f: number, x0: number, y0: number, x1: number, y1: number): Float64Array | null {
    const r = this.rasters[f]!;
    const cs = this.grid.cellSize;
    const cellOf = (x: number, y: number) => Math.floor((y - r.minY) / cs) * r.cols + Math.floor((x - r.minX) / cs);
    const start = cellOf(x0, y0);
    const goal = cellOf(x1, y1);
    if (r.cells[start] !== 1 || r.cells[goal] !== 1) return null;
    const prev = new Int32Array(r.cells.length).fill(-1);
    const queue = new Int32Array(r.cells.length);
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    prev[start] = start;
    const cols = r.cols;
    while (head < tail) {
      const c = queue[head++]!;
      if (c === goal) break;
      const cx = c % cols;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          if (dx === 0 && dy === 0) continue;
          const nx = cx + dx;
          const n = c + dy * cols + dx;
          if (nx < 0 || nx >= cols || n < 0 || n >= r.cells.length || r.cells[n] !== 1 || prev[n] !== -1) continue;
          if (dx !== 0 && dy !== 0 && (r.cells[c + dx] !== 1 || r.cells[c + dy * cols] !== 1)) continue;
          prev[n] = c;
          queue[tail++] = n;
        }
      }
    }
    if (prev[goal] === -1) return null;
    const cellsOnPath: number[] = [];
    for (let c = goal; c !== start; c = prev[c]!) cellsOnPath.push(c);
    cellsOnPath.reverse();
    const keep = cellsOnPath.filter((_, k) => k % 2 === 1 || k === cellsOnPath.length - 1);
    const out = new Float64Array(keep.length * 2);
    keep.forEach((c, k) => {
      out[2 * k] = r.minX + ((c % cols) + 0.5) * cs;
      out[2 * k + 1] = r.minY + (Math.floor(c / cols) + 0.5) * cs;
    });
    return out;
  }
}
