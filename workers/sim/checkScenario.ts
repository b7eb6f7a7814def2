/**
 * Semantic checks of a structurally valid scenario (JuPedSim habit: bad input throws an error that
 * names the bad id). Throws ScenarioError with the field path. Geometric placement checks (agents
 * inside the walkable area, enough room, portals on a walkable edge) happen where the grid exists
 * (NavMap, placeAgents). Unreachable exits for placed agents are a modelling fact, reported in results.
 */
import { ScenarioError, type Distribution, type Polygon, type Scenario } from '../../common/scenario.js';
import { polygonArea, selfIntersection } from '../nav/planarGeometry.js';
import { DEFAULT_RADIUS } from './placeAgents.js';

/** Fastest free speed accepted, m/s: a sprinter peaks near 12; the model, its walls and its time step assume walking. */
export const MAX_FREE_SPEED = 10;
/** Most measurement lines, and areas, a scenario may have (each is checked every step). */
export const MAX_MEASUREMENTS = 10_000;

export function checkScenario(s: Scenario): void {
  const floors = new Set<string>();
  s.floors.forEach((f, i) => {
    if (floors.has(f.id)) throw new ScenarioError(`floors[${i}].id`, `duplicate floor id "${f.id}"`);
    floors.add(f.id);
    f.walkable.forEach((p, k) => simple(p, `floors[${i}].walkable[${k}]`));
    (f.obstacles ?? []).forEach((p, k) => simple(p, `floors[${i}].obstacles[${k}]`));
  });
  const floor = (id: string, path: string) => {
    if (!floors.has(id)) throw new ScenarioError(path, `unknown floor id "${id}" (floors: ${[...floors].join(', ')})`);
  };
  const exits = new Map<string, boolean>();
  s.exits.forEach((e, i) => {
    if (exits.has(e.id)) throw new ScenarioError(`exits[${i}].id`, `duplicate exit id "${e.id}"`);
    exits.set(e.id, e.open !== false);
    floor(e.floor, `exits[${i}].floor`);
  });
  if (![...exits.values()].some(Boolean)) throw new ScenarioError('exits', 'every exit is closed: agents could never leave');
  (s.links ?? []).forEach((l, i) => { floor(l.from.floor, `links[${i}].from.floor`); floor(l.to.floor, `links[${i}].to.floor`); });
  (s.zones ?? []).forEach((z, i) => { floor(z.floor, `zones[${i}].floor`); simple(z.polygon, `zones[${i}].polygon`); });
  const groups = new Set<string>();
  s.agentGroups.forEach((g, i) => {
    const at = `agentGroups[${i}]`;
    if (groups.has(g.id)) throw new ScenarioError(`${at}.id`, `duplicate group id "${g.id}"`);
    groups.add(g.id);
    floor(g.floor, `${at}.floor`);
    if (g.area) simple(g.area, `${at}.area`);
    if (g.speed) { positive(g.speed, `${at}.speed`); notTooFast(g.speed, `${at}.speed`); }
    if (g.area && g.count !== undefined) {
      // Even packed edge to edge (hexagonal) a body of radius r takes 2√3 r² of floor. Checked before placement, whose
      // tries grow with the count (a count of 1e9 kept twin simulate busy for good).
      const r = g.radius ?? DEFAULT_RADIUS, area = Math.abs(polygonArea(g.area)), most = Math.floor(area / (2 * Math.sqrt(3) * r * r));
      if (g.count > most) throw new ScenarioError(`${at}.count`, `${g.count} agents of radius ${r} m do not fit in ${at}.area (${Math.round(area * 10) / 10} m²): even packed edge to edge it holds at most ${most}`);
    }
    if (g.exits) {
      g.exits.forEach((e, k) => { if (!exits.has(e)) throw new ScenarioError(`${at}.exits[${k}]`, `unknown exit id "${e}" (exits: ${[...exits.keys()].join(', ')})`); });
      if (!g.exits.some((e) => exits.get(e))) throw new ScenarioError(`${at}.exits`, `none of the allowed exits (${g.exits.join(', ')}) is open`);
    }
  });
  (s.obstaclesMoving ?? []).forEach((r, i) => floor(r.floor, `obstaclesMoving[${i}].floor`));
  for (const k of ['lines', 'areas'] as const) {
    const n = s.measurements?.[k]?.length ?? 0;
    if (n > MAX_MEASUREMENTS) throw new ScenarioError(`measurements.${k}`, `${n} ${k}: at most ${MAX_MEASUREMENTS.toLocaleString('en-US')} (each is checked at every step)`);
  }
  (s.measurements?.lines ?? []).forEach((l, i) => floor(l.floor, `measurements.lines[${i}].floor`));
  (s.measurements?.areas ?? []).forEach((a, i) => { floor(a.floor, `measurements.areas[${i}].floor`); simple(a.polygon, `measurements.areas[${i}].polygon`); });
}

function simple(p: Polygon, path: string): void {
  const e = selfIntersection(p);
  if (e >= 0) throw new ScenarioError(path, `self-intersecting polygon (edge ${e} from [${p[e]!.join(', ')}] crosses another edge)`);
}

/** Speeds must be strictly positive: an agent with speed 0 could never evacuate. */
function positive(d: Distribution, path: string): void {
  const bad = d.dist === 'constant' ? d.value <= 0 : d.dist === 'uniform' ? d.min <= 0 : d.mean <= 0 || (d.min !== undefined && d.min <= 0 && d.sd > 0 && d.min === 0);
  if (bad) throw new ScenarioError(path, 'speeds must be > 0 m/s');
}

/** Free speeds above MAX_FREE_SPEED are not walking (1e6 m/s was taken, and nobody got out). */
function notTooFast(d: Distribution, path: string): void {
  const top = d.dist === 'constant' ? d.value : d.dist === 'uniform' ? d.max : d.max ?? d.mean;
  if (top > MAX_FREE_SPEED) throw new ScenarioError(path, `free speeds must be ≤ ${MAX_FREE_SPEED} m/s (got ${top})`);
}
