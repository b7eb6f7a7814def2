/**
 * People flow from positions: occupancy per zone over time, flows across doors and lines per
 * minute and direction, crowd density with Fruin levels, and dwell times. Pure (no DOM, no Node),
 * incremental (feed positions in time order as they come; query any time) and columnar: per-device
 * and per-zone state are typed-array columns indexed by slot.
 *
 * Time: buckets of `bucketMs` (default one minute) on the positions' own `t`, so a replay at 60×
 * or a recording opened later gives the same figures as live. The last `historyBuckets` (default
 * 60: one hour) are kept. A device not seen for `leaveAfterMs` (default 30 s) has left: it leaves
 * its zones (its visit ends at its last fix) and no longer counts.
 *
 * Order of work per position: (1) close finished buckets (snapshot occupancy, evict the silent);
 * (2) line crossings between the device's previous and new fix on the same floor (≤ `maxStepMs`
 * apart); (3) zone entries/exits, with dwell recorded on exit; (4) time-at-cell for the average
 * density.
 */
import type { CountRecord, PositionRecord } from '../../common/records.js';
import { WalkableGrid, type WalkableMap } from '../positioning/WalkableGrid.js';
import { FloorDensityMap, type DensityGrid } from './FloorDensityMap.js';
import { pointInPolygon, type FlowGeometry, type FlowLine, type FlowZone } from './FlowGeometry.js';

export type { DensityGrid };

export interface PeopleFlowOptions {
  geometry: FlowGeometry;
  /** Walkable map: density is people per walkable m² (else per m² covered by zones). */
  walkable?: WalkableMap[];
  /** Density cell, m (default 1). */
  cellSize?: number;
  /** Density neighbourhood half-size in cells (default 1 → 3 × 3 cells ≈ 9 m²). */
  kernelCells?: number;
  bucketMs?: number;
  historyBuckets?: number;
  leaveAfterMs?: number;
  maxStepMs?: number;
}

export interface ZoneOccupancy {
  id: string;
  name: string;
  floor: string;
  kind: FlowZone['kind'];
  count: number;
}

export interface Series {
  /** Bucket start, epoch ms, oldest first. The last entry is the open (current) bucket. */
  t: Float64Array;
}
export interface OccupancySeries extends Series {
  /** People in the zone at the end of each bucket (the last: now). */
  count: Uint16Array;
}
export interface FlowSeries extends Series {
  forward: Uint16Array;
  backward: Uint16Array;
}

export interface LineFlow {
  id: string;
  name: string;
  floor: string;
  kind: FlowLine['kind'];
  /** Crossings over the kept history. */
  forward: number;
  backward: number;
}

export interface DwellStats {
  visits: number;
  /** seconds */
  mean: number;
  median: number;
  p90: number;
}

const DWELL_KEEP = 5000;

export class PeopleFlow {
  private readonly zones: FlowZone[];
  private readonly lines: FlowLine[];
  private readonly zoneBox: Float64Array;
  private readonly lineFloor: Int32Array;
  private readonly zoneFloor: Int32Array;
  private readonly floorIndex = new Map<string, number>();
  private readonly floorNames: string[] = [];
  private readonly grids = new Map<number, FloorDensityMap>();
  private readonly cellSize: number;
  private readonly kernel: number;
  private readonly bucketMs: number;
  private readonly H: number;
  private readonly leaveAfterMs: number;
  private readonly maxStepMs: number;
  // Devices (slot columns).
  private readonly slots = new Map<string, number>();
  private readonly slotIds: string[] = [];
  private readonly freeSlots: number[] = [];
  private cap = 0;
  private lastT = new Float64Array(0);
  private floor = new Int32Array(0);
  private px = new Float32Array(0);
  private py = new Float32Array(0);
  private alive = new Uint8Array(0);
  /** [slot × Z] 1 when the device is in the zone; entry time alongside. */
  private member = new Uint8Array(0);
  private entered = new Float64Array(0);
  // Zones and lines: live counts, history rings [bucket × Z|L].
  private readonly count: Int32Array;
  private readonly occHist: Uint16Array;
  private readonly fwdHist: Uint16Array;
  private readonly bwdHist: Uint16Array;
  private readonly bucketStart: Float64Array;
  private readonly dwellS: number[][];
  private bucket = -1;
  private firstBucket = -1;
  private startT = Number.NaN;
  private nowT = Number.NaN;
  private lastEvict = -Infinity;

  constructor(opts: PeopleFlowOptions) {
    this.zones = opts.geometry.zones.slice();
    this.lines = opts.geometry.lines.slice();
    this.cellSize = opts.cellSize ?? 1;
    this.kernel = opts.kernelCells ?? 1;
    this.bucketMs = opts.bucketMs ?? 60_000;
    this.H = opts.historyBuckets ?? 60;
    this.leaveAfterMs = opts.leaveAfterMs ?? 30_000;
    this.maxStepMs = opts.maxStepMs ?? 10_000;
    const Z = this.zones.length;
    const L = this.lines.length;
    this.zoneBox = new Float64Array(Z * 4);
    this.zoneFloor = new Int32Array(Z);
    this.zones.forEach((z, i) => {
      if (z.polygon.length < 3) throw new Error(`PeopleFlow: zone "${z.id}" needs a polygon of ≥ 3 points, got ${z.polygon.length}`);
      this.zoneFloor[i] = this.floorOf(z.floor);
      const xs = z.polygon.map((p) => p[0]);
      const ys = z.polygon.map((p) => p[1]);
      this.zoneBox.set([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], i * 4);
    });
    this.lineFloor = Int32Array.from(this.lines, (l) => this.floorOf(l.floor));
    this.count = new Int32Array(Z);
    this.occHist = new Uint16Array(this.H * Z);
    this.fwdHist = new Uint16Array(this.H * L);
    this.bwdHist = new Uint16Array(this.H * L);
    this.bucketStart = new Float64Array(this.H);
    this.dwellS = this.zones.map(() => []);
    this.buildGrids(opts.walkable);
    this.grow(256);
  }

  /** Feeds one position (building frame, metres). Older than the device's last position: ignored. */
  observe(id: string, t: number, floorName: string, x: number, y: number): void {
    this.advance(t);
    let slot = this.slots.get(id);
    if (slot === undefined) slot = this.allocate(id);
    else if (t <= this.lastT[slot]!) return;
    const f = this.floorOf(floorName);
    const wasAlive = this.alive[slot] === 1;
    const prevT = this.lastT[slot]!;
    const prevF = this.floor[slot]!;
    const x0 = this.px[slot]!;
    const y0 = this.py[slot]!;
    if (wasAlive && prevF === f && t - prevT <= this.maxStepMs) {
      this.crossLines(f, x0, y0, x, y);
      const g = this.grids.get(f);
      g?.addDwell(x0, y0, t - prevT);
    }
    this.updateZones(slot, f, x, y, t);
    this.lastT[slot] = t;
    this.floor[slot] = f;
    this.px[slot] = x;
    this.py[slot] = y;
    this.alive[slot] = 1;
  }

  /** Feeds Position records (those without floor and x/y — e.g. WGS84-only — are skipped). */
  ingest(positions: readonly PositionRecord[]): void {
    for (const p of positions) if (p.floor !== undefined && p.x !== undefined && p.y !== undefined) this.observe(p.id, p.t, p.floor, p.x, p.y);
  }

  /** Moves the clock to `t` (epoch ms) without a position: closes buckets and lets the silent leave. */
  advance(t: number): void {
    if (t < this.nowT) return;
    if (Number.isNaN(this.startT)) this.startT = t;
    this.nowT = t;
    const b = Math.floor(t / this.bucketMs);
    if (this.bucket < 0) {
      this.bucket = this.firstBucket = b;
      this.openBucket(b);
      return;
    }
    while (this.bucket < b) {
      // Close the current bucket: people who left before its end leave, then snapshot.
      this.evict((this.bucket + 1) * this.bucketMs);
      const row = (this.bucket % this.H) * this.zones.length;
      for (let z = 0; z < this.zones.length; z++) this.occHist[row + z] = Math.min(65535, this.count[z]!);
      this.bucket++;
      this.openBucket(this.bucket);
    }
    // Eviction walks every device: at most once per second of data time.
    if (t - this.lastEvict >= 1000) this.evict(t);
  }

  occupancy(): ZoneOccupancy[] {
    return this.zones.map((z, i) => ({ id: z.id, name: z.name, floor: z.floor, kind: z.kind, count: this.count[i]! }));
  }

  /** Occupancy of one zone at the end of each kept minute, oldest first, plus now. */
  occupancySeries(zoneId: string): OccupancySeries {
    const z = this.zoneIndex(zoneId);
    const buckets = this.keptBuckets();
    const count = new Uint16Array(buckets.length);
    buckets.forEach((b, k) => {
      count[k] = b === this.bucket ? Math.min(65535, this.count[z]!) : this.occHist[(b % this.H) * this.zones.length + z]!;
    });
    return { t: Float64Array.from(buckets, (b) => b * this.bucketMs), count };
  }

  /** Crossings per minute and direction for one line, oldest first (the last: the open minute). */
  flowSeries(lineId: string): FlowSeries {
    const l = this.lines.findIndex((x) => x.id === lineId);
    if (l < 0) throw new Error(`PeopleFlow: no line "${lineId}"`);
    const buckets = this.keptBuckets();
    const L = this.lines.length;
    return {
      t: Float64Array.from(buckets, (b) => b * this.bucketMs),
      forward: Uint16Array.from(buckets, (b) => this.fwdHist[(b % this.H) * L + l]!),
      backward: Uint16Array.from(buckets, (b) => this.bwdHist[(b % this.H) * L + l]!),
    };
  }

  /** Totals per line over the kept history. */
  flows(): LineFlow[] {
    const buckets = this.keptBuckets();
    const L = this.lines.length;
    return this.lines.map((line, l) => {
      let forward = 0;
      let backward = 0;
      for (const b of buckets) {
        forward += this.fwdHist[(b % this.H) * L + l]!;
        backward += this.bwdHist[(b % this.H) * L + l]!;
      }
      return { id: line.id, name: line.name, floor: line.floor, kind: line.kind, forward, backward };
    });
  }

  /** Completed visits of a zone (people who entered and left), seconds. */
  dwell(zoneId: string): DwellStats {
    const d = [...this.dwellS[this.zoneIndex(zoneId)]!].sort((a, b) => a - b);
    if (d.length === 0) return { visits: 0, mean: 0, median: 0, p90: 0 };
    const at = (p: number) => d[Math.min(d.length - 1, Math.floor(p * d.length))]!;
    return { visits: d.length, mean: d.reduce((s, v) => s + v, 0) / d.length, median: at(0.5), p90: at(0.9) };
  }

  /**
   * Crowd density now on a floor: people within the kernel neighbourhood of each cell divided by
   * its walkable area (P/m²), with the Fruin level per cell.
   */
  density(floorName: string): DensityGrid | null {
    const f = this.floorIndex.get(floorName);
    const g = f === undefined ? undefined : this.grids.get(f);
    if (f === undefined || !g) return null;
    const counts = new Float32Array(g.cols * g.rows);
    let people = 0;
    for (const slot of this.slots.values()) {
      if (this.alive[slot] !== 1 || this.floor[slot] !== f) continue;
      const c = g.cellOf(this.px[slot]!, this.py[slot]!);
      if (c >= 0) {
        counts[c]!++;
        people++;
      }
    }
    return g.current(counts, people);
  }

  /**
   * Average density on a floor since the first position (or `reset`): person-time per cell over
   * elapsed time, per walkable m². The heatmap over a time window.
   */
  averageDensity(floorName: string): DensityGrid | null {
    const f = this.floorIndex.get(floorName);
    const g = f === undefined ? undefined : this.grids.get(f);
    if (f === undefined || !g) return null;
    return g.average(this.nowT - this.startT);
  }

  /** Current occupancy as Count records (zone = zone id), for the hub or an export. */
  countRecords(t = this.nowT): CountRecord[] {
    return this.zones.map((z, i) => ({ zone: z.id, t, count: this.count[i]! }));
  }

  /** People currently present (seen within `leaveAfterMs`). */
  present(): number {
    let n = 0;
    for (const slot of this.slots.values()) n += this.alive[slot]!;
    return n;
  }

  /** Forgets everything (e.g. a replay seek backwards). Geometry stays. */
  reset(): void {
    this.slots.clear();
    this.slotIds.length = 0;
    this.freeSlots.length = 0;
    this.alive.fill(0);
    this.member.fill(0);
    this.count.fill(0);
    this.occHist.fill(0);
    this.fwdHist.fill(0);
    this.bwdHist.fill(0);
    for (const d of this.dwellS) d.length = 0;
    for (const g of this.grids.values()) g.resetDwell();
    this.bucket = this.firstBucket = -1;
    this.startT = this.nowT = Number.NaN;
    this.lastEvict = -Infinity;
  }

  // ————— internals —————

  private floorOf(name: string): number {
    let f = this.floorIndex.get(name);
    if (f === undefined) {
      f = this.floorNames.length;
      this.floorNames.push(name);
      this.floorIndex.set(name, f);
    }
    return f;
  }

  private zoneIndex(id: string): number {
    const z = this.zones.findIndex((x) => x.id === id);
    if (z < 0) throw new Error(`PeopleFlow: no zone "${id}"`);
    return z;
  }

  private keptBuckets(): number[] {
    if (this.bucket < 0) return [];
    const from = Math.max(this.firstBucket, this.bucket - this.H + 1);
    const out: number[] = [];
    for (let b = from; b <= this.bucket; b++) out.push(b);
    return out;
  }

  private openBucket(b: number): void {
    const r = b % this.H;
    this.bucketStart[r] = b * this.bucketMs;
    const L = this.lines.length;
    this.fwdHist.fill(0, r * L, (r + 1) * L);
    this.bwdHist.fill(0, r * L, (r + 1) * L);
  }

  private allocate(id: string): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.slotIds.length;
      if (slot >= this.cap) this.grow(this.cap * 2);
      this.slotIds.push(id);
    } else this.slotIds[slot] = id;
    this.slots.set(id, slot);
    this.lastT[slot] = -Infinity;
    this.alive[slot] = 0;
    this.member.fill(0, slot * this.zones.length, (slot + 1) * this.zones.length);
    return slot;
  }

  private grow(cap: number): void {
    const Z = this.zones.length;
    const f64 = (a: Float64Array, per = 1) => { const r = new Float64Array(cap * per); r.set(a); return r; };
    const f32 = (a: Float32Array) => { const r = new Float32Array(cap); r.set(a); return r; };
    this.lastT = f64(this.lastT);
    const fl = new Int32Array(cap); fl.set(this.floor); this.floor = fl;
    this.px = f32(this.px);
    this.py = f32(this.py);
    const al = new Uint8Array(cap); al.set(this.alive); this.alive = al;
    const m = new Uint8Array(cap * Z); m.set(this.member); this.member = m;
    this.entered = f64(this.entered, Z);
    this.cap = cap;
  }

  /** Devices silent since before `t − leaveAfterMs` leave their zones (visit ends at their last fix). */
  private evict(t: number): void {
    this.lastEvict = t;
    const limit = t - this.leaveAfterMs;
    for (const [id, slot] of this.slots) {
      if (this.lastT[slot]! >= limit) continue;
      this.leaveAll(slot, this.lastT[slot]!);
      this.alive[slot] = 0;
      this.slots.delete(id);
      this.freeSlots.push(slot);
    }
  }

  private leaveAll(slot: number, t: number): void {
    const Z = this.zones.length;
    for (let z = 0; z < Z; z++) if (this.member[slot * Z + z] === 1) this.exit(slot, z, t);
  }

  private exit(slot: number, z: number, t: number): void {
    const Z = this.zones.length;
    this.member[slot * Z + z] = 0;
    this.count[z] = this.count[z]! - 1;
    const d = this.dwellS[z]!;
    d.push((t - this.entered[slot * Z + z]!) / 1000);
    if (d.length > DWELL_KEEP) d.splice(0, d.length - DWELL_KEEP);
  }

  private updateZones(slot: number, f: number, x: number, y: number, t: number): void {
    const Z = this.zones.length;
    const base = slot * Z;
    for (let z = 0; z < Z; z++) {
      const b = z * 4;
      const inside =
        this.zoneFloor[z] === f &&
        x >= this.zoneBox[b]! && y >= this.zoneBox[b + 1]! && x <= this.zoneBox[b + 2]! && y <= this.zoneBox[b + 3]! &&
        pointInPolygon(this.zones[z]!.polygon, x, y);
      const was = this.member[base + z] === 1;
      if (inside && !was) {
        this.member[base + z] = 1;
        this.entered[base + z] = t;
        this.count[z] = this.count[z]! + 1;
      } else if (!inside && was) this.exit(slot, z, t);
    }
  }

  private crossLines(f: number, px: number, py: number, qx: number, qy: number): void {
    const L = this.lines.length;
    const row = (this.bucket % this.H) * L;
    for (let l = 0; l < L; l++) {
      if (this.lineFloor[l] !== f) continue;
      const { a, b } = this.lines[l]!;
      const ex = b[0] - a[0];
      const ey = b[1] - a[1];
      const d1 = ex * (py - a[1]) - ey * (px - a[0]);
      const d2 = ex * (qy - a[1]) - ey * (qx - a[0]);
      if ((d1 < 0) === (d2 < 0)) continue;
      const sx = qx - px;
      const sy = qy - py;
      const e1 = sx * (a[1] - py) - sy * (a[0] - px);
      const e2 = sx * (b[1] - py) - sy * (b[0] - px);
      if ((e1 < 0) === (e2 < 0) && e1 !== 0 && e2 !== 0) continue;
      if (d1 < 0) this.fwdHist[row + l] = Math.min(65535, this.fwdHist[row + l]! + 1);
      else this.bwdHist[row + l] = Math.min(65535, this.bwdHist[row + l]! + 1);
    }
  }

  private buildGrids(walkable: WalkableMap[] | undefined): void {
    const wg = walkable ? new WalkableGrid(walkable, 0.25) : null;
    for (let f = 0; f < this.floorNames.length; f++) {
      const zones = this.zones.filter((_, i) => this.zoneFloor[i] === f);
      const map = FloorDensityMap.build(this.floorNames[f]!, zones, wg, this.cellSize, this.kernel);
      if (map) this.grids.set(f, map);
    }
  }
}
