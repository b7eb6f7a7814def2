/**
 * Flows through doors and dwell times per space, from positioned people's tracks and the
 * building's spaces (footprint polygons per storey).
 *
 * A device is in the space whose polygon holds its position (none when outside every space).
 * When it is seen in another space for `confirmSamples` consecutive samples (default 2: one noisy
 * fix near a wall is not a crossing), that is one crossing from the old space to the new one,
 * named after the door joining them when the building has one (else "A→B"), and a finished
 * visit of the old space (dwell = time from its first to its last sample there... until the
 * crossing). Visits still open at the window's end are counted as open, not as dwell samples.
 */
import type { PositionRecord } from '../../common/records.js';
import type { FlowRow, DwellRow, SpaceFlowsResult } from '../../common/replay.js';
export type { FlowRow, DwellRow, SpaceFlowsResult };

export interface SpaceShape {
  id: string;
  floor: string;
  polygon: [number, number][];
}
export interface DoorLink {
  id: string;
  between: [string, string];
}




interface Track {
  space: string | null;
  since: number;
  candidate: string | null;
  seen: number;
}

export class SpaceFlows {
  private readonly byFloor = new Map<string, { id: string; polygon: [number, number][]; box: [number, number, number, number] }[]>();
  private readonly doorOf = new Map<string, string>();
  private readonly tracks = new Map<string, Track>();
  private readonly flows = new Map<string, FlowRow>();
  private readonly dwell = new Map<string, number[]>();
  private readonly buckets: number;

  constructor(spaces: readonly SpaceShape[], doors: readonly DoorLink[], private readonly window: { from: number; to: number; bucketMs: number }, private readonly confirmSamples = 2) {
    for (const s of spaces) {
      const xs = s.polygon.map((p) => p[0]);
      const ys = s.polygon.map((p) => p[1]);
      let list = this.byFloor.get(s.floor);
      if (!list) this.byFloor.set(s.floor, (list = []));
      list.push({ id: s.id, polygon: s.polygon, box: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] });
    }
    for (const d of doors) {
      this.doorOf.set(`${d.between[0]}|${d.between[1]}`, d.id);
      this.doorOf.set(`${d.between[1]}|${d.between[0]}`, d.id);
    }
    this.buckets = Math.max(1, Math.ceil((window.to - window.from) / window.bucketMs));
  }

  /** Space id holding a point, or null. */
  locate(floor: string, x: number, y: number): string | null {
    for (const s of this.byFloor.get(floor) ?? []) {
      if (x < s.box[0] || x > s.box[2] || y < s.box[1] || y > s.box[3]) continue;
      if (inside(s.polygon, x, y)) return s.id;
    }
    return null;
  }

  add(p: PositionRecord): void {
    if (p.floor === undefined || p.x === undefined || p.y === undefined) return;
    const space = this.locate(p.floor, p.x, p.y);
    const tr = this.tracks.get(p.id);
    if (!tr) {
      this.tracks.set(p.id, { space, since: p.t, candidate: null, seen: 0 });
      return;
    }
    if (space === tr.space) {
      tr.candidate = null;
      tr.seen = 0;
      return;
    }
    if (space !== tr.candidate) {
      tr.candidate = space;
      tr.seen = 0;
    }
    if (++tr.seen < this.confirmSamples) return;
    if (tr.space !== null && space !== null && p.t >= this.window.from) this.cross(tr.space, space, p.t);
    if (tr.space !== null && p.t >= this.window.from && tr.since >= this.window.from) {
      let list = this.dwell.get(tr.space);
      if (!list) this.dwell.set(tr.space, (list = []));
      list.push((p.t - tr.since) / 1000);
    }
    tr.space = space;
    tr.since = p.t;
    tr.candidate = null;
    tr.seen = 0;
  }

  result(): SpaceFlowsResult {
    const open = new Map<string, number>();
    for (const tr of this.tracks.values()) if (tr.space) open.set(tr.space, (open.get(tr.space) ?? 0) + 1);
    const spaces = new Set([...this.dwell.keys(), ...open.keys()]);
    const dwell: DwellRow[] = [...spaces].sort().map((space) => {
      const v = [...(this.dwell.get(space) ?? [])].sort((a, b) => a - b);
      const q = (f: number) => (v.length ? v[Math.min(v.length - 1, Math.floor(f * v.length))]! : 0);
      const mean = v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0;
      return { space, visits: v.length, meanS: round(mean), medianS: round(q(0.5)), p90S: round(q(0.9)), open: open.get(space) ?? 0 };
    });
    const times = Array.from({ length: this.buckets }, (_, i) => Math.min(this.window.to, this.window.from + (i + 1) * this.window.bucketMs));
    return { bucketMs: this.window.bucketMs, times, flows: [...this.flows.values()].sort((a, b) => b.total - a.total || a.door.localeCompare(b.door)), dwell };
  }

  private cross(from: string, to: string, t: number): void {
    if (t > this.window.to) return;
    const key = `${from}|${to}`;
    let row = this.flows.get(key);
    if (!row) this.flows.set(key, (row = { door: this.doorOf.get(key) ?? `${from}→${to}`, from, to, counts: new Array<number>(this.buckets).fill(0), total: 0 }));
    const b = Math.min(this.buckets - 1, Math.max(0, Math.ceil((t - this.window.from) / this.window.bucketMs) - 1));
    row.counts[b]!++;
    row.total++;
  }
}

/** Even-odd point-in-polygon test. */
function inside(poly: [number, number][], x: number, y: number): boolean {
  let c = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]!;
    const [xj, yj] = poly[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
