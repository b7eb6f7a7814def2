/**
 * Start positions of every agent group: explicit positions (checked inside the walkable area), or
 * random non-overlapping positions inside `area` (random sequential adsorption, then a shuffled
 * hexagonal lattice when the area is dense). Throws ScenarioError naming the group field.
 *
 * Random positions go where a body of the group's radius can get out from (workers/nav/clearance.ts); only
 * when the area has too little of that room are the rest placed where they merely fit, shut in (`shutIn`).
 */
import { ScenarioError, type Scenario } from '../../common/scenario.js';
import { reachableWithClearance } from '../nav/clearance.js';
import type { NavMap } from '../nav/NavMap.js';
import { pointInPolygon } from '../nav/planarGeometry.js';
import type { SeededRandom } from './SeededRandom.js';
import { LINK_REACH } from './slotStages.js';

export interface Placement {
  group: number; floor: number; x: number; y: number; radius: number;
  /** No way out for this body from here to any of the group's allowed exits: only through gaps narrower than it. */
  shutIn: boolean;
}

/** Open exits each agent group may use (scenario exit indices): its `exits`, else all. */
export function allowedExits(s: Scenario, nav: NavMap): number[][] {
  const exitIndex = new Map(s.exits.map((e, i) => [e.id, i]));
  return s.agentGroups.map((g) => (g.exits ? g.exits.map((id) => exitIndex.get(id)!) : s.exits.map((_, i) => i)).filter((i) => nav.fields[i] !== null));
}

export const DEFAULT_RADIUS = 0.2;
/** Gap kept between bodies and to walls at placement, m. */
const GAP = 0.01;

/** Per NavMap (immutable): `${radius}|${exits}` → reachableWithClearance's masks (read only). */
const clearanceMasks = new WeakMap<NavMap, Map<string, Uint8Array[]>>();

/**
 * Per floor, 1 on the cells from which a body of radius `r` can get out through one of `exits` (scenario exit
 * indices): reachableWithClearance at the clearance the motion model lets a body squeeze through. Kept with the
 * map, per exits and radius (one entry for most scenarios): Monte-Carlo runs share one NavMap per worker.
 */
export function wayOutMask(nav: NavMap, exits: readonly number[], r: number): Uint8Array[] {
  let masks = clearanceMasks.get(nav);
  if (!masks) clearanceMasks.set(nav, (masks = new Map()));
  const key = `${r}|${exits.join(',')}`;
  let m = masks.get(key);
  if (!m) masks.set(key, (m = reachableWithClearance(nav, exits, { clearance: r / 2, linkReach: r + LINK_REACH, minExitWidth: 2 * r })));
  return m;
}

/** The cells of `grid` within the box: centre and cell index. */
function cellsIn(grid: NavMap['grids'][number], minX: number, minY: number, maxX: number, maxY: number): [number, number, number][] {
  const i0 = Math.max(0, Math.floor((minX - grid.x0) / grid.h)), i1 = Math.min(grid.nx - 1, Math.floor((maxX - grid.x0) / grid.h));
  const j0 = Math.max(0, Math.floor((minY - grid.y0) / grid.h)), j1 = Math.min(grid.ny - 1, Math.floor((maxY - grid.y0) / grid.h));
  const out: [number, number, number][] = [];
  for (let j = j0; j <= j1; j++) for (let i = i0; i <= i1; i++) out.push([grid.x0 + (i + 0.5) * grid.h, grid.y0 + (j + 0.5) * grid.h, j * grid.nx + i]);
  return out;
}

/** True when some cell of `grid` whose centre lies in `area` is set in `mask` (a body placed there can get out). */
export function areaHasWayOut(mask: Uint8Array, grid: NavMap['grids'][number], area: readonly (readonly [number, number])[]): boolean {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const [x, y] of area) { minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y); }
  return cellsIn(grid, minX, minY, maxX, maxY).some(([x, y, c]) => mask[c] === 1 && pointInPolygon(x, y, area));
}

export function placeAgents(s: Scenario, nav: NavMap, rng: SeededRandom): Placement[] {
  const out: Placement[] = [];
  const hash = new Map<string, number[]>(); // floor:cx:cy (1 m cells) → indices in out
  const key = (f: number, x: number, y: number) => `${f}:${Math.floor(x)}:${Math.floor(y)}`;
  /** The first placed body closer than `gap` to a body of radius r at (x, y) on floor f (its index in out), or -1. */
  const clash = (f: number, x: number, y: number, r: number, gap: number): number => {
    for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) {
      for (const k of hash.get(key(f, x + dx, y + dy)) ?? []) {
        const p = out[k]!;
        if (Math.hypot(p.x - x, p.y - y) < p.radius + r + gap) return k;
      }
    }
    return -1;
  };
  const free = (f: number, x: number, y: number, r: number) => clash(f, x, y, r, GAP) < 0;
  /** Field path of each placed body given by position (others: undefined), for the overlap message. */
  const given: (string | undefined)[] = [];
  const add = (p: Placement) => {
    const k = key(p.floor, p.x, p.y);
    (hash.get(k) ?? hash.set(k, []).get(k)!).push(out.length);
    out.push(p);
  };
  const allowed = allowedExits(s, nav);
  s.agentGroups.forEach((g, gi) => {
    const f = nav.floorIndex.get(g.floor)!, grid = nav.grids[f]!, floor = s.floors[f]!;
    const r = g.radius ?? DEFAULT_RADIUS;
    const reach = wayOutMask(nav, allowed[gi]!, r)[f]!;
    const canLeave = (x: number, y: number) => { const c = grid.cellIndex(x, y); return c >= 0 && reach[c] === 1; };
    const inWalkable = (x: number, y: number) =>
      floor.walkable.some((w) => pointInPolygon(x, y, w)) && !(floor.obstacles ?? []).some((o) => pointInPolygon(x, y, o));
    if (g.positions) {
      g.positions.forEach(([x, y], j) => {
        if (!inWalkable(x, y) || !grid.isWalkable(x, y))
          throw new ScenarioError(`agentGroups[${gi}].positions[${j}]`, `[${x}, ${y}] is outside the walkable area of floor "${g.floor}"`);
        // Two bodies in one place: the model cannot part them (it took them and walked them out as one).
        const k = clash(f, x, y, r, 0);
        if (k >= 0) {
          const other = out[k]!;
          throw new ScenarioError(`agentGroups[${gi}].positions[${j}]`, `[${x}, ${y}] overlaps ${given[k] ?? `someone placed in agentGroups[${other.group}].area`} at [${other.x}, ${other.y}] ` +
            `(bodies of radius ${r} and ${other.radius} m need ${+(r + other.radius).toFixed(3)} m between centres)`);
        }
        given[out.length] = `agentGroups[${gi}].positions[${j}]`;
        add({ group: gi, floor: f, x, y, radius: r, shutIn: !canLeave(x, y) });
      });
      return;
    }
    const area = g.area!, count = g.count!;
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const [x, y] of area) { minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y); }
    const fits = (x: number, y: number) => pointInPolygon(x, y, area) && grid.isWalkable(x, y) && grid.sampleWallDist(x, y) >= r + GAP && inWalkable(x, y) && free(f, x, y, r);
    let placed = 0;
    // First where the body can get out from; then, if that room is short (or there is none: a roof no stair
    // reaches), where it merely fits.
    for (const leaving of areaHasWayOut(reach, grid, area) ? [true, false] : [false]) {
      const ok = leaving ? (x: number, y: number) => canLeave(x, y) && fits(x, y) : fits;
      for (let tries = 0; placed < count && tries < count * 60 + 1000; tries++) {
        const x = minX + (maxX - minX) * rng.next(), y = minY + (maxY - minY) * rng.next();
        if (ok(x, y)) { add({ group: gi, floor: f, x, y, radius: r, shutIn: !leaving && !canLeave(x, y) }); placed++; }
      }
      if (placed < count) {
        // Dense fill: hexagonal lattice at body spacing, in random order.
        const s2 = 2 * r + 2 * GAP, rowH = (s2 * Math.sqrt(3)) / 2;
        const cand: [number, number][] = [];
        for (let row = 0, y = minY + r; y <= maxY - r; y += rowH, row++) for (let x = minX + r + (row % 2 ? s2 / 2 : 0); x <= maxX - r; x += s2) cand.push([x, y]);
        for (let i = cand.length - 1; i > 0; i--) { const j = Math.floor(rng.next() * (i + 1)); [cand[i], cand[j]] = [cand[j]!, cand[i]!]; }
        for (const [x, y] of cand) { if (placed >= count) break; if (ok(x, y)) { add({ group: gi, floor: f, x, y, radius: r, shutIn: !leaving && !canLeave(x, y) }); placed++; } }
      }
      if (placed >= count) break;
    }
    // Nobody placed because the area is not on the floor at all: the area is at fault, not the count.
    if (placed === 0 && !cellsIn(grid, minX, minY, maxX, maxY).some(([x, y]) => pointInPolygon(x, y, area) && grid.isWalkable(x, y) && inWalkable(x, y)))
      throw new ScenarioError(`agentGroups[${gi}].area`, `lies outside the walkable area of floor "${g.floor}"`);
    if (placed < count)
      throw new ScenarioError(`agentGroups[${gi}].count`, `${count} agents of radius ${r} m do not fit in agentGroups[${gi}].area on floor "${g.floor}" (room for ${placed})`);
  });
  return out;
}
