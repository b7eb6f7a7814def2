/**
 * The people-flow engine: collision-free speed model (Tordeux, Chraibi, Seyfried 2016, as in
 * JuPedSim's CollisionFreeSpeedModel) on exit distance fields (workers/nav).
 *
 * Per agent: direction e = normalise(e0 + Σ neighbour repulsion + wall repulsion), where e0 is the
 * field's walking direction; speed v = min(v0 · zone factor, max(0, s / T)) with s the smallest gap
 * to a neighbour ahead in e's corridor (width = sum of radii) and T the time gap. First order: the
 * velocity is set, not integrated, so the model is collision-free for dt ≤ T.
 *
 * State is columns (structure of arrays) indexed by slot: agents first, then robots (kinematic
 * moving obstacles). `step()` runs the stages in this fixed order and advances the clock:
 *   1 robots move along their routes        2 link (stairs) arrivals are placed on their floor
 *   3 route choice (every 2 s, 'quickest')  4 cell lists rebuilt (counting sort, 0.9 m cells)
 *   5 velocities from positions only (pure)   6 move, slide along walls, walked distance
 *     (stages 5 and 6 run slot by slot in slotStages.ts, on two threads for big runs)
 *   7 events: exits, link entries, line crossings   8 clock += dt
 */
import type { Scenario } from '../../common/scenario.js';
import type { ExitField, NavMap } from '../nav/NavMap.js';
import { orient } from '../nav/planarGeometry.js';
import { DEFAULT_SPEED, sampleDistribution } from './sampleDistribution.js';
import { allowedExits, placeAgents } from './placeAgents.js';
import { SeededRandom } from './SeededRandom.js';
import { AgentState, MODEL } from './model.js';
import { NEIGHBOUR_ROWS, presentSlots, stepChunks, stepSlots, type SlotColumns, type SlotHelper } from './slotStages.js';

export { AgentState, MODEL } from './model.js';

/** When a landing (the floor around a link's far end) is full, see placeArrivals: people per m² within radius m. */
export const LANDING = { radius: 2.0, density: 2.0 } as const;

export interface LineCrossing { line: number; agent: number; t: number; dir: 1 | -1 }

export class Simulation {
  readonly nav: NavMap;
  readonly scenario: Scenario;
  readonly dt: number;
  /** Simulated time, s. */
  t = 0;
  /** Number of people (slots 0..agents-1); robots follow. */
  readonly agents: number;
  readonly slots: number;
  readonly x: Float64Array; readonly y: Float64Array;
  readonly vx: Float64Array; readonly vy: Float64Array;
  readonly radius: Float64Array; readonly v0: Float64Array;
  readonly floor: Int16Array; readonly state: Uint8Array;
  readonly group: Int16Array; readonly target: Int16Array;
  readonly startTime: Float64Array; readonly exitTime: Float64Array;
  readonly exitUsed: Int16Array; readonly walked: Float64Array;
  readonly startX: Float64Array; readonly startY: Float64Array;
  /** Per agent: 1 can reach an allowed exit; 0 no route at all; 2 only through gaps narrower than its body (shut in, see placeAgents). */
  readonly reachable: Uint8Array;
  /** Agents still inside (waiting, walking, in transit). */
  remaining: number;
  /** Agents that can reach no exit (state Stuck from the start: reachable 0 or 2). */
  unreachable = 0;
  agentSteps = 0;
  readonly crossings: LineCrossing[] = [];

  private readonly allowed: number[][];
  /** New velocity per sorted position (stage 5 → stage 6), m/s. */
  private readonly nvx: Float64Array; private readonly nvy: Float64Array;
  private readonly px: Float64Array; private readonly py: Float64Array;
  /** Portal index under each agent after stage 6 (-1: none). */
  private readonly hit: Int16Array;
  /** Floor index of each measurement line. */
  private readonly lineFloor: Int32Array;
  private readonly transitLink: Int16Array; private readonly transitRev: Uint8Array;
  private readonly transitFrac: Float64Array; private readonly transitUntil: Float64Array;
  private readonly linkFree: Float64Array;
  /** People on each link (in transit, walking or waiting to step off), see tryEnterLink. */
  private readonly onLink: Int32Array;
  // Cell lists: per floor a grid of 1 m cells, all floors in one index space.
  private readonly cellOff: Int32Array; private readonly cnx: Int32Array; private readonly cny: Int32Array;
  private readonly cx0: Float64Array; private readonly cy0: Float64Array;
  private readonly cellStart: Int32Array; private readonly cellOf: Int32Array;
  private readonly order: Int32Array; private readonly cursor: Int32Array;
  // Sorted copies (stage 4, cell order) of what stages 5 and 6 read, so that both read sequentially.
  private readonly sx: Float64Array; private readonly sy: Float64Array; private readonly sr: Float64Array;
  private readonly sv0: Float64Array; private readonly sState: Uint8Array; private readonly sFloor: Int16Array; private readonly sTarget: Int16Array;
  /** Travel time left to each slot's exit at its cell after its last move, s (robots: −∞): who is ahead on the way out (see computeVelocities in slotStages). */
  private readonly left: Float64Array; private readonly sLeft: Float64Array;
  /** Wall distance at each walking slot's position, from stage 5 for its stage 6 (see moveSlots in slotStages), m. */
  private readonly sWall: Float64Array;
  private readonly robotRoute: [number, number][][]; private readonly robotLen: number[];
  /** Largest body radius of any slot (agents and robots), m: bounds the neighbour search. */
  readonly rmax: number;
  private nextReroute = 0;
  /** Agents still in their pre-movement time (state Waiting). */
  private waiting = 0;
  /** Largest distance any slot has moved since the cell lists were built (stage 4), m; -1: no lists yet. */
  private movedSinceCells = -1;
  /** Agents placed by stage 2 in the current step (they are in no cell list yet). */
  private readonly placedNow: number[] = [];
  /** Per link end (2 k: from, 2 k + 1: to): people its landing still takes in this step (NaN: not yet counted), and its walkable m² (-1: not yet measured). */
  private readonly landingFree: Float64Array; private readonly landingArea: Float64Array;
  /** What stages 5 and 6 read and write (sorted columns, cell lists, velocities, positions): shared memory with `shareColumns`. */
  readonly columns: SlotColumns;
  /** A second thread taking chunks of stages 5 and 6 beside this one (useSlotHelper), or null. */
  private helper: SlotHelper | null = null;
  /** Farthest move of this thread's slots in the last stage 6, m. */
  private readonly maxMoved = new Float64Array(1);
  private readonly nb = new Float64Array(4 * NEIGHBOUR_ROWS);

  /**
   * @param opts.shareColumns put what stages 5 and 6 read and write in SharedArrayBuffers, so that a
   *   second thread can compute part of it (useSlotHelper).
   */
  constructor(scenario: Scenario, nav: NavMap, seed: number, opts: { shareColumns?: boolean } = {}) {
    this.scenario = scenario; this.nav = nav;
    this.dt = Math.min(0.1, Math.max(0.005, scenario.dt ?? 0.05));
    const rng = new SeededRandom(seed);
    const placed = placeAgents(scenario, nav, rng);
    const robots = scenario.obstaclesMoving ?? [];
    const n = placed.length, m = n + robots.length;
    this.agents = n; this.slots = m; this.remaining = n;
    const f64 = () => new Float64Array(m);
    // The columns of stages 5 and 6 (slotStages), in shared memory when a second thread is to use them.
    const share = opts.shareColumns === true;
    const c64 = (n: number) => (share ? new Float64Array(new SharedArrayBuffer(8 * n)) : new Float64Array(n));
    const c32 = (n: number) => (share ? new Int32Array(new SharedArrayBuffer(4 * n)) : new Int32Array(n));
    const c16 = (n: number) => (share ? new Int16Array(new SharedArrayBuffer(2 * n)) : new Int16Array(n));
    this.x = c64(m); this.y = c64(m); this.vx = c64(m); this.vy = c64(m); this.radius = f64(); this.v0 = f64();
    this.startTime = f64(); this.exitTime = new Float64Array(m).fill(NaN); this.walked = c64(m);
    this.startX = f64(); this.startY = f64(); this.nvx = c64(m); this.nvy = c64(m); this.px = c64(m); this.py = c64(m);
    this.transitFrac = f64(); this.transitUntil = f64(); this.sx = c64(m); this.sy = c64(m); this.sr = c64(m); this.sv0 = c64(m);
    this.sState = share ? new Uint8Array(new SharedArrayBuffer(m)) : new Uint8Array(m); this.sFloor = c16(m); this.sTarget = c16(m); this.sLeft = c64(m); this.sWall = c64(m); this.left = c64(m).fill(-Infinity);
    this.floor = new Int16Array(m); this.state = new Uint8Array(m); this.group = new Int16Array(m).fill(-1);
    this.target = new Int16Array(m).fill(-1); this.exitUsed = new Int16Array(m).fill(-1);
    this.transitLink = new Int16Array(m).fill(-1); this.transitRev = new Uint8Array(m); this.reachable = new Uint8Array(m);
    this.hit = c16(m).fill(-1);
    this.lineFloor = Int32Array.from(scenario.measurements?.lines ?? [], (l) => nav.floorIndex.get(l.floor) ?? -1);
    this.cellOf = new Int32Array(m); this.order = c32(m);
    this.linkFree = new Float64Array(nav.links.length); this.onLink = new Int32Array(nav.links.length);
    this.landingFree = new Float64Array(2 * nav.links.length); this.landingArea = new Float64Array(2 * nav.links.length).fill(-1);
    this.allowed = allowedExits(scenario, nav);
    placed.forEach((p, i) => {
      const g = scenario.agentGroups[p.group]!;
      this.x[i] = this.startX[i] = p.x; this.y[i] = this.startY[i] = p.y; this.floor[i] = p.floor;
      this.radius[i] = p.radius; this.group[i] = p.group;
      this.v0[i] = sampleDistribution(g.speed ?? DEFAULT_SPEED, rng);
      this.startTime[i] = g.premovement ? sampleDistribution(g.premovement, rng) : 0;
      let best = -1, bestCost = Infinity;
      for (const e of this.allowed[p.group]!) {
        const c = nav.value(nav.fields[e]!, p.floor, p.x, p.y);
        if (c < bestCost) { bestCost = c; best = e; }
      }
      this.target[i] = best; this.left[i] = bestCost;
      // Shut in: the field runs through gaps narrower than the body, which would walk on the spot until maxTime.
      const out = best >= 0 && !p.shutIn;
      this.reachable[i] = out ? 1 : best >= 0 ? 2 : 0;
      this.state[i] = out ? (this.startTime[i]! <= 0 ? AgentState.Walking : AgentState.Waiting) : AgentState.Stuck;
      if (!out) { this.remaining--; this.unreachable++; }
      else if (this.state[i] === AgentState.Waiting) this.waiting++;
    });
    this.robotRoute = robots.map((r) => r.route);
    this.robotLen = robots.map((r) => r.route.slice(1).reduce((s, p, k) => s + Math.hypot(p[0] - r.route[k]![0], p[1] - r.route[k]![1]), 0));
    robots.forEach((r, k) => {
      const i = n + k;
      this.radius[i] = r.radius; this.floor[i] = nav.floorIndex.get(r.floor)!; this.state[i] = AgentState.Walking;
      this.v0[i] = r.speed; this.x[i] = r.route[0]![0]; this.y[i] = r.route[0]![1];
    });
    let rmax = 0;
    for (let i = 0; i < m; i++) if (this.radius[i]! > rmax) rmax = this.radius[i]!;
    this.rmax = rmax;
    const G = nav.grids.length;
    this.cellOff = c32(G + 1); this.cnx = c32(G); this.cny = c32(G);
    this.cx0 = c64(G); this.cy0 = c64(G);
    nav.grids.forEach((g, f) => {
      this.cx0[f] = g.x0; this.cy0[f] = g.y0;
      this.cnx[f] = Math.ceil((g.nx * g.h) / MODEL.cell); this.cny[f] = Math.ceil((g.ny * g.h) / MODEL.cell);
      this.cellOff[f + 1] = this.cellOff[f]! + this.cnx[f]! * this.cny[f]!;
    });
    this.cellStart = c32(this.cellOff[G]! + 2);
    this.cursor = new Int32Array(this.cellOff[G]! + 2);
    const { sx, sy, sr, sv0, sState, sFloor, sTarget, sLeft, sWall, order, cellOff, cnx, cny, cx0, cy0, cellStart, nvx, nvy, x, y, vx, vy, px, py, walked, hit, left } = this;
    this.columns = { sx, sy, sr, sv0, sState, sFloor, sTarget, sLeft, sWall, order, cellOff, cnx, cny, cx0, cy0, cellStart, nvx, nvy, x, y, vx, vy, px, py, walked, hit, left };
  }

  /** Agents that have left through an exit. */
  get evacuated(): number { return this.agents - this.remaining - this.unreachable; }
  /** True when nothing is left to simulate: everybody out or stuck, or maxTime reached. */
  get done(): boolean { return this.remaining <= 0 || this.t >= this.scenario.maxTime - 1e-9; }

  /** One time step; the stage order is documented at the top of this file. */
  step(): void {
    this.moveRobots();
    this.placeArrivals();
    if (this.t >= this.nextReroute) { this.reroute(); this.nextReroute = this.t + MODEL.rerouteInterval; }
    if (this.waiting > 0) {
      for (let i = 0; i < this.agents; i++) if (this.state[i] === AgentState.Waiting && this.t >= this.startTime[i]!) { this.state[i] = AgentState.Walking; this.waiting--; }
    }
    this.buildCells();
    this.velocitiesAndMoves();
    this.events();
    this.t += this.dt;
  }

  private fieldOf(i: number): ExitField { return this.nav.fields[this.target[i]!]!; }

  /** Stage 1: robots advance along their polyline routes at constant speed (loop or stop at the end). */
  private moveRobots(): void {
    const robots = this.scenario.obstaclesMoving ?? [];
    robots.forEach((r, k) => {
      const i = this.agents + k, route = this.robotRoute[k]!, total = this.robotLen[k]!;
      let s = Math.max(0, this.t - (r.start ?? 0)) * r.speed;
      s = r.loop ? s % (total + Math.hypot(route[0]![0] - route[route.length - 1]![0], route[0]![1] - route[route.length - 1]![1]) || 1) : Math.min(s, total);
      const pts = r.loop ? [...route, route[0]!] : route;
      const ox = this.x[i]!, oy = this.y[i]!;
      for (let p = 0; p + 1 < pts.length; p++) {
        const [ax, ay] = pts[p]!, [bx, by] = pts[p + 1]!;
        const len = Math.hypot(bx - ax, by - ay);
        if (s <= len || p + 2 === pts.length) { const u = len > 0 ? Math.min(1, s / len) : 0; this.x[i] = ax + (bx - ax) * u; this.y[i] = ay + (by - ay) * u; break; }
        s -= len;
      }
      this.vx[i] = (this.x[i]! - ox) / this.dt; this.vy[i] = (this.y[i]! - oy) / this.dt;
      this.noteMoved(Math.hypot(this.x[i]! - ox, this.y[i]! - oy));
    });
  }

  /**
   * Stage 2: agents whose link traversal is over step off its far end onto the landing: in the first free
   * spot of two rows beyond the end, across the flight's whole width, nearest their own lane. Nobody steps
   * off while the landing is full (more than LANDING.density people per m² of walkable floor within
   * LANDING.radius of the end's middle): they wait on the stairs, as people do. One row with no such rule
   * fed a 1.5 m flight's foot at 0.9 P/s; rows with no rule overfilled the room behind it until it locked.
   */
  private placeArrivals(): void {
    this.placedNow.length = 0;
    this.landingFree.fill(NaN);
    for (let i = 0; i < this.agents; i++) {
      if (this.state[i] !== AgentState.Transit || this.t < this.transitUntil[i]!) continue;
      const k = this.transitLink[i]!, rev = this.transitRev[i] === 1, end = 2 * k + (rev ? 0 : 1);
      const l = this.nav.links[k]!;
      const f = rev ? l.fromFloor : l.toFloor, [[ax, ay], [bx, by]] = rev ? l.from : l.to;
      if (Number.isNaN(this.landingFree[end]!)) this.landingFree[end] = this.landingRoom(end, f, ax, ay, bx, by);
      if (this.landingFree[end]! < 1) continue;
      const g = this.nav.grids[f]!, r = this.radius[i]!;
      const len = Math.hypot(bx - ax, by - ay), nx = -(by - ay) / len, ny = (bx - ax) / len;
      const lanes = Math.max(1, Math.ceil(len / r));
      let placed = false;
      for (let row = 0; row < 2 && !placed; row++) {
        const off = r + 0.1 + row * (2 * r + 0.05);
        for (let q = 0; q < 2 * lanes + 1 && !placed; q++) {
          const du = q === 0 ? 0 : (q & 1 ? 1 : -1) * ((q + 1) >> 1) * r;
          const u = Math.min(1 - r / len, Math.max(r / len, this.transitFrac[i]! + du / len));
          const mx = ax + (bx - ax) * u, my = ay + (by - ay) * u;
          let best = -1, bx2 = 0, by2 = 0;
          for (const side of [1, -1]) {
            const qx = mx + side * nx * off, qy = my + side * ny * off;
            const w = g.isWalkable(qx, qy) ? g.sampleWallDist(qx, qy) : -1;
            if (w > best) { best = w; bx2 = qx; by2 = qy; }
          }
          if (best < r || !this.roomAt(f, bx2, by2, r, i)) continue;
          this.x[i] = bx2; this.y[i] = by2; this.floor[i] = f; this.state[i] = AgentState.Walking;
          this.vx[i] = 0; this.vy[i] = 0; this.left[i] = this.nav.value(this.fieldOf(i), f, bx2, by2);
          this.placedNow.push(i);
          this.onLink[k]!--;
          this.landingFree[end]!--;
          placed = true;
        }
      }
    }
  }

  /** How many more people the landing at link end `end` (segment a–b on floor f) takes before it holds LANDING.density P/m². */
  private landingRoom(end: number, f: number, ax: number, ay: number, bx: number, by: number): number {
    const g = this.nav.grids[f]!, R = LANDING.radius, mx = (ax + bx) / 2, my = (ay + by) / 2;
    let area = this.landingArea[end]!;
    if (area < 0) {
      let cells = 0;
      for (let y = my - R + g.h / 2; y < my + R; y += g.h) for (let x = mx - R + g.h / 2; x < mx + R; x += g.h) {
        if ((x - mx) ** 2 + (y - my) ** 2 <= R * R && g.isWalkable(x, y)) cells++;
      }
      area = this.landingArea[end] = cells * g.h * g.h;
    }
    const { x: X, y: Y, state, floor } = this;
    const near = (j: number): number => {
      if (floor[j] !== f) return 0;
      const s = state[j];
      if (s === AgentState.Out || s === AgentState.Transit) return 0;
      const dx = X[j]! - mx, dy = Y[j]! - my;
      return dx * dx + dy * dy <= R * R ? 1 : 0;
    };
    let count = 0;
    this.everyNear(f, mx, my, R + this.movedSinceCells, (j) => { count += near(j); return true; });
    return Math.floor(LANDING.density * area) - count;
  }

  private noteMoved(d: number): void {
    if (this.movedSinceCells >= 0 && d > this.movedSinceCells) this.movedSinceCells = d;
  }

  /**
   * True when a body of radius r at (x, y) on floor f overlaps no present slot. It searches the last
   * cell lists (stage 4 of the previous step) widened by the farthest any slot has moved since, then
   * tests current positions, plus the agents placed earlier in this stage, which are in no list: the
   * same answer as testing every slot, without the O(slots) scan per try that made arrivals at a
   * crowded landing cost ~20 % of a dense evacuation's step.
   */
  private roomAt(f: number, x: number, y: number, r: number, self: number): boolean {
    const { x: X, y: Y, radius, state, floor } = this;
    const clear = (j: number): boolean => {
      if (j === self || floor[j] !== f) return true;
      const s = state[j];
      if (s === AgentState.Out || s === AgentState.Transit) return true;
      const dx = X[j]! - x, dy = Y[j]! - y, l = r + radius[j]!;
      return dx * dx + dy * dy >= l * l;
    };
    return this.everyNear(f, x, y, r + this.rmax + this.movedSinceCells + 1e-9, clear);
  }

  /**
   * True when `test` holds for every slot that may lie within `reach` of (x, y) on floor f: those in the last cell
   * lists' cells within `reach` (callers widen it by how far slots have moved since, `movedSinceCells`) and the
   * agents placed in this step, which are in no list; every slot while there are no lists yet. Stops at the first
   * false. Slots on other floors, out or in transit may be passed to `test`, which must skip them.
   */
  private everyNear(f: number, x: number, y: number, reach: number, test: (j: number) => boolean): boolean {
    if (this.movedSinceCells < 0) {
      for (let j = 0; j < this.slots; j++) if (!test(j)) return false;
      return true;
    }
    for (const j of this.placedNow) if (!test(j)) return false;
    const inv = 1 / MODEL.cell;
    const nx = this.cnx[f]!, ny = this.cny[f]!, off = this.cellOff[f]!, ox = this.cx0[f]!, oy = this.cy0[f]!;
    let xa = Math.floor((x - reach - ox) * inv), xb = Math.floor((x + reach - ox) * inv);
    let ya = Math.floor((y - reach - oy) * inv), yb = Math.floor((y + reach - oy) * inv);
    if (xa < 0) xa = 0; if (xb >= nx) xb = nx - 1; if (ya < 0) ya = 0; if (yb >= ny) yb = ny - 1;
    for (let row = ya; row <= yb; row++) {
      const base = off + row * nx;
      for (let k = this.cellStart[base + xa]!, end = this.cellStart[base + xb + 1]!; k < end; k++) if (!test(this.order[k]!)) return false;
    }
    return true;
  }

  /**
   * Stage 3 ('quickest' routing): each walking agent with several allowed exits takes the exit
   * with the lowest walking time + queue ahead / exit capacity; it switches only when that saves
   * more than max(2 s, 10 %), so choices do not flicker.
   */
  private reroute(): void {
    if (this.scenario.routing === 'shortest') return;
    const fields = this.nav.fields, E = fields.length;
    const queues: Float64Array[] = [];
    const cap = this.scenario.exits.map((e) => Math.hypot(e.segment[1][0] - e.segment[0][0], e.segment[1][1] - e.segment[0][1]) * MODEL.exitFlow);
    const lists: number[][] = Array.from({ length: E }, () => []);
    for (let i = 0; i < this.agents; i++) {
      if (this.state[i] !== AgentState.Walking) continue;
      lists[this.target[i]!]!.push(this.nav.value(this.fieldOf(i), this.floor[i]!, this.x[i]!, this.y[i]!));
    }
    for (let e = 0; e < E; e++) queues.push(Float64Array.from(lists[e]!).sort());
    for (let i = 0; i < this.agents; i++) {
      const st = this.state[i];
      if (st !== AgentState.Walking && st !== AgentState.Waiting) continue;
      const allowed = this.allowed[this.group[i]!]!;
      if (allowed.length < 2) continue;
      let best = -1, bestCost = Infinity, bestD = Infinity, cur = Infinity;
      for (const e of allowed) {
        const d = this.nav.value(fields[e]!, this.floor[i]!, this.x[i]!, this.y[i]!);
        if (!Number.isFinite(d)) continue;
        const cost = d / this.v0[i]! + lowerCount(queues[e]!, d) / cap[e]!;
        if (e === this.target[i]) cur = cost;
        if (cost < bestCost) { bestCost = cost; best = e; bestD = d; }
      }
      if (best >= 0 && best !== this.target[i] && bestCost < cur - Math.max(2, 0.1 * cur)) { this.target[i] = best; this.left[i] = bestD; }
    }
  }

  /** Stage 4: counting sort of every present slot into its floor's 0.9 m cell; sorted copies for locality. */
  private buildCells(): void {
    this.movedSinceCells = 0;
    const cs = this.cellStart, sentinel = this.cellOff[this.cellOff.length - 1]!;
    cs.fill(0);
    for (let i = 0; i < this.slots; i++) {
      const s = this.state[i];
      let c = sentinel;
      if (s !== AgentState.Out && s !== AgentState.Transit) {
        const f = this.floor[i]!, nx = this.cnx[f]!;
        let cx = Math.floor((this.x[i]! - this.cx0[f]!) / MODEL.cell), cy = Math.floor((this.y[i]! - this.cy0[f]!) / MODEL.cell);
        cx = cx < 0 ? 0 : cx >= nx ? nx - 1 : cx; cy = cy < 0 ? 0 : cy >= this.cny[f]! ? this.cny[f]! - 1 : cy;
        c = this.cellOff[f]! + cy * nx + cx;
      }
      this.cellOf[i] = c; cs[c + 1] = cs[c + 1]! + 1;
    }
    for (let c = 1; c < cs.length; c++) cs[c]! += cs[c - 1]!;
    const cursor = this.cursor;
    cursor.fill(0);
    for (let i = 0; i < this.slots; i++) {
      // Slots out of the building or on a flight (the sentinel cell, after every present one) are in no cell list,
      // and stages 5 and 6 take only the present slots (presentSlots): late in an evacuation most are out.
      const c = this.cellOf[i]!;
      if (c === sentinel) continue;
      const k = cs[c]! + cursor[c]!;
      cursor[c] = cursor[c]! + 1;
      this.order[k] = i; this.sx[k] = this.x[i]!; this.sy[k] = this.y[i]!; this.sr[k] = this.radius[i]!;
      this.sv0[k] = this.v0[i]!; this.sState[k] = this.state[i]!; this.sFloor[k] = this.floor[i]!; this.sTarget[k] = this.target[i]!;
      this.sLeft[k] = this.left[i]!;
    }
  }

  /**
   * Stages 5 and 6 (slotStages): new velocities, then moves, slot by slot in chunks of the sorted columns.
   * Each slot's velocity reads only what stage 4 sorted, and its move only its own velocity, so a chunk
   * can move as soon as its velocities are known, and a helper thread can take chunks beside this one.
   */
  private velocitiesAndMoves(): void {
    const h = this.helper, out = this.maxMoved;
    if (!h) {
      this.agentSteps += stepSlots(this.columns, this.nav, this.agents, this.rmax, this.nb, this.dt, 0, presentSlots(this.columns), out);
      this.noteMoved(out[0]!);
      return;
    }
    h.start();
    const mine = stepChunks(this.columns, this.nav, this.agents, this.rmax, this.nb, this.dt, presentSlots(this.columns), h.next, out);
    const theirs = h.finish();
    this.agentSteps += mine + theirs.steps;
    this.noteMoved(Math.max(out[0]!, theirs.maxMoved));
  }

  /**
   * From now on stages 5 and 6 are shared with `helper` (a second thread on the shared columns; the
   * simulation must have been made with `shareColumns`); null: this thread alone. Same results either way.
   */
  useSlotHelper(helper: SlotHelper | null): void {
    if (helper && !(this.sx.buffer instanceof SharedArrayBuffer)) throw new Error('Simulation: a slot helper needs shareColumns');
    this.helper = helper;
  }


  /** Stage 7, in agent index order (it changes shared state): line crossings, exits, link entries. */
  private events(): void {
    const dt = this.dt, lines = this.scenario.measurements?.lines;
    const { state, floor, x, y, px, py, hit } = this;
    for (let i = 0; i < this.agents; i++) {
      if (state[i] !== AgentState.Walking) continue;
      const f = floor[i]!, qx = x[i]!, qy = y[i]!;
      if (lines) for (let L = 0; L < lines.length; L++) {
        const ln = lines[L]!;
        if (this.lineFloor[L] !== f) continue;
        const ox = px[i]!, oy = py[i]!;
        const [[ax, ay], [bx, by]] = ln.segment;
        const s0 = orient(ax, ay, bx, by, ox, oy), s1 = orient(ax, ay, bx, by, qx, qy);
        if ((s0 > 0) === (s1 > 0) || s0 === s1) continue;
        const t0 = orient(ox, oy, qx, qy, ax, ay), t1 = orient(ox, oy, qx, qy, bx, by);
        if ((t0 > 0) === (t1 > 0) && t0 !== 0 && t1 !== 0) continue;
        const u = s0 / (s0 - s1);
        this.crossings.push({ line: L, agent: i, t: this.t + u * dt, dir: s0 > 0 ? 1 : -1 });
      }
      // The exit or link end under or touched by the agent after its move (moveSlots).
      const p = hit[i]!;
      if (p < 0) continue;
      const portal = this.nav.portals[f]![p]!;
      if (portal.kind === 'exit') {
        state[i] = AgentState.Out; this.exitTime[i] = this.t + dt; this.exitUsed[i] = portal.exit; this.remaining--;
        this.vx[i] = 0; this.vy[i] = 0;
      } else this.tryEnterLink(i, portal.link, portal.end === 'to', qx, qy);
    }
  }

  /** Enters link k at the current position when that lowers the agent's remaining cost and the entry has capacity. */
  private tryEnterLink(i: number, k: number, rev: boolean, qx: number, qy: number): void {
    const l = this.nav.links[k]!;
    if (rev && l.oneWay) return;
    const field = this.fieldOf(i), here = this.nav.value(field, this.floor[i]!, qx, qy);
    const far = field.linkEnd[rev ? 2 * k : 2 * k + 1]!;
    if (!(far + l.length / l.speedFactor < here + 0.5) || this.t < this.linkFree[k]!) return;
    const [[ax, ay], [bx, by]] = rev ? l.to : l.from;
    const len = Math.hypot(bx - ax, by - ay);
    // A full flight takes nobody more: people queue at its entry, not inside it.
    if (this.onLink[k]! >= Math.max(1, Math.floor(MODEL.linkDensity * len * l.length))) return;
    this.onLink[k]!++;
    // Capacity as a token bucket: when entries follow each other (the entry was free within the last step), the
    // next one is due 1 / capacity after the previous one was due, not after this step: steps of dt would
    // otherwise round every headway up (1.43 instead of 1.65 P/s through a 1.5 m stair at dt 0.1 s).
    const due = this.t - this.linkFree[k]! < this.dt ? this.linkFree[k]! : this.t;
    this.linkFree[k] = due + 1 / (MODEL.linkFlow * len);
    this.state[i] = AgentState.Transit; this.transitLink[i] = k; this.transitRev[i] = rev ? 1 : 0;
    this.transitFrac[i] = Math.min(1, Math.max(0, ((qx - ax) * (bx - ax) + (qy - ay) * (by - ay)) / (len * len)));
    this.transitUntil[i] = this.t + this.dt + l.length / (this.v0[i]! * l.speedFactor);
    this.walked[i]! += l.length;
  }
}

/** Number of values in a sorted array strictly below v. */
function lowerCount(a: Float64Array, v: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (a[m]! < v) lo = m + 1; else hi = m; }
  return lo;
}
