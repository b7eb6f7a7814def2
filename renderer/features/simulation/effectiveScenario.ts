/**
 * The scenario actually run: the loaded scenario with the panel's choices applied (exits
 * open/closed, occupants per space, robots on/off, generated or the live ones halted, pre-movement and speed profiles). Pure; the loaded
 * scenario is never mutated, so "Save scenario" writes exactly what was run.
 */
import type { Distribution, MovingObstacle, Scenario } from '../../../common/scenario.js';
import type { LiveRobot, PremovementProfile, SimOptions, SpeedProfile } from '../../stores/simulationStore.js';

/** Pre-movement times, s: RiMEA's test 10 style uniform 10–100 s, a shorter uniform 10–60 s. */
export const PREMOVEMENT: Record<Exclude<PremovementProfile, 'scenario'>, Distribution> = {
  none: { dist: 'constant', value: 0 },
  'uniform10-60': { dist: 'uniform', min: 10, max: 60 },
  'rimea10-100': { dist: 'uniform', min: 10, max: 100 },
};
/** Free speeds, m/s: Weidmann's normal 1.34 ± 0.26 (clipped 0.5–2.2), a slow population 0.8 ± 0.2. */
export const SPEED: Record<Exclude<SpeedProfile, 'scenario'>, Distribution> = {
  weidmann: { dist: 'normal', mean: 1.34, sd: 0.26, min: 0.5, max: 2.2 },
  slow: { dist: 'normal', mean: 0.8, sd: 0.2, min: 0.3, max: 1.4 },
};

/**
 * `count` robots (radius 0.4 m, 1 m/s, looping) shuttling along the long axis of the first floor's
 * largest walkable polygon, on lanes spread across its short axis: kinematic obstacles that
 * ignore walls, as the engine's moving obstacles do.
 */
export function generatedRobots(s: Scenario, count: number): MovingObstacle[] {
  const floor = s.floors[0];
  // No robots asked for, or no floor to put them on (a scenario without a walkable polygon).
  if (count <= 0 || !floor || floor.walkable.length === 0) return [];
  let best = floor.walkable[0]!, bestArea = -1;
  for (const p of floor.walkable) {
    let a = 0;
    for (let i = 0; i < p.length; i++) { const [x1, y1] = p[i]!, [x2, y2] = p[(i + 1) % p.length]!; a += x1 * y2 - x2 * y1; }
    if (Math.abs(a) > bestArea) { bestArea = Math.abs(a); best = p; }
  }
  const xs = best.map((p) => p[0]), ys = best.map((p) => p[1]);
  const minX = Math.min(...xs), maxX = Math.max(...xs), minY = Math.min(...ys), maxY = Math.max(...ys);
  const alongX = maxX - minX >= maxY - minY;
  return Array.from({ length: count }, (_, k) => {
    const lane = (k + 1) / (count + 1);
    const route: [number, number][] = alongX
      ? [[minX + 0.2 * (maxX - minX), minY + lane * (maxY - minY)], [minX + 0.8 * (maxX - minX), minY + lane * (maxY - minY)]]
      : [[minX + lane * (maxX - minX), minY + 0.2 * (maxY - minY)], [minX + lane * (maxX - minX), minY + 0.8 * (maxY - minY)]];
    if (k % 2) route.reverse();
    return { id: `robot-${k + 1}`, floor: floor.id, radius: 0.4, speed: 1, route, loop: true };
  });
}

/** Body radius of a live robot as an obstacle, m (the testbed's units are 0.3–0.5 m; the generated ones 0.4 m). */
export const LIVE_ROBOT_RADIUS = 0.4;

/**
 * Index of the scenario floor of a storey (a live floor label, the plan's storey): the floor named after it, else one
 * named `<storey>#n` (toScenario names floors after storeys, numbering repeated names); -1 when none.
 */
export function scenarioFloorIndex(s: Scenario, storey: string): number {
  const exact = s.floors.findIndex((f) => f.id === storey);
  return exact >= 0 ? exact : s.floors.findIndex((f) => f.id.startsWith(`${storey}#`));
}

/** The id of the scenario floor of a storey (scenarioFloorIndex), or null. */
export function scenarioFloorOf(s: Scenario, storey: string): string | null {
  return s.floors[scenarioFloorIndex(s, storey)]?.id ?? null;
}

/**
 * The live robots as obstacles halted where they are (speed 0: what a fleet does on a fire alarm), each on the
 * scenario floor of its storey; robots on a floor the scenario does not have are left out and counted.
 */
export function liveRobotObstacles(s: Scenario, live: readonly LiveRobot[]): { obstacles: MovingObstacle[]; elsewhere: number } {
  const obstacles: MovingObstacle[] = [];
  let elsewhere = 0;
  for (const r of live) {
    const floor = scenarioFloorOf(s, r.floor);
    if (floor === null || !Number.isFinite(r.x) || !Number.isFinite(r.y)) { elsewhere++; continue; }
    obstacles.push({ id: r.id, floor, radius: LIVE_ROBOT_RADIUS, speed: 0, route: [[r.x, r.y], [r.x, r.y]] });
  }
  return { obstacles, elsewhere };
}

export function effectiveScenario(s: Scenario, o: SimOptions): Scenario {
  const exits = s.exits.map((e) => (o.exitsOpen[e.id] === undefined ? e : { ...e, open: o.exitsOpen[e.id] }));
  const agentGroups = s.agentGroups.map((g) => ({
    ...g,
    ...(o.groupCounts[g.id] !== undefined && !g.positions ? { count: o.groupCounts[g.id] } : {}),
    ...(o.premovement !== 'scenario' ? { premovement: PREMOVEMENT[o.premovement] } : {}),
    ...(o.speed !== 'scenario' ? { speed: SPEED[o.speed] } : {}),
  }));
  const own = s.obstaclesMoving ?? [];
  const obstaclesMoving = !o.robots ? [] : own.length ? own
    : o.robotSource === 'live' ? liveRobotObstacles(s, o.liveRobots).obstacles : generatedRobots(s, o.robotCount);
  return { ...s, exits, agentGroups, obstaclesMoving, seed: o.seed };
}
