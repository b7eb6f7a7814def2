/**
 * Stages 5 and 6 of a step, slot by slot over the sorted columns (Simulation.buildCells, stage 4, wrote them):
 *   5 computeVelocities: new velocities from positions, neighbours and walls (pure: reads only the sorted
 *     columns, writes nvx/nvy of its own slots);
 *   6 moveSlots: each slot moves by its own new velocity (writes only its own agent's position and state).
 * So a chunk of slots can move as soon as its velocities are known, and two threads can take chunks side by
 * side (stepChunks, slotProtocol.ts) with the very same results as one.
 */
import type { Scenario } from '../../common/scenario.js';
import type { NavMap } from '../nav/NavMap.js';
import { detExp } from './detMath.js';
import { AgentState, MODEL } from './model.js';

/** The sorted columns (stage 4, cell order) and cell lists stages 5 and 6 read, and what they write. */
export interface SlotColumns {
  sx: Float64Array; sy: Float64Array; sr: Float64Array; sv0: Float64Array;
  sState: Uint8Array; sFloor: Int16Array; sTarget: Int16Array;
  /** Travel time left to each slot's exit at its cell after its last move, s (robots: −∞). */
  sLeft: Float64Array;
  /** Wall distance at each walking slot's position or a lower bound of it (stage 5, read by its own stage 6; NaN: off the grid), m. */
  sWall: Float64Array;
  /** Slot → agent index (agents first, then robots). */
  order: Int32Array;
  /** Per floor: first cell's index, cells across and down, and the grid's origin; cellStart: first slot of each cell. */
  cellOff: Int32Array; cnx: Int32Array; cny: Int32Array; cx0: Float64Array; cy0: Float64Array; cellStart: Int32Array;
  /** New velocity per slot, m/s (stage 5). */
  nvx: Float64Array; nvy: Float64Array;
  /** Per agent (stage 6): position and velocity, previous position, distance walked, portal under it, travel time left. */
  x: Float64Array; y: Float64Array; vx: Float64Array; vy: Float64Array; px: Float64Array; py: Float64Array;
  walked: Float64Array; hit: Int16Array; left: Float64Array;
}

/** A body reaches a link end (stairs, ramp) when its edge is this close to the end's segment, m. */
export const LINK_REACH = 0.1;

/** Neighbour scratch rows per agent for computeVelocities (4 numbers each; each thread has its own). */
export const NEIGHBOUR_ROWS = 512;

/** Candidate neighbours of one agent (slot indices), then the kept neighbours ahead (computeVelocities); grown on demand, one per thread. */
let cand: Int32Array = new Int32Array(1024);
function grown(a: Int32Array, need: number): Int32Array {
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/**
 * New velocities of the walking agents in slots [lo, hi) into nvx/nvy; returns how many were computed (agent-steps).
 *
 * Hot loop (≈ 80 % of a step): everything is read from local typed-array columns, the field direction
 * and the wall distance are sampled inline, and no objects are created. The neighbour search radius is
 * per agent and exact: a neighbour j changes nothing unless it repels (d − l < 7 D) or limits the speed
 * (s = d − l < vmax·T), so with l ≤ r_i + r_max the search needs only d < r_i + r_max + max(7 D, vmax·T)
 * (≈ 1.25 m at 1.34 m/s instead of the 1.8 m cap): 3–4 rows of 3–4 cells of the 0.9 m cell list instead of 5 × 5,
 * each row one contiguous range of the sorted columns. Results are bit-identical to the full-radius search
 * (the 0.9 m cell size fixes the summation order; a finer grid reorders the sums and, the model being
 * chaotic near clogging, changes individual runs).
 */
export function computeVelocities(c: SlotColumns, nav: NavMap, agents: number, rmax: number, nb: Float64Array, lo: number, hi: number): number {
  const { sFloor, sState, nvx, nvy, sx, sy, sr, order, cellStart, sv0, sTarget, sLeft, sWall, cnx, cny, cx0, cy0, cellOff } = c;
  const grids = nav.grids, fields = nav.fields;
  const A = MODEL.neighbourStrength, D = MODEL.neighbourRange, B = MODEL.wallStrength, Dw = MODEL.wallRange, T = MODEL.timeGap, contact = MODEL.contact, sideways = 1 - MODEL.behind;
  const cell = MODEL.cell, inv = 1 / cell, repelReach = 7 * D, maxNb = nb.length >> 2, robots = order.length > agents;
  let steps = 0;
  // Agents in cell order (the sorted columns): neighbours, field and wall samples of consecutive agents
  // share cache lines. The stage is pure, so the visiting order does not change any result.
  for (let o = lo; o < hi; o++) {
    const i = order[o]!;
    if (i >= agents) continue;
    nvx[o] = 0; nvy[o] = 0;
    if (sState[o] !== AgentState.Walking) continue;
    steps++;
    const f = sFloor[o]!, xi = sx[o]!, yi = sy[o]!, ri = sr[o]!, left = sLeft[o]!;
    const g = grids[f]!, h = g.h, gnx = g.nx, gny = g.ny;
    // Field direction: bilinear over the four nearest cell centres, normalised (NavMap.direction inlined).
    const fd = fields[sTarget[o]!]!.dir[f]!;
    const fx = (xi - g.x0) / h - 0.5, fy = (yi - g.y0) / h - 0.5;
    const bx = Math.floor(fx), by = Math.floor(fy);
    let ex = 0, ey = 0;
    if (bx >= 0 && by >= 0 && bx < gnx - 1 && by < gny - 1) {
      const ax = fx - bx, ay = fy - by, b = 2 * (by * gnx + bx), bn = b + 2 * gnx;
      const w00 = (1 - ax) * (1 - ay), w10 = ax * (1 - ay), w01 = (1 - ax) * ay, w11 = ax * ay;
      const sxx = fd[b]! * w00 + fd[b + 2]! * w10 + fd[bn]! * w01 + fd[bn + 2]! * w11;
      const syy = fd[b + 1]! * w00 + fd[b + 3]! * w10 + fd[bn + 1]! * w01 + fd[bn + 3]! * w11;
      const n = Math.sqrt(sxx * sxx + syy * syy);
      if (n > 1e-9) { ex = sxx / n; ey = syy / n; }
    }
    const e0x = ex, e0y = ey;
    // Cell of the agent on the nav grid (zone speed, wall gradient) and the exact search radius.
    const gcx = Math.floor((xi - g.x0) / h), gcy = Math.floor((yi - g.y0) / h);
    const c = gcx < 0 || gcy < 0 || gcx >= gnx || gcy >= gny ? -1 : gcy * gnx + gcx;
    const vmax = sv0[o]! * (c >= 0 && g.zoned ? g.speed[c]! : 1);
    const slow = vmax * T;
    let cut = ri + rmax + (slow > repelReach ? slow : repelReach);
    if (cut > MODEL.cutoff) cut = MODEL.cutoff;
    const cut2 = cut * cut;
    // Neighbours: the cell block covering [x ± cut] × [y ± cut], one contiguous range of the sorted columns per row.
    const nx = cnx[f]!, ny = cny[f]!, off = cellOff[f]!, ox = cx0[f]!, oy = cy0[f]!;
    let xa = Math.floor((xi - cut - ox) * inv), xb = Math.floor((xi + cut - ox) * inv);
    let ya = Math.floor((yi - cut - oy) * inv), yb = Math.floor((yi + cut - oy) * inv);
    if (xa < 0) xa = 0; if (xb >= nx) xb = nx - 1; if (ya < 0) ya = 0; if (yb >= ny) yb = ny - 1;
    let count = 0, bhx = 0, bhy = 0, aside = 0;
    // Two passes, so that the hot scan has no branch: whether a candidate lies within the radius is a coin toss in
    // a crowd (46 candidates an agent, 19 within, in the sample's queues), and a mispredicted branch cost more than
    // the test. Pass 1 writes every candidate and advances only past those within; pass 2 takes them in the same
    // order, so the sums below are bit-identical to one pass (velocity stage 10 % faster in queues, 17 % in a room).
    let n = 0;
    for (let row = ya; row <= yb; row++) {
      const base = off + row * nx, start = cellStart[base + xa]!, end = cellStart[base + xb + 1]!;
      if (n + end - start > cand.length) cand = grown(cand, n + end - start);
      const cd = cand;
      for (let k = start; k < end; k++) {
        const dx = sx[k]! - xi, dy = sy[k]! - yi;
        cd[n] = k; n += +(dx * dx + dy * dy <= cut2);
      }
    }
    const cd = cand;
    for (let p = 0; p < n; p++) {
      const k = cd[p]!;
      if (k === o || count >= maxNb) continue;
      const dx = sx[k]! - xi, dy = sy[k]! - yi, d = Math.sqrt(dx * dx + dy * dy) || 1e-6, l = ri + sr[k]!;
      // Beyond 7 ranges the repulsion is < 0.1 % of the desired direction: skip the exp.
      if (d - l < repelReach) {
        const w = (A * expNeg((d - l) / D)) / d, lk = sLeft[k]!;
        ex -= dx * w; ey -= dy * w;
        // A robot ahead is gone round (see below).
        if (robots && order[k]! >= agents && e0x * dx + e0y * dy > 0) aside += e0x * dy - e0y * dx >= 0 ? w * d : -w * d;
        // Pushes from people behind on the way out (more route left; on a tie, later in cell order), summed
        // apart; see below.
        const m = lk > left || (lk === left && k > o) ? w : 0;
        bhx += dx * m; bhy += dy * m;
      }
      // Only a neighbour whose gap could cap the speed (gap / T < vmax) is kept for the spacing pass below.
      if ((d - l) / T < vmax) { const q = count << 2; nb[q] = dx; nb[q + 1] = dy; nb[q + 2] = d; nb[q + 3] = l; count++; }
    }
    // People behind on the way out push sideways with only MODEL.behind of the strength (along the way, in full):
    // people give way to those ahead of them. With isotropic pushes, two people abreast at a narrow door pushed
    // each other into its jambs, bounced back and met again, step after step, for good (1 run in 6 of 120
    // people through a 0.6–0.8 m door). (bhx, bhy) is minus their summed push.
    if (bhx !== 0 || bhy !== 0) {
      const along = bhx * e0x + bhy * e0y;
      ex += sideways * (bhx - along * e0x); ey += sideways * (bhy - along * e0y);
    }
    // Wall repulsion: bilinear wall distance (FloorGrid.sampleWallDist inlined), gradient of the agent's cell. The
    // cell's own value, less 1.5 h, bounds the sample from below (see moveSlots): far from walls, no sample is taken.
    const wd0 = g.wallDist, lb = c >= 0 ? wd0[c]! - 1.5 * h : NaN;
    if (lb >= ri + 10 * Dw) sWall[o] = lb;
    else if (c >= 0) {
      let wx = bx, wy = by;
      if (wx < 0) wx = 0; else if (wx > gnx - 2) wx = gnx - 2;
      if (wy < 0) wy = 0; else if (wy > gny - 2) wy = gny - 2;
      let ax = fx - wx, ay = fy - wy;
      ax = ax < 0 ? 0 : ax > 1 ? 1 : ax; ay = ay < 0 ? 0 : ay > 1 ? 1 : ay;
      const b = wy * gnx + wx;
      const wd = (wd0[b]! * (1 - ax) + wd0[b + 1]! * ax) * (1 - ay) + (wd0[b + gnx]! * (1 - ax) + wd0[b + gnx + 1]! * ax) * ay;
      sWall[o] = wd;
      if (wd < ri + 10 * Dw) { const w = B * detExp((ri - wd) / Dw); ex += g.wallGx[c]! * w; ey += g.wallGy[c]! * w; }
    } else sWall[o] = NaN;
    // Round a robot ahead on the side away from it (the right when it is dead ahead), as much as it repels. Pushed
    // straight back alone, the people right behind a robot standing in a corridor stood there for good.
    if (aside !== 0) { ex += e0y * aside; ey -= e0x * aside; }
    const en = Math.sqrt(ex * ex + ey * ey);
    if (en < 1e-9) continue;
    ex /= en; ey /= en;
    let spacing = Infinity;
    // Only neighbours ahead (ex·d ≥ 0) and in the body's corridor (|ex × d| ≤ l) can cap the speed: 3 or 4 of the
    // 18 kept in a queue. Picked out branch-free as above (half are ahead: a coin toss), then taken in order.
    let m = 0;
    for (let q = 0, qe = count << 2; q < qe; q += 4) {
      const dx = nb[q]!, dy = nb[q + 1]!;
      cd[m] = q; m += +(ex * dx + ey * dy >= 0) & +(Math.abs(ex * dy - ey * dx) <= nb[q + 3]!);
    }
    for (let p = 0; p < m; p++) {
      const q = cd[p]!, dx = nb[q]!, dy = nb[q + 1]!, l = nb[q + 3]!, s = nb[q + 2]! - l, ahead = ex * dx + ey * dy;
      if (s < contact && c >= 0) {
        // Bodies in contact: j holds i back only when j is also further along i's route (a lower travel time
        // at j's centre), so of two people pressed together on the way to the same exit one always goes
        // first. With the direction test alone each could see the other ahead (the crowd's push turns the
        // directions; people lined up square to their direction against a wall see each other at 90°), and
        // both stood still for good: 400 of the sample's 10 000 occupants, in queues at stairs and doors.
        const Tf = fields[sTarget[o]!]!.T[f]!, jx = Math.floor((xi + dx - g.x0) / h), jy = Math.floor((yi + dy - g.y0) / h);
        const tj = jx >= 0 && jy >= 0 && jx < gnx && jy < gny ? Tf[jy * gnx + jx]! : Infinity, ti = Tf[c]!;
        if (tj > ti || (tj === ti && ahead <= 0)) continue;
      }
      if (s < spacing) spacing = s;
    }
    const v = spacing / T < vmax ? (spacing > 0 ? spacing / T : 0) : vmax;
    nvx[o] = ex * v; nvy[o] = ey * v;
  }
  return steps;
}

/**
 * Stage 6 for slots [lo, hi): move, keep bodies off walls; returns the farthest move, m. Each agent reads
 * only its own state and the grid, so it runs in cell order like stage 5, reading the sorted copies
 * sequentially (nothing changes them between stages 4 and 6); it records the exit or link end under or
 * touched by each moved agent for stage 7.
 */
export function moveSlots(c: SlotColumns, nav: NavMap, agents: number, dt: number, lo: number, hi: number): number {
  const grids = nav.grids, fields = nav.fields, { order, sState, sFloor, sTarget, sr, sx, sy, sWall, nvx, nvy, x, y, vx: cvx, vy: cvy, px, py, walked, hit, left } = c;
  let maxMoved = 0;
  for (let o = lo; o < hi; o++) {
    const i = order[o]!;
    if (i >= agents) continue;
    hit[i] = -1;
    const st = sState[o];
    if (st !== AgentState.Walking) { if (st !== AgentState.Transit) { cvx[i] = 0; cvy[i] = 0; } continue; }
    const g = grids[sFloor[o]!]!, ox = sx[o]!, oy = sy[o]!, r = sr[o]!;
    let vx = nvx[o]!, vy = nvy[o]!;
    let qx = ox + vx * dt, qy = oy + vy * dt;
    // Stage 5 left a lower bound w of the wall distance here (sWall). The field's cell values are an exact distance
    // transform, which changes by at most h from a cell to the next (√2 h diagonally), so its bilinear sample changes
    // by at most √2 per metre, and lies within 1.5 h of the value at any of its four cells: a step of |vx| + |vy|
    // times dt from w ≥ r + 1.5 × that ends clear of the walls, and the sample at its end is skipped (same result).
    const near = !(sWall[o]! - 1.5 * (Math.abs(vx) + Math.abs(vy)) * dt - 1e-6 >= r);
    const wd = near ? g.sampleWallDist(qx, qy) : r, wo = wd < r ? g.sampleWallDist(ox, oy) : 0;
    if (wd < r && wd < wo) {
      // Slide: the velocity component into the nearest wall is cut to what brings the body to touch it (the
      // gap wo − r, over one step). Dropping it whole stopped a walker heading square at a wall up to a step
      // short of it, for good: at a stair top in a stairwell's edge, out of reach of the stair.
      const c = g.cellIndex(qx, qy);
      if (c >= 0) {
        const gx = g.wallGx[c]!, gy = g.wallGy[c]!, vn = vx * gx + vy * gy, keep = -Math.max(0, wo - r) / dt;
        if (vn < keep) { vx -= (vn - keep) * gx; vy -= (vn - keep) * gy; }
      }
      qx = ox + vx * dt; qy = oy + vy * dt;
      if (g.sampleWallDist(qx, qy) < Math.min(r, wd) * 0.5) { vx = 0; vy = 0; qx = ox; qy = oy; }
    }
    const cq = g.cellIndex(qx, qy);
    const stays = cq < 0 || g.kind[cq] === 0;
    if (stays) { vx = 0; vy = 0; qx = ox; qy = oy; }
    const cl = stays ? g.cellIndex(qx, qy) : cq;
    left[i] = cl >= 0 ? fields[sTarget[o]!]!.T[sFloor[o]!]![cl]! : Infinity;
    cvx[i] = vx; cvy[i] = vy; x[i] = qx; y[i] = qy;
    const mx = qx - ox, my = qy - oy, moved = Math.sqrt(mx * mx + my * my);
    walked[i]! += moved;
    if (moved > maxMoved) maxMoved = moved;
    px[i] = ox; py[i] = oy;
    if (cq >= 0) hit[i] = g.portal[cq]!;
    // A link end is reached when the body touches it (centre within radius + LINK_REACH of the segment) or
    // the step crosses it. Its grid band alone is ~h wide: thinner than a step at speed (0.13 m at 1.33 m/s,
    // dt 0.1, h 0.1), so agents stepped over it and back; and at a stairwell's edge, which is a wall, no
    // centre gets within a radius of it, so a queue stood at the top of the stairs for good.
    if (hit[i]! < 0) hit[i] = nav.reachedLinkEnd(sFloor[o]!, ox, oy, qx, qy, r + LINK_REACH);
  }
  return maxMoved;
}

/**
 * How many slots stage 4 sorted into cells: the slots present on a floor (walking, waiting, stuck; robots) come first,
 * in cell order, so stages 5 and 6 take slots [0, presentSlots). Those out of the building or on a flight are only
 * in the sentinel cell after them, whose first slot this is; their sorted columns are not written.
 */
export function presentSlots(c: SlotColumns): number {
  return c.cellStart[c.cellOff[c.cellOff.length - 1]!]!;
}

/** Stages 5 then 6 for slots [lo, hi); returns the agent-steps and writes the farthest move (m) to maxMoved[0]. */
export function stepSlots(c: SlotColumns, nav: NavMap, agents: number, rmax: number, nb: Float64Array, dt: number, lo: number, hi: number, maxMoved: Float64Array): number {
  const steps = computeVelocities(c, nav, agents, rmax, nb, lo, hi);
  maxMoved[0] = moveSlots(c, nav, agents, dt, lo, hi);
  return steps;
}

/** Slots per chunk when two threads share stages 5 and 6. */
export const SLOT_CHUNK = 128;

/**
 * Stages 5 and 6 for the chunks of slots [0, slots) this thread takes, one at a time, from the counter `next[0]`
 * that both threads share (Atomics.add), until none is left; as stepSlots. Taking chunks as they come keeps both
 * threads busy to the end of the step (fixed halves left the caller waiting 11 % of the time: the other thread
 * reads the columns the caller just wrote from another core's cache).
 */
export function stepChunks(c: SlotColumns, nav: NavMap, agents: number, rmax: number, nb: Float64Array, dt: number, slots: number, next: Int32Array, maxMoved: Float64Array): number {
  let steps = 0, moved = 0;
  for (;;) {
    const lo = Atomics.add(next, 0, 1) * SLOT_CHUNK;
    if (lo >= slots) break;
    steps += stepSlots(c, nav, agents, rmax, nb, dt, lo, Math.min(lo + SLOT_CHUNK, slots), maxMoved);
    if (maxMoved[0]! > moved) moved = maxMoved[0]!;
  }
  maxMoved[0] = moved;
  return steps;
}

/**
 * A second thread computing chunks of stages 5 and 6 on the same (shared) columns, beside the caller. DOM- and
 * Node-free interface (protocol: slotProtocol.ts); Node runs it on worker_threads (node/slotThread.ts), the app on a
 * Web Worker (web/slotWorker.ts).
 */
export interface SlotHelper {
  /** The chunk counter both threads take chunks from (stepChunks), in shared memory. */
  readonly next: Int32Array;
  /** Resets the chunk counter and starts the helper on this step's chunks; returns at once. */
  start(): void;
  /** Blocks until the helper's chunks of this step are done; returns their agent-steps and farthest move, m. */
  finish(): { steps: number; maxMoved: number };
  /** Ends the helper's thread. */
  close(): void;
  /**
   * Absent or true: the helper serves steps. False while a Web Worker helper has not yet taken the run: its job
   * reaches it only through this thread's event loop, so an async run (runScenarioAsync) yields until then.
   * Throws when the helper did not take the run in time.
   */
  ready?(): boolean;
}

/** What a helper needs: the scenario (it builds the same NavMap), the shared columns and the run's constants. */
export interface SlotJob {
  scenario: Scenario;
  columns: SlotColumns;
  agents: number;
  slots: number;
  rmax: number;
  dt: number;
}

/** exp(−k/32) for k = 0 … 7·32 + 1 (the neighbour repulsion's range, see expNeg). */
const EXP_STEPS = 32;
const EXP_TABLE = Float64Array.from({ length: 7 * EXP_STEPS + 2 }, (_, k) => detExp(-k / EXP_STEPS));

/**
 * exp(−u) for the neighbour repulsion, where u = gap / D < 7: a table at steps of 1/32 times the
 * 4th-order Taylor polynomial of the remainder r < 1/32 (relative error < r⁵/120 ≈ 3e-10, far
 * below the model's own precision). detExp (detMath.ts) is a call; this is inlined arithmetic and one load (the velocity stage ~5 % faster, old and new run side by side). Overlaps
 * (u < 0) and anything past the table fall back to detExp.
 */
function expNeg(u: number): number {
  const s = u * EXP_STEPS;
  if (!(s >= 0 && s < 7 * EXP_STEPS + 1)) return detExp(-u);
  const k = s | 0, r = (s - k) * (1 / EXP_STEPS);
  return EXP_TABLE[k]! * (1 - r * (1 - r * (0.5 - r * (1 / 6 - r * (1 / 24)))));
}


