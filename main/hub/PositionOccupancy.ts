/**
 * People counts per zone derived from device positions, for sources that give positions (or beacon
 * scans the hub positions) but no Count records of their own — MQTT, NGSI-LD, replays of those —
 * so the crowding alert (AlertEngine `onCount`) fires for them too and `/count` is recorded.
 *
 * Input: every record the hub accepted (`observe`). Position records update the device's latest
 * position (kept in typed-array columns indexed by a Map id → slot: no allocation per update
 * beyond a new device's first slot). Every record's `t` advances the record clock (source time),
 * except one device's time far ahead of the others (NewestTime).
 *
 * Output (`take`): each time the record clock passes a multiple of `periodSeconds` (default 10 s,
 * like the testbed's counts), one Count per zone, stamped with that boundary: the devices whose
 * latest position is on the zone's floor and inside its footprint (a storey zone: anywhere on the
 * floor) and was heard within `windowSeconds` (default 30 s) before the boundary. A device heard
 * after the boundary (in the batch that crossed it) counts where it is now. Counts start with the
 * first boundary after the first position (a source without positions gets no zero counts).
 *
 * No double counting: a zone for which the source sent a Count record (under any of its aliases,
 * occupancyZones.ts) is the source's from then on — never derived again until the zones change.
 *
 * Time jumps back (a replay seek, only when `rewindable`): a record more than REWIND_MS older than
 * the clock forgets every device and restarts the clock there, so the counts after the seek
 * describe the new moment. A live source's late records are never taken for a seek.
 *
 * Derived counts cannot be marked as derived: the Count record (spec/telemetry.md) has no field
 * for it, and the spec's shape is kept. They are told apart only by their zone names.
 */
import { pointInPolygon } from '../../common/polygon.js';
import type { CountRecord, TelemetryRecord } from '../../common/records.js';
import { NewestTime } from './NewestTime.js';
import type { OccupancyZone } from './occupancyZones.js';

export interface PositionOccupancyOptions {
  /** Source seconds between derived counts (default 10). */
  periodSeconds?: number;
  /** A device counts if heard within this many source seconds before the count (default 30). */
  windowSeconds?: number;
  /** The source can jump back in time (replay): see the class comment. */
  rewindable?: boolean;
}

/** A record this much older than the clock is a seek back in time (rewindable sources), ms. */
export const REWIND_MS = 60_000;

/** Target grid cells per floor index side: a device tests only the spaces overlapping its cell. */
const GRID_CELLS = 64;
const NO_FLOOR = -1;

interface FloorIndex {
  /** Zones covering the whole floor (storeys). */
  whole: number[];
  minX: number;
  minY: number;
  cell: number;
  nx: number;
  ny: number;
  /** CSR: zones overlapping cell c are items[start[c] .. start[c + 1]). */
  start: Int32Array;
  items: Int32Array;
}

export class PositionOccupancy {
  private readonly periodMs: number;
  private readonly windowMs: number;
  private readonly rewindable: boolean;
  private zones: OccupancyZone[] = [];
  /** Count.zone alias → zone index. */
  private aliases = new Map<string, number>();
  /** Position.floor label → floor index. */
  private floorOf = new Map<string, number>();
  private floors: FloorIndex[] = [];
  /** Per zone: bounds (minX, minY, maxX, maxY) for the cheap reject before point-in-polygon. */
  private bounds = new Float64Array(0);
  /** Per zone: 1 once the source sent a Count for it. */
  private sourced = new Uint8Array(0);
  private counts = new Int32Array(0);

  private readonly slotOf = new Map<string, number>();
  private readonly freeSlots: number[] = [];
  private capacity = 0;
  private slotT = new Float64Array(0);
  private slotX = new Float64Array(0);
  private slotY = new Float64Array(0);
  private slotFloor = new Int32Array(0);
  /** Per slot: the Position.floor label (kept so a zone change can re-resolve the floor index). */
  private slotFloorLabel: string[] = [];

  /** Record clock (newest t seen, epoch ms) and the boundary counts were last made for. */
  private clock = -Infinity;
  private readonly newest = new NewestTime();
  private lastBoundary = -Infinity;
  private sawPosition = false;

  constructor(options: PositionOccupancyOptions = {}) {
    this.periodMs = (options.periodSeconds ?? 10) * 1000;
    this.windowMs = (options.windowSeconds ?? 30) * 1000;
    this.rewindable = options.rewindable ?? false;
    if (!(this.periodMs > 0) || !(this.windowMs > 0)) throw new RangeError(`PositionOccupancy: periodSeconds and windowSeconds must be > 0, got ${options.periodSeconds}, ${options.windowSeconds}`);
    this.grow(64);
  }

  /** Zones to count in (occupancyZones.ts); [] = none. Which zones the source counts is learnt again. */
  setZones(zones: readonly OccupancyZone[]): void {
    this.zones = [...zones];
    this.aliases = new Map();
    this.floorOf = new Map();
    this.bounds = new Float64Array(zones.length * 4);
    this.sourced = new Uint8Array(zones.length);
    this.counts = new Int32Array(zones.length);
    const perFloor: number[][] = [];
    zones.forEach((z, i) => {
      for (const a of z.aliases) if (!this.aliases.has(a)) this.aliases.set(a, i);
      let f = NO_FLOOR;
      for (const label of z.floors) f = f === NO_FLOOR ? (this.floorOf.get(label) ?? NO_FLOOR) : f;
      if (f === NO_FLOOR) f = perFloor.push([]) - 1;
      for (const label of z.floors) if (!this.floorOf.has(label)) this.floorOf.set(label, f);
      perFloor[f]!.push(i);
      let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
      for (const poly of z.footprint ?? []) for (const [x, y] of poly[0] ?? []) {
        if (x < minX) minX = x;
        if (y < minY) minY = y;
        if (x > maxX) maxX = x;
        if (y > maxY) maxY = y;
      }
      this.bounds.set([minX, minY, maxX, maxY], i * 4);
    });
    this.floors = perFloor.map((list) => this.indexFloor(list));
    for (const slot of this.slotOf.values()) this.slotFloor[slot] = this.floorOf.get(this.slotFloorLabel[slot]!) ?? NO_FLOOR;
  }

  /** Number of devices currently tracked. */
  devices(): number {
    return this.slotOf.size;
  }

  /** Feed of accepted records (the hub's `onRecords`): positions, source counts, the clock. */
  observe(batch: readonly TelemetryRecord[]): void {
    for (const r of batch) {
      switch (r.kind) {
        case 'position': {
          const p = r.record;
          this.advance(p.t, p.id);
          if (p.x === undefined || p.y === undefined || p.floor === undefined) break; // WGS84 with no georeference: nowhere to place it
          this.sawPosition = true;
          let slot = this.slotOf.get(p.id);
          if (slot === undefined) {
            slot = this.freeSlots.pop() ?? this.slotOf.size;
            if (slot >= this.capacity) this.grow(this.capacity * 2);
            this.slotOf.set(p.id, slot);
            this.slotT[slot] = -Infinity;
          }
          if (p.t < this.slotT[slot]!) break; // out of order: the latest stays
          this.slotT[slot] = p.t;
          this.slotX[slot] = p.x;
          this.slotY[slot] = p.y;
          this.slotFloorLabel[slot] = p.floor;
          this.slotFloor[slot] = this.floorOf.get(p.floor) ?? NO_FLOOR;
          break;
        }
        case 'count': {
          const z = this.aliases.get(r.record.zone);
          if (z !== undefined) this.sourced[z] = 1;
          this.advance(r.record.t, r.record.zone);
          break;
        }
        case 'state':
          this.advance(r.record.t, r.record.id);
          break;
        case 'scan':
          this.advance(r.record.t, r.record.device);
          break;
        case 'alert':
        case 'rejected':
          break;
      }
    }
  }

  /**
   * Counts for the newest period boundary the clock passed since the last call (one Count per
   * zone the source does not count), or [] when none passed. Devices silent for longer than the
   * window are forgotten here.
   */
  take(): CountRecord[] {
    if (!this.sawPosition || this.clock === -Infinity) return [];
    const boundary = Math.floor(this.clock / this.periodMs) * this.periodMs;
    if (this.lastBoundary === -Infinity) {
      this.lastBoundary = boundary; // the period in progress when positions started: not complete
      return [];
    }
    if (boundary <= this.lastBoundary) return [];
    this.lastBoundary = boundary;
    const since = boundary - this.windowMs;
    for (const [id, slot] of this.slotOf) {
      if (this.slotT[slot]! <= since) {
        this.slotOf.delete(id);
        this.freeSlots.push(slot);
      }
    }
    if (this.zones.length === 0) return [];
    const counts = this.counts;
    counts.fill(0);
    for (const slot of this.slotOf.values()) {
      const f = this.slotFloor[slot]!;
      if (f === NO_FLOOR) continue;
      this.countAt(this.floors[f]!, this.slotX[slot]!, this.slotY[slot]!);
    }
    const out: CountRecord[] = [];
    for (let i = 0; i < this.zones.length; i++) {
      if (this.sourced[i] === 0) out.push({ zone: this.zones[i]!.zone, t: boundary, count: counts[i]! });
    }
    return out;
  }

  /** The record clock follows `t` of `id` (not one device's clock far ahead: NewestTime). */
  private advance(t: number, id: string): void {
    if (t > this.clock) {
      this.newest.note(t, id, this.clock);
      this.clock = this.newest.value;
      return;
    }
    if (this.rewindable && t < this.clock - REWIND_MS) {
      this.slotOf.clear();
      this.freeSlots.length = 0;
      this.newest.reset();
      this.newest.note(t, id, t);
      this.clock = t;
      this.lastBoundary = -Infinity;
      this.sawPosition = false;
    }
  }

  private countAt(floor: FloorIndex, x: number, y: number): void {
    const counts = this.counts;
    for (const z of floor.whole) counts[z]!++;
    const cx = Math.floor((x - floor.minX) / floor.cell);
    const cy = Math.floor((y - floor.minY) / floor.cell);
    if (cx < 0 || cy < 0 || cx >= floor.nx || cy >= floor.ny) return;
    const c = cy * floor.nx + cx;
    const b = this.bounds;
    for (let k = floor.start[c]!; k < floor.start[c + 1]!; k++) {
      const z = floor.items[k]!;
      if (x < b[z * 4]! || y < b[z * 4 + 1]! || x > b[z * 4 + 2]! || y > b[z * 4 + 3]!) continue;
      if (inFootprint(x, y, this.zones[z]!.footprint!)) counts[z]!++;
    }
  }

  private indexFloor(zoneIds: readonly number[]): FloorIndex {
    const whole = zoneIds.filter((z) => this.zones[z]!.footprint === null);
    const spaces = zoneIds.filter((z) => this.zones[z]!.footprint !== null && Number.isFinite(this.bounds[z * 4]!));
    const b = this.bounds;
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const z of spaces) {
      minX = Math.min(minX, b[z * 4]!);
      minY = Math.min(minY, b[z * 4 + 1]!);
      maxX = Math.max(maxX, b[z * 4 + 2]!);
      maxY = Math.max(maxY, b[z * 4 + 3]!);
    }
    if (spaces.length === 0) return { whole, minX: 0, minY: 0, cell: 1, nx: 0, ny: 0, start: new Int32Array(1), items: new Int32Array(0) };
    const cell = Math.max(0.5, Math.max(maxX - minX, maxY - minY) / GRID_CELLS);
    const nx = Math.floor((maxX - minX) / cell) + 1;
    const ny = Math.floor((maxY - minY) / cell) + 1;
    const lists: number[][] = Array.from({ length: nx * ny }, () => []);
    for (const z of spaces) {
      const x0 = Math.floor((b[z * 4]! - minX) / cell), y0 = Math.floor((b[z * 4 + 1]! - minY) / cell);
      const x1 = Math.floor((b[z * 4 + 2]! - minX) / cell), y1 = Math.floor((b[z * 4 + 3]! - minY) / cell);
      for (let cy = y0; cy <= y1; cy++) for (let cx = x0; cx <= x1; cx++) lists[cy * nx + cx]!.push(z);
    }
    const start = new Int32Array(nx * ny + 1);
    for (let c = 0; c < lists.length; c++) start[c + 1] = start[c]! + lists[c]!.length;
    const items = new Int32Array(start[nx * ny]!);
    for (let c = 0; c < lists.length; c++) items.set(lists[c]!, start[c]!);
    return { whole, minX, minY, cell, nx, ny, start, items };
  }

  private grow(capacity: number): void {
    const copy = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const n = make(capacity);
      n.set(a);
      return n;
    };
    this.slotT = copy(this.slotT, (n) => new Float64Array(n));
    this.slotX = copy(this.slotX, (n) => new Float64Array(n));
    this.slotY = copy(this.slotY, (n) => new Float64Array(n));
    this.slotFloor = copy(this.slotFloor, (n) => new Int32Array(n).fill(NO_FLOOR));
    this.capacity = capacity;
  }
}

/** Inside an outer ring and outside its holes, for any polygon of the multipolygon. */
function inFootprint(x: number, y: number, mp: NonNullable<OccupancyZone['footprint']>): boolean {
  for (const poly of mp) {
    const outer = poly[0];
    if (!outer || !pointInPolygon(x, y, outer)) continue;
    let hole = false;
    for (let h = 1; h < poly.length && !hole; h++) hole = pointInPolygon(x, y, poly[h]!);
    if (!hole) return true;
  }
  return false;
}
