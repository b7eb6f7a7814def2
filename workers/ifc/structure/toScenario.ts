/**
 * Building structure → evacuation scenario (shared/spec/scenario.md), for `twin simulate FILE.ifc`.
 *
 * - floors: one per storey with a walkable map; `walkable` = the outer rings of the walkable
 *   polygons, `obstacles` = their holes (walls, columns, furniture cut at 1 m). Floor ids are the
 *   storey names (made unique with "#index" when two storeys share a name).
 * - links: one per stair/ramp joining two different storeys, entered across the bottom step and
 *   left across the top one (segments of the flight's width, nudged along the walking direction
 *   until they lie on the walkable map), with the walking length from the structure.
 * - exits: one per exit door (exterior door on the entrance level): the segment across the door
 *   opening at the outer end of the door passage, i.e. on the walkable boundary.
 * - agentGroups: one per space with walkable floor (named after it: Name and LongName), placed inside the part of the space that is
 *   walkable; counts proportional to area (`occupants`, largest remainder) or area × `density`
 *   (default 0.1 persons/m², an office occupant load of 10 m² per person). A model without spaces:
 *   one per walkable polygon of each storey, the same way. Spaces `wayOut` rejects get nobody
 *   (workers/sim/deriveScenario.ts passes it: the spaces people cannot leave).
 * Deterministic: the same structure and options give the same scenario.
 */
import type { AgentGroup, Exit, Floor, Link, Scenario } from '../../../common/scenario.js';
import type { BuildingStructure, PlanMultiPolygon, PlanPoint, PlanRing } from './BuildingStructure.js';
import polygonClipping from 'polygon-clipping';
import { cleanMultiPolygon, multiPolygonArea, pointInMultiPolygon, ringSignedArea } from './planGeometry.js';
import { differencePolygons } from './walkableMap.js';
import { selfIntersection } from '../../nav/planarGeometry.js';

export interface BuildingToScenarioOptions {
  /** Total occupants, spread over the spaces in proportion to their walkable area. */
  occupants?: number;
  /** Persons per m² of walkable space area (used when `occupants` is not given; default 0.1). */
  density?: number;
  /** Scenario seed (default 1). */
  seed?: number;
  /** Scenario name (default "IFC building"). */
  name?: string;
  /** Seconds (default: defaultMaxTime). */
  maxTime?: number;
  /**
   * Whether people placed in a space's walkable area (a scenario ring on a floor id) can get out; spaces where they
   * cannot get no occupants, and `occupants` is spread over the others (workers/sim/deriveScenario.ts). Default: all can.
   */
  wayOut?: (floor: string, area: [number, number][]) => boolean;
}

/**
 * Default maxTime of a derived scenario, s: 20 minutes, or three times what the exits need to pass everybody at
 * 1.3 P/(m·s) if that is longer (rounded up to 100 s). A fixed 1 200 s cut the sample's 10 000-person evacuation
 * off with 3 684 people inside, reported as not evacuated, though the building empties at 2 366 s. A run ends as
 * soon as everybody who can leave is out, so the margin costs nothing where people do leave.
 */
export function defaultMaxTime(people: number, exitWidth: number): number {
  const bound = exitWidth > 0 ? people / (1.3 * exitWidth) : 0;
  return Math.max(1200, Math.ceil((3 * bound) / 100) * 100);
}

/** Summed width of the exits' segments, m. */
export function totalExitWidth(exits: readonly { segment: [[number, number], [number, number]] }[]): number {
  return exits.reduce((w, e) => w + Math.hypot(e.segment[1][0] - e.segment[0][0], e.segment[1][1] - e.segment[0][1]), 0);
}

/** Why a derived scenario with no floor cannot be run (twin simulate and the app's Simulation panel say it). */
export function noWalkableReason(storeys: number): string {
  return `the model has nothing walkable: ${storeys === 1 ? 'its one storey has no' : `none of its ${storeys} storeys has`} walkable area (from its spaces, or, ` +
    'where it has none, its floor slabs less the walls and obstacles at body height), so nobody could be placed or walk out';
}

/** Why a derived scenario without exits cannot be run (twin simulate and the app's Simulation panel say it). */
export const NO_EXIT_REASON = 'the model has no exit: no door leads outside from its entrance storey (an IfcDoor in an exterior wall, between a space and the outside), so nobody could leave';

/** Default occupant density, persons/m² (office occupant load factor ≈ 10 m² per person). */
export const DEFAULT_OCCUPANT_DENSITY = 0.1;
/** Half depth of the door passage the structure keeps open (walkableMap), m: exits sit at its outer end. */
const PASSAGE_HALF_DEPTH = 0.5;
const round = (v: number) => Math.round(v * 1000) / 1000;
const roundPoint = (p: PlanPoint): [number, number] => [round(p[0]), round(p[1])];
/**
 * A ring rounded to the millimetre for the scenario, unless that makes it cross itself: the walkable map of real
 * models has slivers whose vertices lie under a millimetre apart (office-a: 36 rings, duplex: 13 crossed
 * themselves once rounded, and the scenario was rejected). Then the ring is kept as it is.
 */
function scenarioRing(ring: PlanRing): [number, number][] {
  const rounded = ring.map(roundPoint);
  return selfIntersection(rounded) < 0 ? rounded : ring.map((p): [number, number] => [p[0], p[1]]);
}

function segmentAcross(c: PlanPoint, dir: PlanPoint, width: number): [[number, number], [number, number]] {
  const perp: PlanPoint = [-dir[1], dir[0]];
  return [roundPoint([c[0] + (perp[0] * width) / 2, c[1] + (perp[1] * width) / 2]), roundPoint([c[0] - (perp[0] * width) / 2, c[1] - (perp[1] * width) / 2])];
}

/** Moves `c` along `dir` (0.1 m steps, up to 2 m either way, forward first) until it is on `walkable`. */
function nudgeOnto(c: PlanPoint, dir: PlanPoint, walkable: PlanMultiPolygon): PlanPoint {
  if (pointInMultiPolygon(c[0], c[1], walkable)) return c;
  for (let d = 0.1; d <= 2.0001; d += 0.1) {
    for (const s of [1, -1]) {
      const p: PlanPoint = [c[0] + dir[0] * d * s, c[1] + dir[1] * d * s];
      if (pointInMultiPolygon(p[0], p[1], walkable)) return p;
    }
  }
  return c;
}

function intersect(a: PlanMultiPolygon, b: PlanMultiPolygon): PlanMultiPolygon {
  if (!a.length || !b.length) return [];
  try {
    return cleanMultiPolygon(polygonClipping.intersection(a, b));
  } catch {
    // degenerate space outline: fall back to the space minus what is not walkable
    return differencePolygons(a, differencePolygons(a, b));
  }
}

/** Integer counts proportional to `weights` summing to `total` (largest remainder). */
function apportion(weights: number[], total: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || total <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (w / sum) * total);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) counts[order[k]!.i]!++;
  return counts;
}

export function buildingToScenario(structure: BuildingStructure, opts: BuildingToScenarioOptions = {}): Scenario {
  const seen = new Map<string, number>();
  for (const st of structure.storeys) seen.set(st.name, (seen.get(st.name) ?? 0) + 1);
  const floorId = (i: number) => {
    const name = structure.storeys[i]!.name.trim();
    return name && seen.get(structure.storeys[i]!.name) === 1 ? name : `${name || 'F'}#${i}`;
  };
  const floors: Floor[] = [];
  const onFloor = new Set<number>();
  for (const st of structure.storeys) {
    if (st.walkable.length === 0 || st.walkableArea <= 0) continue;
    onFloor.add(st.index);
    const walkable = st.walkable.map((poly) => scenarioRing(poly[0]!));
    const obstacles = st.walkable.flatMap((poly) => poly.slice(1)).map(scenarioRing);
    floors.push({ id: floorId(st.index), elevation: round(st.elevation), walkable, ...(obstacles.length ? { obstacles } : {}) });
  }

  const links: Link[] = [];
  for (const [k, s] of structure.stairs.entries()) {
    if (s.fromStorey === s.toStorey || !onFloor.has(s.fromStorey) || !onFloor.has(s.toStorey)) continue;
    const lower = structure.storeys[s.fromStorey]!.walkable;
    const upper = structure.storeys[s.toStorey]!.walkable;
    const bottom = nudgeOnto(s.bottom, [-s.bottomDirection[0], -s.bottomDirection[1]], lower);
    const top = nudgeOnto(s.top, s.topDirection, upper);
    const ramp = /ramp/i.test(s.type);
    links.push({
      id: `L${k + 1}`,
      kind: ramp ? 'ramp' : 'stairs',
      from: { floor: floorId(s.fromStorey), segment: segmentAcross(bottom, s.bottomDirection, s.width) },
      to: { floor: floorId(s.toStorey), segment: segmentAcross(top, s.topDirection, s.width) },
      length: round(s.length),
      ...(ramp ? {} : { speedFactor: 0.6 }),
    });
  }

  const exits: Exit[] = [];
  for (const d of structure.doors) {
    if (!d.exit || !onFloor.has(d.storey)) continue;
    // Outward normal: towards the side with no space; on storeys without spaces, towards off the walkable map.
    const n: PlanPoint = [-d.direction[1], d.direction[0]];
    let sign = d.spaces[0] === null && d.spaces[1] !== null ? 1 : d.spaces[1] === null && d.spaces[0] !== null ? -1 : 0;
    if (sign === 0) {
      const w = structure.storeys[d.storey]!.walkable;
      sign = pointInMultiPolygon(d.x + n[0] * 1.0, d.y + n[1] * 1.0, w) ? -1 : 1;
    }
    const c: PlanPoint = [d.x + n[0] * sign * PASSAGE_HALF_DEPTH, d.y + n[1] * sign * PASSAGE_HALF_DEPTH];
    exits.push({ id: `E${exits.length + 1}`, floor: floorId(d.storey), segment: segmentAcross(c, n, d.width), open: true });
  }

  // Occupants: per space, the walkable part of its footprint.
  const candidates: { floor: string; area: PlanRing; weight: number; name: string }[] = [];
  for (const sp of structure.spaces) {
    if (!onFloor.has(sp.storey)) continue;
    const part = intersect(sp.footprint, structure.storeys[sp.storey]!.walkable);
    const area = multiPolygonArea(part);
    if (area < 0.5) continue;
    const largest = part.reduce((a, b) => (Math.abs(ringSignedArea(b[0]!)) > Math.abs(ringSignedArea(a[0]!)) ? b : a));
    const name = sp.longName && sp.longName !== sp.name ? `${sp.name} ${sp.longName}` : sp.name;
    candidates.push({ floor: floorId(sp.storey), area: scenarioRing(largest[0]!), weight: Math.abs(ringSignedArea(largest[0]!)), name });
  }
  // A model without spaces (IfcSpace) still has people: they are spread over the walkable map of every storey.
  if (candidates.length === 0) {
    for (const st of structure.storeys) {
      if (!onFloor.has(st.index)) continue;
      for (const poly of st.walkable) {
        const area = multiPolygonArea([poly]);
        if (area >= 0.5) candidates.push({ floor: floorId(st.index), area: scenarioRing(poly[0]!), weight: area, name: st.name });
      }
    }
  }
  if (opts.wayOut) for (const c of candidates) if (!opts.wayOut(c.floor, c.area)) c.weight = 0;
  const counts =
    opts.occupants !== undefined
      ? apportion(candidates.map((c) => c.weight), Math.round(opts.occupants))
      : candidates.map((c) => Math.round(c.weight * (opts.density ?? DEFAULT_OCCUPANT_DENSITY)));
  const agentGroups: AgentGroup[] = [];
  candidates.forEach((c, i) => {
    if (counts[i]! > 0) agentGroups.push({ id: `G${agentGroups.length + 1}`, name: c.name, floor: c.floor, area: c.area, count: counts[i]! });
  });

  return {
    name: opts.name ?? 'IFC building',
    seed: opts.seed ?? 1,
    maxTime: opts.maxTime ?? defaultMaxTime(agentGroups.reduce((n, g) => n + (g.count ?? 0), 0), totalExitWidth(exits)),
    floors,
    links,
    exits,
    agentGroups,
  };
}
