/**
 * Who is still inside at the end of a run, and what holds them: the people pressed against a robot that stands
 * ahead of them on their way out, and the queue pressed against them from behind, are "held up behind" that robot;
 * people who have not started to move yet (pre-movement) are counted apart; the rest per floor. It answers the
 * question a planner asks of a run with robots halted in the building: whom does a robot in a doorway hold back?
 */
import type { Scenario } from '../../common/scenario.js';
import { AgentState, type Simulation } from './Simulation.js';

/** Two bodies this close (gap between their edges, m) are pressed together: one holds the other up. */
export const HELD_GAP = 0.3;

export interface HeldUp {
  /** Robot index (into scenario.obstaclesMoving) holding each agent up, -1: none; per agent. */
  robotOf: Int32Array;
  /** People held up per robot index (robots holding nobody are absent). */
  perRobot: Map<number, number>;
  /** People still inside held by no robot, per floor index (on a stair flight: the floor they left). */
  elsewhere: Map<number, number>;
  /** People still inside who have not started to move (pre-movement time not over); in neither of the above. */
  waiting: number;
  /** People still inside who could reach an exit. */
  inside: number;
}

/** Cells of 1 m per floor: key of the cell holding (x, y). */
const cellKey = (floor: number, x: number, y: number): string => `${floor}:${Math.floor(x)}:${Math.floor(y)}`;

/**
 * Attributes the people still inside who could reach an exit (not out, `reachable`) and are on their way: those
 * within HELD_GAP of a robot on their floor that lies ahead of them (less travel time to their exit at the robot
 * than where they stand) are held by the nearest such robot, and anyone within HELD_GAP of a held person, and
 * behind that person on their own way out, is held by the same robot, breadth first (the queue behind). "Pressed
 * together" alone chained a whole dense crowd to a robot that merely crossed it, people in front of it included.
 * O(people inside) with a 1 m cell hash.
 */
export function heldUp(sim: Simulation): HeldUp {
  const { agents, slots, x, y, radius, floor, state, reachable, nav, target } = sim;
  // Travel time to agent j's exit from (px, py) on floor f.
  const togo = (j: number, px: number, py: number): number => nav.value(nav.fields[target[j]!]!, floor[j]!, px, py);
  // Each person's own travel time, once (it was sampled again for every neighbour and robot tried).
  const here = new Float64Array(agents).fill(NaN);
  const ahead = (j: number, px: number, py: number): boolean => togo(j, px, py) < (Number.isNaN(here[j]!) ? (here[j] = togo(j, x[j]!, y[j]!)) : here[j]!);
  const robotOf = new Int32Array(agents).fill(-1);
  const cells = new Map<string, number[]>();
  const insideIdx: number[] = [];
  let waiting = 0;
  for (let i = 0; i < agents; i++) {
    if (state[i] === AgentState.Out || reachable[i] !== 1) continue;
    if (state[i] === AgentState.Waiting) { waiting++; continue; }
    insideIdx.push(i);
    if (state[i] === AgentState.Transit) continue; // on a flight: not on a floor's plane
    const k = cellKey(floor[i]!, x[i]!, y[i]!);
    const list = cells.get(k);
    if (list) list.push(i); else cells.set(k, [i]);
  }
  // The people within `gap` of (px, py) on floor f, body radius r: the 3 × 3 cells around it reach 1 m, enough for
  // radii up to (1 − gap) / 2 each.
  const near = (f: number, px: number, py: number, r: number, visit: (j: number) => void): void => {
    const cx = Math.floor(px), cy = Math.floor(py);
    for (let a = -1; a <= 1; a++) for (let b = -1; b <= 1; b++) {
      const list = cells.get(`${f}:${cx + a}:${cy + b}`);
      if (!list) continue;
      for (const j of list) if (Math.hypot(x[j]! - px, y[j]! - py) - r - radius[j]! <= HELD_GAP) visit(j);
    }
  };
  // Seeds: people against a robot, each to its nearest robot (slot order breaks ties: deterministic).
  const queue: number[] = [];
  const seedGap = new Float64Array(agents).fill(Infinity);
  for (let s = agents; s < slots; s++) {
    const f = floor[s]!, rx = x[s]!, ry = y[s]!, rr = radius[s]!;
    near(f, rx, ry, rr, (j) => {
      const g = Math.hypot(x[j]! - rx, y[j]! - ry) - rr - radius[j]!;
      if (g < seedGap[j]! && ahead(j, rx, ry)) { if (robotOf[j] === -1) queue.push(j); seedGap[j] = g; robotOf[j] = s - agents; }
    });
  }
  // The queue behind them, breadth first.
  for (let q = 0; q < queue.length; q++) {
    const i = queue[q]!;
    near(floor[i]!, x[i]!, y[i]!, radius[i]!, (j) => { if (robotOf[j] === -1 && ahead(j, x[i]!, y[i]!)) { robotOf[j] = robotOf[i]!; queue.push(j); } });
  }
  const perRobot = new Map<number, number>(), elsewhere = new Map<number, number>();
  for (const i of insideIdx) {
    const k = robotOf[i]!;
    if (k >= 0) perRobot.set(k, (perRobot.get(k) ?? 0) + 1);
    else elsewhere.set(floor[i]!, (elsewhere.get(floor[i]!) ?? 0) + 1);
  }
  return { robotOf, perRobot, elsewhere, waiting, inside: insideIdx.length + waiting };
}

const r1 = (v: number): string => (Math.round(v * 10) / 10).toFixed(1);

/**
 * "15 held up behind robot R7 (at (12.3, 4.5) on 2F), 5 elsewhere (1F: 3, 2F: 2)", or "by floor: 1F: 3, 2F: 2" when no
 * robot holds anyone: robots by the number they hold, most first (then scenario order); floors in scenario order.
 */
export function describeHeldUp(scenario: Scenario, sim: Simulation, h: HeldUp): string {
  const robots = scenario.obstaclesMoving ?? [];
  const parts = [...h.perRobot].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([k, n]) => {
    const s = sim.agents + k;
    return `${n} held up behind robot ${robots[k]!.id} (at (${r1(sim.x[s]!)}, ${r1(sim.y[s]!)}) on ${scenario.floors[sim.floor[s]!]!.id})`;
  });
  const floors = [...h.elsewhere].sort((a, b) => a[0] - b[0]).map(([f, n]) => `${scenario.floors[f]!.id}: ${n}`).join(', ');
  const notStarted = h.waiting > 0 ? `${h.waiting} not started yet (pre-movement)` : '';
  if (!parts.length) return [floors ? `by floor: ${floors}` : '', notStarted].filter(Boolean).join('; ');
  const rest = [...h.elsewhere.values()].reduce((a, b) => a + b, 0);
  if (rest > 0) parts.push(`${rest} elsewhere (${floors})`);
  if (notStarted) parts.push(notStarted);
  return parts.join(', ');
}
