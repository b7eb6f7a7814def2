/**
 * Scenario and results format of `twin simulate` (contract: shared/spec/scenario.md).
 *
 * Units: metres, seconds, m/s. Points are `[x, y]` in the floor's plane; polygons are rings of
 * points in either winding, not closed explicitly. Every field of the spec is accepted exactly as
 * written; the project adds optional fields only (`routing`, `cellSize`, `trajectoryInterval`).
 * This module is the structural check (zod); geometric checks (self-intersection, exits on a
 * walkable edge, agents inside the walkable area) live in workers/sim/checkScenario.ts.
 */
import { z } from 'zod';
import { zodIssueText } from './records.js';

const finite = z.number().finite();
const nonNegative = finite.min(0);

/** A point `[x, y]` in metres. */
export const PointSchema = z.tuple([finite, finite]);
export type Point = z.output<typeof PointSchema>;
/** A polygon ring of at least three points, metres, either winding, not closed explicitly. */
export const PolygonSchema = z.array(PointSchema).min(3, 'a polygon needs at least 3 points');
export type Polygon = z.output<typeof PolygonSchema>;
/** A straight segment `[[x1, y1], [x2, y2]]` of non-zero length. */
export const SegmentSchema = z
  .tuple([PointSchema, PointSchema])
  .refine(([a, b]) => Math.hypot(b[0] - a[0], b[1] - a[1]) > 1e-6, 'a segment needs two distinct points');
export type Segment = z.output<typeof SegmentSchema>;

const id = z.string().min(1, 'an id must not be empty').max(200);

export const FloorSchema = z.object({
  id,
  elevation: finite.optional(),
  /** One or more polygons, unioned. */
  walkable: z.array(PolygonSchema).min(1, 'a floor needs at least one walkable polygon'),
  /** Holes: walls, columns, furniture. */
  obstacles: z.array(PolygonSchema).optional(),
});
export type Floor = z.output<typeof FloorSchema>;

const LinkEndSchema = z.object({ floor: id, segment: SegmentSchema });
/** Stairs, ramps, escalators: agents enter at `from.segment`, walk `length` metres, leave at `to.segment`. */
export const LinkSchema = z.object({
  id,
  kind: z.enum(['stairs', 'ramp', 'escalator']),
  from: LinkEndSchema,
  to: LinkEndSchema,
  /** Walking length along the link, m. */
  length: finite.positive(),
  /** Relative to the agent's free speed; default 0.6 for stairs, 1 for ramps, 1 for escalators. */
  speedFactor: finite.positive().max(5).optional(),
  /** When true, agents may only go from → to. */
  oneWay: z.boolean().optional(),
});
export type Link = z.output<typeof LinkSchema>;

/** An area on a floor that scales the walking speed (stairs drawn in plan, rough ground). */
export const ZoneSchema = z.object({ id, floor: id, polygon: PolygonSchema, speedFactor: finite.positive().max(5) });
export type Zone = z.output<typeof ZoneSchema>;

/** Agents leave when they reach the segment. */
export const ExitSchema = z.object({ id, floor: id, segment: SegmentSchema, open: z.boolean().optional() });
export type Exit = z.output<typeof ExitSchema>;

/** A distribution of a non-negative quantity (speed in m/s, pre-movement time in s). */
export const DistributionSchema = z.discriminatedUnion('dist', [
  z.object({ dist: z.literal('constant'), value: nonNegative }),
  z.object({ dist: z.literal('uniform'), min: nonNegative, max: nonNegative })
    .refine((d) => d.max >= d.min, { message: 'max must be ≥ min', path: ['max'] }),
  z.object({ dist: z.literal('normal'), mean: nonNegative, sd: nonNegative, min: nonNegative.optional(), max: nonNegative.optional() })
    .refine((d) => d.min === undefined || d.max === undefined || d.max >= d.min, { message: 'max must be ≥ min', path: ['max'] }),
]);
export type Distribution = z.output<typeof DistributionSchema>;

export const AgentGroupSchema = z
  .object({
    id,
    /** Project addition: what the group stands for, for people reading the results (IFC input: the space's name). */
    name: z.string().optional(),
    floor: id,
    /** Random non-overlapping start positions inside this polygon (with `count`). */
    area: PolygonSchema.optional(),
    /** Explicit start positions; then count = positions.length. */
    positions: z.array(PointSchema).min(1).optional(),
    count: z.number().int().min(0).optional(),
    /** Free (desired) speed, m/s. Default: Weidmann-consistent normal(1.34, 0.26) clipped to [0.5, 2.2]. */
    speed: DistributionSchema.optional(),
    /** Pre-movement (reaction) time, s. Default 0. */
    premovement: DistributionSchema.optional(),
    /** Allowed exit ids (default: any open exit). */
    exits: z.array(id).min(1).optional(),
    /** Body radius, m (default 0.2). */
    radius: finite.min(0.05).max(1).optional(),
  })
  .superRefine((g, ctx) => {
    if (g.positions === undefined && g.area === undefined) ctx.addIssue({ code: 'custom', message: 'needs "area" (with "count") or "positions"', path: ['area'] });
    if (g.positions === undefined && g.area !== undefined && g.count === undefined) ctx.addIssue({ code: 'custom', message: 'needs "count" with "area"', path: ['count'] });
    if (g.positions !== undefined && g.count !== undefined && g.count !== g.positions.length)
      ctx.addIssue({ code: 'custom', message: `count ${g.count} differs from positions.length ${g.positions.length}`, path: ['count'] });
  });
export type AgentGroup = z.output<typeof AgentGroupSchema>;

/** People a group starts with: its fixed positions, else its count. */
export const groupPeople = (g: AgentGroup): number => g.positions?.length ?? g.count ?? 0;

/** A robot as a kinematic moving obstacle: follows its route at `speed`, ignores people. */
export const MovingObstacleSchema = z.object({
  id,
  floor: id,
  radius: finite.positive().max(5),
  speed: nonNegative,
  route: z.array(PointSchema).min(2),
  loop: z.boolean().optional(),
  /** Time it starts moving, s. */
  start: nonNegative.optional(),
});
export type MovingObstacle = z.output<typeof MovingObstacleSchema>;

export const MeasurementsSchema = z.object({
  lines: z.array(z.object({ id, floor: id, segment: SegmentSchema })).optional(),
  areas: z.array(z.object({ id, floor: id, polygon: PolygonSchema })).optional(),
  /** Seconds between area samples, default 1. */
  areaInterval: finite.positive().optional(),
  /** Include per-agent trajectories in the results (default false). */
  trajectories: z.boolean().optional(),
  /** Project addition: seconds between trajectory samples (default: every step). */
  trajectoryInterval: finite.positive().optional(),
});
export type Measurements = z.output<typeof MeasurementsSchema>;

export const ScenarioSchema = z.object({
  name: z.string().max(500).optional(),
  seed: z.number().int().optional(),
  /** Time step hint, s (default 0.05; clamped to [0.005, 0.1]). */
  dt: finite.positive().optional(),
  maxTime: finite.positive(),
  floors: z.array(FloorSchema).min(1, 'a scenario needs at least one floor'),
  links: z.array(LinkSchema).optional(),
  zones: z.array(ZoneSchema).optional(),
  exits: z.array(ExitSchema).min(1, 'a scenario needs at least one exit'),
  agentGroups: z.array(AgentGroupSchema),
  obstaclesMoving: z.array(MovingObstacleSchema).optional(),
  measurements: MeasurementsSchema.optional(),
  /**
   * Project addition. 'quickest' (default): agents that may use several exits re-choose every few
   * seconds by walking time plus the queue ahead at each exit (congestion-aware). 'shortest': nearest exit only.
   */
  routing: z.enum(['quickest', 'shortest']).optional(),
  /** Project addition: navigation grid cell size, m (default: 0.1–0.25 by floor size). */
  cellSize: finite.min(0.05).max(0.5).optional(),
});
export type Scenario = z.output<typeof ScenarioSchema>;

/** A bad scenario: `path` is the field path as written in messages, e.g. `agentGroups[1].area`. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  constructor(readonly path: string, readonly problem: string) {
    super(`${path || '(scenario)'}: ${problem}`);
  }
}

/** Formats a zod path as `agentGroups[1].area`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

/** Parses scenario JSON text; throws ScenarioError naming the first bad field (or "invalid JSON"). */
export function parseScenario(text: string): Scenario {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, '')); // a byte-order mark, as some Windows editors write
  } catch (e) {
    throw new ScenarioError('', `invalid JSON: ${(e as Error).message}`);
  }
  const r = ScenarioSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new ScenarioError(formatFieldPath(issue.path), zodIssueText(issue));
  }
  return r.data;
}

// ---------------------------------------------------------------- results

export interface AgentResult {
  id: number;
  group: string;
  start: Point;
  /** Time the agent starts moving (end of pre-movement), s. */
  startTime: number;
  /** Time it left, s; null if it did not leave by maxTime. */
  exitTime: number | null;
  exit: string | null;
  /** Walked distance, m. */
  distance: number;
  /** Project addition: false when no allowed open exit can be reached from its start. */
  reachable: boolean;
  /**
   * Project addition, only for someone still inside at the end: the id of the robot (obstaclesMoving) holding them up,
   * pressed against it or against the queue behind it (workers/sim/heldUp.ts).
   */
  heldBy?: string;
}

export interface LineResult { crossings: { t: number; agent: number; dir: 1 | -1 }[] }
export interface AreaResult {
  t: number[];
  /** Persons/m². */
  density: number[];
  /** Mean speed of the persons inside, m/s (0 when empty). */
  speed: number[];
}

export interface RunSummary { runs: number; mean: number | null; sd: number | null; min: number | null; p50: number | null; p95: number | null; max: number | null }

export interface SimulationResults {
  scenario: string;
  seed: number;
  agentsTotal: number;
  agentsEvacuated: number;
  /**
   * Project addition: agents that no allowed open exit can be reached from where they start (`reachable: false`),
   * a modelling fact (a room without a door, a storey without a stair), not a run that ran out of time.
   */
  agentsUnreachable: number;
  /** Time the last agent left, s; null if not all left by maxTime. */
  evacuationTime: number | null;
  agents: AgentResult[];
  lines: Record<string, LineResult>;
  areas: Record<string, AreaResult>;
  /** Only when `measurements.trajectories`: `[t, x, y]` rows, plus the floor id as a 4th item on multi-floor scenarios. */
  trajectories?: Record<string, (number | string)[][]>;
  runs: { seed: number; evacuationTime: number | null; agentsEvacuated: number }[];
  summary: RunSummary;
  /** agentStepsPerSecond and threads are project additions; threads: compute threads the run(s) used (a single run: 2 when a second thread shared its velocity stage). */
  performance: { wallSeconds: number; agentSteps: number; agentStepsPerSecond: number; threads?: number };
  /** Project addition: exit id → number of agents that left through it. */
  exitUsage: Record<string, number>;
  /** Project addition: modelling facts a person should know (unreachable agents, stopped early). */
  warnings: string[];
  /** Project addition: evacuated count per whole second, index = second. */
  evacuatedOverTime: number[];
}
