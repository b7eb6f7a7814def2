/**
 * The tag-carrying people of the testbed: walk between spaces, dwell, walk on.
 *
 * Columns by slot (typed arrays, no per-person objects): position (m, building frame), storey,
 * free walking speed (normal 1.34 ± 0.26 m/s clipped to 0.5–2.2, pedestrian.md), the current
 * route as up to MAX_WAYPOINTS waypoints per person in one flat buffer, and the time of the
 * next phone scan. Destinations: mostly the same storey (75 %), weighted by usage (offices and
 * labs draw people, corridors are passed through); dwell times by usage. Stairs are walked at
 * half speed and the storey switches half-way up the flight.
 */
import type { SeededRandom } from './SeededRandom.js';
import type { TestbedSpaceUsage } from '../../../common/testbedLayout.js';
import type { WalkGraph } from '../../../workers/testbed/WalkGraph.js';

/** Longest route a person can hold (waypoints). */
export const MAX_WAYPOINTS = 48;
const STAIR_SPEED_FACTOR = 0.5;

const MODE_DWELL = 0;
const MODE_WALK = 1;

/** Destination weight per m² by space usage: a space draws people in proportion to its area times this. */
const USAGE_WEIGHT: Record<TestbedSpaceUsage, number> = { office: 3, lab: 2, atrium: 1.5, hall: 1.2, lobby: 1.2, corridor: 0.3, service: 0.1, stair: 0 };
/** Mean dwell time by usage, s. */
const USAGE_DWELL_S: Record<TestbedSpaceUsage, number> = { office: 420, lab: 360, atrium: 120, hall: 120, lobby: 90, corridor: 20, service: 60, stair: 5 };

export class Crowd {
  readonly count: number;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly storey: Int32Array;
  /** Space the person is in or walking to (index into graph.spaces). */
  readonly space: Int32Array;
  readonly speed: Float32Array;
  readonly mode: Uint8Array;
  /** Simulated seconds since start when the current dwell ends. */
  readonly dwellUntil: Float64Array;
  readonly nextScan: Float64Array;
  private readonly wpX: Float64Array;
  private readonly wpY: Float64Array;
  private readonly wpStorey: Int32Array;
  private readonly wpLen: Int32Array;
  private readonly wpIdx: Int32Array;
  /** Length of the current stair segment in plan (m), 0 on level segments. */
  private readonly stairLen: Float64Array;
  private readonly destWeights: Float64Array;
  private readonly route = { x: new Float64Array(MAX_WAYPOINTS), y: new Float64Array(MAX_WAYPOINTS), storey: new Int32Array(MAX_WAYPOINTS) };

  constructor(
    private readonly graph: WalkGraph,
    count: number,
    private readonly rand: SeededRandom,
  ) {
    this.count = count;
    this.x = new Float64Array(count);
    this.y = new Float64Array(count);
    this.storey = new Int32Array(count);
    this.space = new Int32Array(count);
    this.speed = new Float32Array(count);
    this.mode = new Uint8Array(count);
    this.dwellUntil = new Float64Array(count);
    this.nextScan = new Float64Array(count);
    this.wpX = new Float64Array(count * MAX_WAYPOINTS);
    this.wpY = new Float64Array(count * MAX_WAYPOINTS);
    this.wpStorey = new Int32Array(count * MAX_WAYPOINTS);
    this.wpLen = new Int32Array(count);
    this.wpIdx = new Int32Array(count);
    this.stairLen = new Float64Array(count);
    // Area, not √area: with √area a 1.5 m² closet drew 2.5× the people per m² of a 20 m² office, and on office-a
    // (1 631 tags) spaces under 10 m² averaged 1.12 P/m² against 0.45 elsewhere: false crowding alerts in closets.
    this.destWeights = Float64Array.from(graph.spaces, (s) => USAGE_WEIGHT[s.usage] * s.area);
    const uniform = () => rand.next();
    for (let i = 0; i < count; i++) {
      const sp = this.pickSpace(-1);
      const [x, y] = graph.randomPointIn(sp, uniform);
      this.x[i] = x;
      this.y[i] = y;
      this.space[i] = sp;
      this.storey[i] = graph.spaces[sp]!.storey;
      this.speed[i] = Math.min(2.2, Math.max(0.5, rand.normal(1.34, 0.26)));
      this.mode[i] = MODE_DWELL;
      this.dwellUntil[i] = rand.range(0, 2 * this.dwellMean(sp));
      this.nextScan[i] = rand.range(0, 1);
    }
  }

  /** Number of people walking right now. */
  walking(): number {
    let n = 0;
    for (let i = 0; i < this.count; i++) n += this.mode[i]!;
    return n;
  }

  /** Advances everyone by dt seconds; `now` is simulated seconds since start at the end of the step. */
  step(now: number, dt: number): void {
    const uniform = () => this.rand.next();
    for (let i = 0; i < this.count; i++) {
      if (this.mode[i] === MODE_DWELL) {
        if (now < this.dwellUntil[i]!) continue;
        this.depart(i, uniform, now);
        if (this.mode[i] !== MODE_WALK) continue;
      }
      let budget = this.speed[i]! * dt;
      while (budget > 0) {
        const base = i * MAX_WAYPOINTS;
        const k = this.wpIdx[i]!;
        const tx = this.wpX[base + k]!, ty = this.wpY[base + k]!, ts = this.wpStorey[base + k]!;
        const onStair = this.stairLen[i]! > 0;
        const dx = tx - this.x[i]!, dy = ty - this.y[i]!;
        const d = Math.hypot(dx, dy);
        const can = onStair ? budget * STAIR_SPEED_FACTOR : budget;
        if (d <= can) {
          this.x[i] = tx; this.y[i] = ty; this.storey[i] = ts;
          budget -= onStair ? d / STAIR_SPEED_FACTOR : d;
          this.advanceWaypoint(i, now);
          if (this.mode[i] !== MODE_WALK) break;
        } else {
          this.x[i] = this.x[i]! + (dx / d) * can;
          this.y[i] = this.y[i]! + (dy / d) * can;
          // Half-way up (or down) a flight the person is on the other storey.
          if (onStair && d - can < this.stairLen[i]! / 2) this.storey[i] = ts;
          budget = 0;
        }
      }
    }
  }

  private depart(i: number, uniform: () => number, now: number): void {
    const from = this.space[i]!;
    const to = this.pickSpace(this.graph.spaces[from]!.storey);
    const [tx, ty] = this.graph.randomPointIn(to, uniform);
    const n = this.graph.route(from, this.x[i]!, this.y[i]!, to, tx, ty, this.route);
    if (n === 0) {
      this.dwellUntil[i] = now + this.rand.range(5, 30);
      return;
    }
    const base = i * MAX_WAYPOINTS;
    this.wpX.set(this.route.x.subarray(0, n), base);
    this.wpY.set(this.route.y.subarray(0, n), base);
    this.wpStorey.set(this.route.storey.subarray(0, n), base);
    this.wpLen[i] = n;
    this.wpIdx[i] = -1;
    this.space[i] = to;
    this.mode[i] = MODE_WALK;
    this.advanceWaypoint(i, now);
  }

  /** Moves to the next waypoint, or starts dwelling when the route is done. */
  private advanceWaypoint(i: number, now: number): void {
    const k = this.wpIdx[i]! + 1;
    if (k >= this.wpLen[i]!) {
      this.mode[i] = MODE_DWELL;
      this.stairLen[i] = 0;
      const mean = this.dwellMean(this.space[i]!);
      this.dwellUntil[i] = now + Math.min(6 * mean, Math.max(10, this.rand.exponential(mean)));
      return;
    }
    this.wpIdx[i] = k;
    const base = i * MAX_WAYPOINTS;
    const changes = this.wpStorey[base + k] !== this.storey[i];
    this.stairLen[i] = changes ? Math.hypot(this.wpX[base + k]! - this.x[i]!, this.wpY[base + k]! - this.y[i]!) || 1e-6 : 0;
  }

  private dwellMean(space: number): number {
    return USAGE_DWELL_S[this.graph.spaces[space]!.usage];
  }

  /** A destination space: the given storey with p = 0.75 (any storey when -1 or otherwise). */
  private pickSpace(storey: number): number {
    const sameStorey = storey >= 0 && this.rand.chance(0.75);
    const w = this.destWeights;
    let total = 0;
    for (let s = 0; s < w.length; s++) if (!sameStorey || this.graph.spaces[s]!.storey === storey) total += w[s]!;
    let r = this.rand.next() * total;
    for (let s = 0; s < w.length; s++) {
      if (sameStorey && this.graph.spaces[s]!.storey !== storey) continue;
      r -= w[s]!;
      if (r <= 0 && w[s]! > 0) return s;
    }
    for (let s = w.length - 1; s >= 0; s--) if (w[s]! > 0) return s;
    return 0;
  }
}
