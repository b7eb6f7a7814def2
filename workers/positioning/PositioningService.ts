/**
 * BLE positioning: Scan records → Position records, one particle filter per device.
 *
 * Per scan, in this fixed order (JuPedSim-style stages):
 *  1. edge rules — a scan not newer than the device's last fix is dropped (duplicate or out of
 *     order); entries naming unknown beacons or weaker than `minRssi` (−100 dBm) are ignored; a
 *     scan left with no usable entry gives no fix and is counted as empty;
 *  2. RSSI smoothing — per device and beacon, an exponential average over the last seconds
 *     (`RssiSmoother`), used for the floor decision (not by the filter, which integrates itself);
 *  3. floor — the floor with the strongest smoothed evidence, with hysteresis: another floor must
 *     beat the current one by `floorHysteresisDb` on `floorConfirmScans` scans in a row, and the
 *     device must be near a stair/lift (`FloorLink`) joining the two floors — or the evidence must
 *     persist 3× as long (recovery from a wrong first guess, or a map without links);
 *  4. predict — a velocity random walk (pedestrian, ≤ `maxSpeed`), moves that would cross a wall
 *     or leave the walkable raster are refused (the particle stays, its velocity is zeroed);
 *  5. update — robust (Huber) log-likelihood of the observed RSSI of the strongest
 *     `maxBeaconsPerFix` beacons on the floor against the log-distance model calibrated from each
 *     beacon's registry txPower; systematic resampling when the effective sample size < N/2;
 *  6. estimate — weighted mean (snapped to the nearest particle if the mean falls in a wall) and
 *     accuracy = RMS radius of the cloud, metres.
 *
 * Particles live in typed-array columns by device slot (no per-particle objects); randomness comes
 * only from the seeded generator, so a run is reproducible.
 */
import { assertNever, type BeaconRegistry, type PositionRecord, type ScanRecord } from '../../common/records.js';
import { BeaconTable } from './BeaconTable.js';
import { FloorSelector, type FloorChange, type LinkArea } from './FloorSelector.js';
import { DEFAULT_PATH_LOSS_EXPONENT, distanceFromRssi } from './pathLoss.js';
import { RssiLikelihood } from './RssiLikelihood.js';
import { RegistryFit, type RegistryFitSummary } from './RegistryFit.js';
import { RssiSmoother } from './RssiSmoother.js';
import { SeededRandom } from './SeededRandom.js';
import { rasterSegmentClear, rasterWalkable, WalkableGrid, type FloorLink, type FloorRaster, type WalkableMap } from './WalkableGrid.js';

export interface PositioningOptions {
  /** Walkable map per floor and the stairs joining floors; without it, each floor is the beacons' bounding box + 3 m. */
  walkable?: { maps: WalkableMap[]; links?: FloorLink[]; floors?: string[] };
  /** Path-loss exponent n (default 2.5). */
  exponent?: number;
  /** Measurement noise the filter assumes, dB (default 5: a little above typical σ ≈ 4 dB, for robustness). */
  sigmaDb?: number;
  /** Particles per device (default 128). */
  particles?: number;
  seed?: number;
  /** Walkable raster cell, m (default 0.25). */
  cellSize?: number;
  /** Strongest beacons used per fix (default 8). */
  maxBeaconsPerFix?: number;
  /** Entries weaker than this, dBm, are ignored (default −100). */
  minRssi?: number;
  /** Pedestrian speed limit, m/s (default 2). */
  maxSpeed?: number;
  floorHysteresisDb?: number;
  floorConfirmScans?: number;
  /** Distance from a stair within which a floor change is plausible, m (default 6). */
  linkRadius?: number;
  /** A device silent longer than this is re-initialised from scratch, s (default 10). */
  resetAfterS?: number;
  /** Phone height above the floor, m (default 1.2); beacon heights are the registry's `z` (default 2.5 m). */
  phoneHeightM?: number;
  /** Weight of the newest reading in the per-beacon RSSI average used for the floor decision (default 0.5). */
  smoothingAlpha?: number;
  /** Devices silent this long (scan time) are forgotten and their particle slots reused, s (default 300). */
  forgetAfterS?: number;
}

export interface PositioningStats {
  scans: number;
  fixes: number;
  emptyScans: number;
  duplicates: number;
  outOfOrder: number;
  unknownBeaconEntries: number;
  weakEntries: number;
  floorChanges: number;
  devices: number;
}

const MAX_MEAS = 64;

export class PositioningService {
  readonly beacons: BeaconTable;
  private readonly n: number;
  private readonly exponent: number;
  private readonly minRssi: number;
  private readonly maxSpeed: number;
  private readonly resetAfterMs: number;
  private readonly forgetAfterMs: number;
  private lastForget = -Infinity;
  private readonly cell: number;
  private readonly rasters: FloorRaster[];
  private readonly rng: SeededRandom;
  private readonly smoother: RssiSmoother;
  private readonly floors: FloorSelector;
  private readonly likelihood: RssiLikelihood;
  private readonly registryFit: RegistryFit;
  private readonly slots = new Map<string, number>();
  private readonly free: number[] = [];
  private capacity = 0;
  // Per-slot columns.
  private lastT = new Float64Array(0);
  private floor = new Int16Array(0);
  private estX = new Float32Array(0);
  private estY = new Float32Array(0);
  // Per-particle columns, slot * n + i.
  private px = new Float32Array(0);
  private py = new Float32Array(0);
  private vx = new Float32Array(0);
  private vy = new Float32Array(0);
  private w = new Float32Array(0);
  // Scratch.
  private readonly mIdx = new Int32Array(MAX_MEAS);
  private readonly mRssi = new Float32Array(MAX_MEAS);
  private readonly tmp: Float32Array;
  private readonly counters: Omit<PositioningStats, 'devices'> = {
    scans: 0, fixes: 0, emptyScans: 0, duplicates: 0, outOfOrder: 0, unknownBeaconEntries: 0, weakEntries: 0, floorChanges: 0,
  };

  constructor(registry: BeaconRegistry, opts: PositioningOptions = {}) {
    this.n = opts.particles ?? 128;
    this.exponent = opts.exponent ?? DEFAULT_PATH_LOSS_EXPONENT;
    this.minRssi = opts.minRssi ?? -100;
    this.maxSpeed = opts.maxSpeed ?? 2;
    this.resetAfterMs = (opts.resetAfterS ?? 10) * 1000;
    this.forgetAfterMs = (opts.forgetAfterS ?? 300) * 1000;
    this.cell = opts.cellSize ?? 0.25;
    this.rng = new SeededRandom(opts.seed ?? 1);
    const floorOrder = opts.walkable?.floors ?? opts.walkable?.maps.map((m) => m.floor) ?? [];
    this.beacons = new BeaconTable(registry, floorOrder, opts.phoneHeightM ?? 1.2);
    if (this.beacons.size === 0) throw new Error('PositioningService: the beacon registry is empty; positioning needs at least one beacon');
    const maps = new Map((opts.walkable?.maps ?? []).map((m) => [m.floor, m]));
    const fallback: WalkableMap[] = [];
    for (const f of this.beacons.floors) if (!maps.has(f)) fallback.push(this.beaconBox(f));
    const grid = new WalkableGrid([...maps.values(), ...fallback], this.cell);
    this.rasters = this.beacons.floors.map((f) => grid.raster(f)!);
    this.smoother = new RssiSmoother(this.beacons.size, opts.smoothingAlpha ?? 0.5);
    this.floors = new FloorSelector(this.beacons, this.smoother, opts.walkable?.links ?? [], {
      hysteresisDb: opts.floorHysteresisDb, confirmScans: opts.floorConfirmScans, linkRadius: opts.linkRadius,
    });
    this.likelihood = new RssiLikelihood(this.beacons, this.exponent, opts.sigmaDb ?? 5, opts.maxBeaconsPerFix ?? 8, this.n);
    this.registryFit = new RegistryFit(this.beacons, this.exponent);
    this.tmp = new Float32Array(this.n * 4);
    this.grow(64);
  }

  /** One scan → the device's position with the scan's `t`, or null (dropped, empty, or no beacon on the floor). */
  processScan(scan: ScanRecord): PositionRecord | null {
    this.counters.scans++;
    // Pseudonyms rotate daily and people leave: forget silent devices once a minute of scan time.
    if (scan.t - this.lastForget >= 60_000) {
      this.lastForget = scan.t;
      this.evictSilent(scan.t - this.forgetAfterMs);
    }
    let slot = this.slots.get(scan.device);
    const fresh = slot === undefined;
    if (slot !== undefined) {
      const last = this.lastT[slot]!;
      if (scan.t === last) {
        this.counters.duplicates++;
        return null;
      }
      if (scan.t < last) {
        this.counters.outOfOrder++;
        return null;
      }
    }
    // 1. Usable entries.
    let m = 0, entries = 0, unknown = 0;
    for (const id in scan.rssi) {
      entries++;
      const b = this.beacons.indexOf(id);
      if (b < 0) {
        this.counters.unknownBeaconEntries++;
        unknown++;
        continue;
      }
      const r = scan.rssi[id]!;
      if (!(r >= this.minRssi && r <= 0)) {
        this.counters.weakEntries++;
        continue;
      }
      if (m < MAX_MEAS) {
        this.mIdx[m] = b;
        this.mRssi[m] = r;
        m++;
      }
    }
    this.registryFit.observe(entries, unknown, this.mIdx, this.mRssi, m);
    if (m === 0) {
      this.counters.emptyScans++;
      return null;
    }
    if (slot === undefined) slot = this.allocate(scan.device);
    const dtMs = fresh ? Infinity : scan.t - this.lastT[slot]!;
    this.lastT[slot] = scan.t;
    // 2. Smoothing, 3. floor.
    this.smoother.update(slot, scan.t, this.mIdx, this.mRssi, m);
    const best = this.floors.best(slot, scan.t);
    if (fresh || dtMs > this.resetAfterMs || this.floor[slot]! < 0) {
      this.floor[slot] = best;
      this.floors.reset(slot);
      this.seedAroundBeacons(slot, m, 1);
    } else {
      this.changeFloor(slot, this.floors.decide(slot, this.floor[slot]!, best, this.estX[slot]!, this.estY[slot]!));
      // 4. Predict.
      this.predict(slot, Math.min(dtMs, 3000) / 1000);
    }
    // 5. Update.
    const used = this.likelihood.select(this.floor[slot]!, this.mIdx, this.mRssi, m);
    if (used > 0) {
      const base = slot * this.n;
      if (this.likelihood.weigh(this.px, this.py, this.w, base, this.n, used)) {
        // Lost: re-seed 30 % around the strongest beacons (weights reset to uniform), weigh again.
        this.seedAroundBeacons(slot, m, 0.3);
        this.likelihood.weigh(this.px, this.py, this.w, base, this.n, used);
      }
    }
    this.resampleIfNeeded(slot);
    // 6. Estimate.
    this.counters.fixes++;
    return this.estimate(slot, scan);
  }

  /** Positions for a batch of scans, in order (dropped and empty scans give none). */
  processBatch(scans: readonly ScanRecord[]): PositionRecord[] {
    const out: PositionRecord[] = [];
    for (const s of scans) {
      const p = this.processScan(s);
      if (p) out.push(p);
    }
    return out;
  }

  /** Frees devices not heard since `beforeT` (epoch ms); returns how many were freed. */
  evictSilent(beforeT: number): number {
    let freed = 0;
    for (const [id, slot] of this.slots) {
      if (this.lastT[slot]! < beforeT) {
        this.slots.delete(id);
        this.free.push(slot);
        freed++;
      }
    }
    return freed;
  }

  stats(): PositioningStats {
    return { ...this.counters, devices: this.slots.size };
  }

  /** How well the registry fits the recent scans (RegistryFit): a mismatch makes every position wrong. */
  fit(): RegistryFitSummary {
    return this.registryFit.summary();
  }

  dispose(): void {
    this.slots.clear();
    this.free.length = 0;
  }

  // ————— internals —————

  private beaconBox(floor: string): WalkableMap {
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    const fi = this.beacons.floorIndexOf(floor);
    for (let b = 0; b < this.beacons.size; b++) {
      if (this.beacons.floor[b] !== fi) continue;
      x0 = Math.min(x0, this.beacons.x[b]! - 3);
      y0 = Math.min(y0, this.beacons.y[b]! - 3);
      x1 = Math.max(x1, this.beacons.x[b]! + 3);
      y1 = Math.max(y1, this.beacons.y[b]! + 3);
    }
    return { floor, polygons: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1]]], holes: [] };
  }

  private allocate(device: string): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.slots.size;
      if (slot >= this.capacity) this.grow(this.capacity * 2);
    }
    this.slots.set(device, slot);
    this.floor[slot] = -1;
    this.smoother.reset(slot);
    return slot;
  }

  private grow(cap: number): void {
    const n = this.n;
    const g64 = (a: Float64Array) => { const r = new Float64Array(cap); r.set(a); return r; };
    const g32 = (a: Float32Array, per = 1) => { const r = new Float32Array(cap * per); r.set(a); return r; };
    this.lastT = g64(this.lastT);
    const f = new Int16Array(cap); f.set(this.floor); this.floor = f;
    this.estX = g32(this.estX);
    this.estY = g32(this.estY);
    this.px = g32(this.px, n);
    this.py = g32(this.py, n);
    this.vx = g32(this.vx, n);
    this.vy = g32(this.vy, n);
    this.w = g32(this.w, n);
    this.smoother.grow(cap);
    this.floors.grow(cap);
    this.capacity = cap;
  }

  /** Applies a floor change the selector decided: particles re-seeded in the stair, or around the new floor's beacons. */
  private changeFloor(slot: number, change: FloorChange): void {
    switch (change.kind) {
      case 'stay':
        return;
      case 'link':
        this.floor[slot] = change.to;
        this.seedInLink(slot, change.link);
        break;
      case 'far':
        this.floor[slot] = change.to;
        this.seedAroundBeacons(slot, 0, 1);
        break;
      default:
        assertNever(change);
    }
    this.counters.floorChanges++;
  }

  private seedInLink(slot: number, l: LinkArea): void {
    const r = this.rasters[this.floor[slot]!]!;
    const base = slot * this.n;
    for (let i = 0; i < this.n; i++) {
      let x = l.cx;
      let y = l.cy;
      for (let tries = 0; tries < 20; tries++) {
        const cx = l.minX + this.rng.next() * (l.maxX - l.minX);
        const cy = l.minY + this.rng.next() * (l.maxY - l.minY);
        if (rasterWalkable(r, this.cell, cx, cy)) {
          x = cx;
          y = cy;
          break;
        }
      }
      this.px[base + i] = x;
      this.py[base + i] = y;
      this.vx[base + i] = 0;
      this.vy[base + i] = 0;
      this.w[base + i] = 1 / this.n;
    }
  }

  /**
   * (Re)seeds a `fraction` of the particles around the strongest heard beacons of the device's
   * floor, at the path-loss distance ± 50 %, on walkable cells. Uses the smoothed values when
   * `m` is 0 (floor switch without a link), else the current scan's entries.
   */
  private seedAroundBeacons(slot: number, m: number, fraction: number): void {
    const f = this.floor[slot]!;
    const r = this.rasters[f]!;
    const cand: number[] = [];
    const cr: number[] = [];
    if (m > 0) {
      for (let j = 0; j < m; j++) if (this.beacons.floor[this.mIdx[j]!] === f) { cand.push(this.mIdx[j]!); cr.push(this.mRssi[j]!); }
    } else {
      this.smoother.forEach(slot, this.lastT[slot]!, (b, v) => { if (this.beacons.floor[b] === f) { cand.push(b); cr.push(v); } });
    }
    const order = cand.map((_, j) => j).sort((p, q) => cr[q]! - cr[p]!).slice(0, 3);
    const base = slot * this.n;
    const count = Math.round(this.n * fraction);
    const start = fraction >= 1 ? 0 : this.rng.int(this.n);
    for (let k = 0; k < count; k++) {
      const i = base + ((start + k) % this.n);
      let placed = false;
      if (order.length > 0) {
        for (let tries = 0; tries < 30 && !placed; tries++) {
          const j = order[this.rng.int(order.length)]!;
          const b = cand[j]!;
          const d = Math.min(12, Math.max(0.5, Math.sqrt(Math.max(0, distanceFromRssi(cr[j]!, this.beacons.txPower[b]!, this.exponent) ** 2 - this.beacons.dz2[b]!))));
          const rad = d * (0.5 + this.rng.next());
          const ang = this.rng.next() * 2 * Math.PI;
          const x = this.beacons.x[b]! + rad * Math.cos(ang);
          const y = this.beacons.y[b]! + rad * Math.sin(ang);
          if (rasterWalkable(r, this.cell, x, y)) {
            this.px[i] = x;
            this.py[i] = y;
            placed = true;
          }
        }
      }
      if (!placed && r.walkable.length > 0) {
        const c = r.walkable[this.rng.int(r.walkable.length)]!;
        this.px[i] = r.minX + ((c % r.cols) + 0.5) * this.cell;
        this.py[i] = r.minY + (Math.floor(c / r.cols) + 0.5) * this.cell;
      }
      this.vx[i] = 0;
      this.vy[i] = 0;
    }
    for (let i = base; i < base + this.n; i++) this.w[i] = 1 / this.n;
  }

  /** Velocity random walk: σ 0.8 m/s² acceleration noise, 0.15 m position jitter per √s, walls refuse moves. */
  private predict(slot: number, dt: number): void {
    if (dt <= 0) return;
    const r = this.rasters[this.floor[slot]!]!;
    const base = slot * this.n;
    const sa = 0.8 * Math.sqrt(dt);
    const sp = 0.15 * Math.sqrt(dt);
    const vmax = this.maxSpeed;
    for (let i = base; i < base + this.n; i++) {
      let vx = this.vx[i]! * 0.8 + sa * this.rng.gaussian();
      let vy = this.vy[i]! * 0.8 + sa * this.rng.gaussian();
      const s = Math.hypot(vx, vy);
      if (s > vmax) {
        vx *= vmax / s;
        vy *= vmax / s;
      }
      const x0 = this.px[i]!;
      const y0 = this.py[i]!;
      const x1 = x0 + vx * dt + sp * this.rng.gaussian();
      const y1 = y0 + vy * dt + sp * this.rng.gaussian();
      if (rasterSegmentClear(r, this.cell, x0, y0, x1, y1)) {
        this.px[i] = x1;
        this.py[i] = y1;
        this.vx[i] = vx;
        this.vy[i] = vy;
      } else {
        this.vx[i] = 0;
        this.vy[i] = 0;
      }
    }
  }

  private resampleIfNeeded(slot: number): void {
    const n = this.n;
    const base = slot * n;
    let s2 = 0;
    for (let i = base; i < base + n; i++) s2 += this.w[i]! * this.w[i]!;
    if (1 / s2 >= n / 2) return;
    const t = this.tmp;
    let cum = this.w[base]!;
    let j = 0;
    const u0 = this.rng.next() / n;
    for (let i = 0; i < n; i++) {
      const u = u0 + i / n;
      while (u > cum && j < n - 1) cum += this.w[base + ++j]!;
      t[i] = this.px[base + j]!;
      t[n + i] = this.py[base + j]!;
      t[2 * n + i] = this.vx[base + j]!;
      t[3 * n + i] = this.vy[base + j]!;
    }
    this.px.set(t.subarray(0, n), base);
    this.py.set(t.subarray(n, 2 * n), base);
    this.vx.set(t.subarray(2 * n, 3 * n), base);
    this.vy.set(t.subarray(3 * n, 4 * n), base);
    this.w.fill(1 / n, base, base + n);
  }

  private estimate(slot: number, scan: ScanRecord): PositionRecord {
    const base = slot * this.n;
    let mx = 0;
    let my = 0;
    for (let i = base; i < base + this.n; i++) {
      mx += this.w[i]! * this.px[i]!;
      my += this.w[i]! * this.py[i]!;
    }
    let v = 0;
    for (let i = base; i < base + this.n; i++) {
      const dx = this.px[i]! - mx;
      const dy = this.py[i]! - my;
      v += this.w[i]! * (dx * dx + dy * dy);
    }
    const r = this.rasters[this.floor[slot]!]!;
    if (!rasterWalkable(r, this.cell, mx, my)) {
      // The mean of a split cloud can fall in a wall: report the nearest particle instead.
      let bi = base;
      let bd = Infinity;
      for (let i = base; i < base + this.n; i++) {
        const d = (this.px[i]! - mx) ** 2 + (this.py[i]! - my) ** 2;
        if (d < bd) {
          bd = d;
          bi = i;
        }
      }
      mx = this.px[bi]!;
      my = this.py[bi]!;
    }
    this.estX[slot] = mx;
    this.estY[slot] = my;
    return {
      id: scan.device,
      t: scan.t,
      floor: this.beacons.floors[this.floor[slot]!]!,
      x: Math.round(mx * 100) / 100,
      y: Math.round(my * 100) / 100,
      accuracy: Math.round(Math.max(0.1, Math.sqrt(v)) * 100) / 100,
    };
  }
}
