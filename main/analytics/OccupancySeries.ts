/**
 * Occupancy per zone (Count records) as series over time: one value per bucket = the latest
 * count at or before the bucket's end (a counter reports every few seconds; the last value is
 * what was true then), plus the total over zones. Buckets are (from + i·bucketMs, from + (i+1)·bucketMs].
 *
 * When a recording has no counts (e.g. a simulation run: agents as `/position`), `people` is the
 * number of distinct positioned ids seen in each bucket. Pure; fed in time order by analyseWindow.ts.
 */
import type { CountRecord } from '../../common/records.js';
import type { OccupancyResult } from '../../common/replay.js';
export type { OccupancyResult };


export class OccupancySeries {
  private readonly buckets: number;
  private readonly latest = new Map<string, (number | null)[]>();
  private readonly positioned: Set<string>[];

  /**
   * `covered`: the spans the recording has data in (source ms; Recording.spans, one per file). A bucket that meets none
   * (past the end, or in a gap between two sessions of a folder) has no count ("no data"), and the last count is not
   * carried over it: it was, so a window past the end of a 5 s recording exported 100 s of people, and the minutes
   * between two sessions read as the first session's last count.
   */
  constructor(private readonly from: number, private readonly to: number, private readonly bucketMs: number, private readonly covered: readonly { start: number; end: number }[] = [{ start: -Infinity, end: Infinity }]) {
    if (!(bucketMs > 0) || !(to > from)) throw new Error(`OccupancySeries: need bucketMs > 0 and to > from (got ${bucketMs}, ${from}..${to})`);
    this.buckets = Math.ceil((to - from) / bucketMs);
    this.positioned = Array.from({ length: this.buckets }, () => new Set<string>());
  }

  /** The zone counts in force at `from` (the seek result), so series start with the right value. */
  seed(counts: readonly CountRecord[]): void {
    for (const c of counts) this.values(c.zone)[0] ??= c.count;
  }

  addCount(c: CountRecord): void {
    const b = this.bucketOf(c.t);
    if (b >= 0) this.values(c.zone)[b] = c.count;
  }

  addPosition(id: string, t: number): void {
    const b = this.bucketOf(t);
    if (b >= 0) this.positioned[b]!.add(id);
  }

  result(): OccupancyResult {
    const times = Array.from({ length: this.buckets }, (_, i) => Math.min(this.to, this.from + (i + 1) * this.bucketMs));
    const zones = [...this.latest].sort(([a], [b]) => a.localeCompare(b)).map(([zone, v]) => {
      const values: (number | null)[] = [];
      let carry: number | null = null;
      for (let i = 0; i < this.buckets; i++) {
        if (this.hasData(i)) values.push((carry = v[i] ?? carry));
        else { values.push(null); carry = null; }
      }
      return { zone, values };
    });
    const total = times.map((_, i) => {
      let sum: number | null = null;
      for (const z of zones) if (z.values[i] !== null) sum = (sum ?? 0) + z.values[i]!;
      return sum;
    });
    const hasCounts = zones.length > 0;
    const hasPositions = this.positioned.some((s) => s.size > 0);
    return {
      from: this.from, to: this.to, bucketMs: this.bucketMs, times, zones, total,
      people: hasCounts ? total.map((v) => v ?? 0) : this.positioned.map((s) => s.size),
      basis: hasCounts ? 'zone counts' : hasPositions ? 'positioned ids' : 'none',
    };
  }

  /** Whether bucket i, (from + i·bucketMs, from + (i+1)·bucketMs], meets a span with data. */
  private hasData(i: number): boolean {
    const a = this.from + i * this.bucketMs, b = a + this.bucketMs;
    return this.covered.some((s) => a < s.end && b >= s.start);
  }

  private values(zone: string): (number | null)[] {
    let v = this.latest.get(zone);
    if (!v) this.latest.set(zone, (v = []));
    return v;
  }

  private bucketOf(t: number): number {
    if (t < this.from || t > this.to) return -1;
    return Math.min(this.buckets - 1, Math.max(0, Math.ceil((t - this.from) / this.bucketMs) - 1));
  }
}
