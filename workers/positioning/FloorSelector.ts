/**
 * The floor decision of the positioning filter (stage 3 of PositioningService), per device slot.
 *
 * Evidence per floor = the mean of its two strongest smoothed beacons, dBm (one beacon alone
 * counts 3 dB less). The device stays on its floor until another beats it by `hysteresisDb` on
 * `confirmScans` scans in a row AND the device is within `linkRadius` m of a stair/lift joining
 * the two floors (there one scan fewer is enough: people do change floors at stairs) — or, away
 * from any link, the evidence persists 3× as long (recovery from a wrong first guess, or a map
 * without links). A one-scan burst of another floor (a device heard on two floors at once, e.g.
 * through an atrium) therefore changes nothing.
 *
 * It only decides; the service re-seeds the particles for the change it is told about.
 */
import type { BeaconTable } from './BeaconTable.js';
import type { RssiSmoother } from './RssiSmoother.js';
import type { FloorLink } from './WalkableGrid.js';

/** A stair/lift between floor indices `a` and `b`: its polygon and bounding box, metres. */
export interface LinkArea {
  a: number;
  b: number;
  polygon: [number, number][];
  cx: number;
  cy: number;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** What `decide` concluded: stay, change at a stair (seed in it), or change far from any stair. */
export type FloorChange = { kind: 'stay' } | { kind: 'link'; to: number; link: LinkArea } | { kind: 'far'; to: number };

export interface FloorSelectorOptions {
  /** dB another floor must beat the current one by (default 4). */
  hysteresisDb?: number;
  /** Scans in a row it must do so (default 2). */
  confirmScans?: number;
  /** Distance from a stair within which a floor change is plausible, m (default 6). */
  linkRadius?: number;
}

const STAY: FloorChange = { kind: 'stay' };

export class FloorSelector {
  private readonly hyst: number;
  private readonly confirm: number;
  private readonly linkRadius: number;
  private readonly links: LinkArea[];
  /** Per slot: the floor index that is winning (−1 none) and for how many scans in a row. */
  private pendFloor = new Int16Array(0);
  private pendCount = new Uint8Array(0);
  /** Scratch per floor: evidence (dBm) of the last `best` call, and the two strongest values. */
  private readonly evidence: Float64Array;
  private readonly top1: Float64Array;
  private readonly top2: Float64Array;

  constructor(private readonly beacons: BeaconTable, private readonly smoother: RssiSmoother, links: readonly FloorLink[], opts: FloorSelectorOptions = {}) {
    this.hyst = opts.hysteresisDb ?? 4;
    this.confirm = opts.confirmScans ?? 2;
    this.linkRadius = opts.linkRadius ?? 6;
    this.links = links.flatMap((l) => this.linkArea(l));
    const fl = beacons.floors.length;
    this.evidence = new Float64Array(fl);
    this.top1 = new Float64Array(fl);
    this.top2 = new Float64Array(fl);
  }

  grow(cap: number): void {
    const pf = new Int16Array(cap); pf.set(this.pendFloor); this.pendFloor = pf;
    const pc = new Uint8Array(cap); pc.set(this.pendCount); this.pendCount = pc;
  }

  /** Forgets a slot's pending change (a new device, or one re-initialised). */
  reset(slot: number): void {
    this.pendFloor[slot] = -1;
    this.pendCount[slot] = 0;
  }

  /** Floor index with the strongest smoothed evidence at scan time `t`. */
  best(slot: number, t: number): number {
    const ev = this.evidence;
    const fl = this.beacons.floors.length;
    const top1 = this.top1.fill(-Infinity);
    const top2 = this.top2.fill(-Infinity);
    this.smoother.forEach(slot, t, (b, v) => {
      const f = this.beacons.floor[b]!;
      if (v > top1[f]!) {
        top2[f] = top1[f]!;
        top1[f] = v;
      } else if (v > top2[f]!) top2[f] = v;
    });
    let best = 0;
    for (let f = 0; f < fl; f++) {
      ev[f] = top2[f] === -Infinity ? top1[f]! - 3 : (top1[f]! + top2[f]!) / 2;
      if (ev[f]! > ev[best]!) best = f;
    }
    return best;
  }

  /**
   * Whether a device on floor `cur`, estimated at (x, y) m, moves to `best` (the result of the
   * `best` call for this scan). Call once per scan: it counts the scans in a row.
   */
  decide(slot: number, cur: number, best: number, x: number, y: number): FloorChange {
    const ev = this.evidence;
    if (best === cur || !(ev[best]! > ev[cur]! + this.hyst)) {
      this.reset(slot);
      return STAY;
    }
    if (this.pendFloor[slot] === best) this.pendCount[slot] = Math.min(255, this.pendCount[slot]! + 1);
    else {
      this.pendFloor[slot] = best;
      this.pendCount[slot] = 1;
    }
    const count = this.pendCount[slot]!;
    const link = this.nearLink(cur, best, x, y);
    if (link ? count < Math.max(1, this.confirm - 1) : count < this.confirm) return STAY;
    if (!link && count < this.confirm * 3) return STAY;
    this.reset(slot);
    return link ? { kind: 'link', to: best, link } : { kind: 'far', to: best };
  }

  private nearLink(a: number, b: number, x: number, y: number): LinkArea | null {
    let best: LinkArea | null = null;
    let bestD = this.linkRadius;
    for (const l of this.links) {
      if (!((l.a === a && l.b === b) || (l.a === b && l.b === a))) continue;
      const dx = Math.max(l.minX - x, 0, x - l.maxX);
      const dy = Math.max(l.minY - y, 0, y - l.maxY);
      const d = Math.hypot(dx, dy);
      if (d <= bestD) {
        bestD = d;
        best = l;
      }
    }
    return best;
  }

  private linkArea(l: FloorLink): LinkArea[] {
    const a = this.beacons.floorIndexOf(l.floorA);
    const b = this.beacons.floorIndexOf(l.floorB);
    if (a < 0 || b < 0 || l.polygon.length < 3) return [];
    const xs = l.polygon.map((p) => p[0]);
    const ys = l.polygon.map((p) => p[1]);
    const minX = Math.min(...xs);
    const maxX = Math.max(...xs);
    const minY = Math.min(...ys);
    const maxY = Math.max(...ys);
    return [{ a, b, polygon: l.polygon, cx: (minX + maxX) / 2, cy: (minY + maxY) / 2, minX, minY, maxX, maxY }];
  }
}
