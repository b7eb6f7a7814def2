/**
 * The testbed layout of ANY loaded model: turns a BuildingStructure (common/buildingStructure.ts,
 * extracted from an IFC) into the TestbedLayout (common/testbedLayout.ts) that the testbed
 * simulator's walk graph, robots, crowd, beacons, radio model and bus run on, so the simulated day
 * happens on the building the user opened. Building frame as in both contracts (metres, x east,
 * y north); the model's storey names are the floor labels, so records land on the model's storeys.
 *
 * Decisions (what a derived layout can and cannot know):
 *  - Storeys: those with walkable area from spaces or slabs (foundation and roof storeys walkable only
 *    by the hull of their walls are left out when any such storey exists), re-indexed from 0.
 *  - Spaces are pieces of the walkable map (which already has obstacles cut out and door passages
 *    kept open): each IfcSpace footprint ∩ walkable is a space named after the IfcSpace (id = its
 *    GlobalId, the zone id the people-flow panel uses for the model; further pieces get "#2", …).
 *    Walkable area outside every IfcSpace is either a thin strip — a door passage or an opening in a
 *    wall, merged into the space it touches most, so the space reaches the neighbour it leads to — or,
 *    when at least MIN_AREA_M2 and wider than MIN_WIDTH_M, an unnamed area of its own ("<storey> area
 *    N"). Without IfcSpaces the walkable map's connected polygons are the spaces.
 *  - Every space is cut into hole-free pieces (simplePieces.ts: columns and furniture inside a room
 *    are holes the routes must go round) of at most MAX_SPACE_AREA_M2 / MAX_SPACE_SIDE_M.
 *  - Connections: IfcDoors (their two sides found by probing across the door), and shared boundaries
 *    with no wall on them (rooms that touch without a door in the IFC — an open kitchen, a corridor
 *    cut in pieces — ARE connected: there is nothing between them to stop anyone). Spaces that
 *    nothing connects to a main part of their storey (MAIN_COMPONENT_SHARE) are dropped (a room whose
 *    door the model does not have is a room no robot or person can reach); `notes` says how much.
 *  - Walls: straight wall-like obstacle outlines (wallsFromObstacles.ts), for radio attenuation.
 *  - Stairs: IfcStair/flight footprints; ends that fall outside every space snap to the nearest one.
 *  - Site: the bus road loop is the building's bounding box grown by ROAD_OFFSET_M, with stops
 *    west and east; the site polygon by SITE_OFFSET_M. Georeference: the model's, else DEFAULT_GEOREFERENCE.
 *  - Usage (robot tasks, crowd destinations): from the space's names (corridor/Flur, office/Büro,
 *    lab, stair/Treppe, hall/lobby/living/kitchen …), else from its shape (long and narrow: corridor;
 *    large: hall; else office).
 */
import type { BuildingStructure, PlanMultiPolygon, PlanPolygon, PlanRing, StructureSpace } from '../../common/buildingStructure.js';
import type { TestbedDoor, TestbedLayout, TestbedSpace, TestbedSpaceUsage, TestbedStair, TestbedWall } from '../../common/testbedLayout.js';
import { convexHull, multiPolygonArea, ringSignedArea } from '../ifc/structure/planGeometry.js';
import { differencePolygons, unionPolygons } from '../ifc/structure/walkableMap.js';
import { distanceToRing, pointInRing, ringCentroid } from './planGeometry.js';
import { intersectPolygons, simplePieces } from './simplePieces.js';
import { wallsFromObstacles } from './wallsFromObstacles.js';
import { WalkGraph } from './WalkGraph.js';
import { counted } from '../../common/plural.js';

/** Where the building is when the model has no georeference: the testbed sample's site (Haneda). */
export const DEFAULT_GEOREFERENCE = { lat: 35.5494, lon: 139.7798, trueNorth: 0 } as const;
/** Pieces larger than this are split (m²): robots and people need destinations, counts need zones. */
export const MAX_SPACE_AREA_M2 = 250;
export const MAX_SPACE_SIDE_M = 30;
/** Walkable area outside every IfcSpace becomes a space of its own from this size (m²) and mean width (m). */
const MIN_AREA_M2 = 3;
const MIN_WIDTH_M = 1;
/** Pieces smaller than this are dropped (m²). */
const MIN_PIECE_M2 = 0.5;
/** Storeys with less walkable area than this are left out (m²). */
const MIN_STOREY_M2 = 4;
/**
 * A connected part of a storey is kept when its area is at least this share of the storey's largest:
 * the two flats of a duplex both stay, a closet with no door in the model goes.
 */
const MAIN_COMPONENT_SHARE = 0.25;
const ROAD_OFFSET_M = 15;
const SITE_OFFSET_M = 30;
/** Distances across a door at which its two sides are looked for, m. */
const DOOR_PROBES_M = [0.35, 0.5, 0.7, 1.0];

export interface LayoutFromStructureOptions {
  /** Receives one line per decision worth knowing (storeys left out, spaces dropped as unreachable). */
  notes?: string[];
  /** Drop spaces not connected to their storey's largest component (default true; false shows the raw derivation). */
  dropUnreachable?: boolean;
}

interface Piece {
  ring: PlanRing;
  /** Index into structure.spaces, or null for walkable area outside every IfcSpace. */
  space: number | null;
}

/** Builds the testbed layout of a model (see the module comment). Throws an Error naming the model when nothing in it is walkable. */
export function layoutFromStructure(structure: BuildingStructure, name: string, options: LayoutFromStructureOptions = {}): TestbedLayout {
  const notes = options.notes ?? [];
  const walkableStoreys = structure.storeys.filter((s) => s.walkableArea >= MIN_STOREY_M2 && s.walkable.length > 0);
  const occupied = walkableStoreys.filter((s) => s.walkableSource === 'spaces' || s.walkableSource === 'slabs');
  const kept = occupied.length > 0 ? occupied : walkableStoreys;
  if (kept.length === 0) {
    // A damaged placement can throw the whole building out of range: then that is why, not the floor area.
    const far = structure.skipped ? `; ${structure.skipped.elements} elements lie beyond 10 000 km of the origin and were left out (${structure.skipped.examples.join(', ')}): the file is damaged or its coordinates are not metres` : '';
    throw new Error(`layoutFromStructure: ${name}: no storey has walkable area (${counted(structure.storeys.length, 'storey')}, ${structure.storeys.length === 1 ? 'with less than' : 'none with ≥'} ${MIN_STOREY_M2} m²)${far}`);
  }
  for (const s of structure.storeys) if (!kept.includes(s)) notes.push(`storey "${s.name}" left out (walkable ${s.walkableArea.toFixed(0)} m² from ${s.walkableSource})`);
  const newIndex = new Map<number, number>(kept.map((s, i) => [s.index, i]));
  const names = uniqueNames(kept.map((s) => s.name.trim() || `Storey ${s.index + 1}`));
  const storeys = kept.map((s, i) => {
    const next = kept[i + 1];
    const height = next ? next.elevation - s.elevation : i > 0 ? s.elevation - kept[i - 1]!.elevation : 3;
    return { index: i, name: names[i]!, elevation: s.elevation, height: height > 1.5 && height < 30 ? height : 3 };
  });

  // Spaces: walkable pieces per storey.
  let spaces: TestbedSpace[] = [];
  const pieceCount = new Map<string, number>();
  for (const st of kept) {
    const index = newIndex.get(st.index)!;
    const pieces = piecesOfStorey(structure, st.index, st.walkable);
    let areaNo = 0;
    for (const p of pieces) {
      const sp = p.space !== null ? structure.spaces[p.space]! : null;
      const baseId = sp ? sp.globalId || `${names[index]}-${sp.name}` : `${names[index]}-A${String(++areaNo).padStart(2, '0')}`;
      const baseName = sp ? (sp.longName?.trim() || sp.name.trim() || sp.globalId) : `${names[index]} area ${areaNo}`;
      const k = (pieceCount.get(baseId) ?? 0) + 1;
      pieceCount.set(baseId, k);
      spaces.push({
        id: k === 1 ? baseId : `${baseId}#${k}`,
        name: k === 1 ? baseName : `${baseName} #${k}`,
        storey: index,
        usage: usageOf(sp, p.ring),
        polygon: p.ring.map(([x, y]) => [r4(x), r4(y)] as [number, number]),
      });
    }
  }

  const locate = spaceLocator(spaces);
  const doors = doorsOf(structure, newIndex, spaces, locate);
  const stairs = stairsOf(structure, newIndex, spaces, locate);
  const walls: TestbedWall[] = [];
  for (const st of kept) {
    const index = newIndex.get(st.index)!;
    walls.push(...wallsFromObstacles(index, st.obstacles, (x, y) => locate(index, x, y) < 0));
  }

  // Reachability: drop spaces outside their storey's largest connected component.
  const draft = { storeys, spaces, doors, stairs, walls };
  const reachable = options.dropUnreachable === false ? new Set(spaces.map((s) => s.id)) : reachableSpaces(draft);
  if (reachable.size < spaces.length) {
    const dropped = spaces.filter((s) => !reachable.has(s.id));
    const area = dropped.reduce((a, s) => a + Math.abs(ringSignedArea(s.polygon)), 0);
    // Pieces, not IfcSpaces: each space's footprint parts and the walkable areas between spaces ("7 of 117" of a model
    // with 99 spaces read as a miscount); named, so a planner can find them.
    const named = dropped.slice(0, 6).map((d) => `${d.name} (${storeys[d.storey]!.name})`).join(', ') + (dropped.length > 6 ? `, … ${dropped.length - 6} more` : '');
    notes.push(`${dropped.length} of ${spaces.length} walkable pieces (spaces' footprint parts and the areas between them; ${area.toFixed(1)} m²) dropped: not connected to the rest of their storey: ${named}`);
    spaces = spaces.filter((s) => reachable.has(s.id));
  }
  const ids = new Set(spaces.map((s) => s.id));
  const keptDoors = doors.filter((d) => d.between.every((b) => b === 'outside' || ids.has(b)));
  const locateKept = spaceLocator(spaces);
  const keptStairs = stairs.filter((s) => locateKept(s.fromStorey, s.bottom[0], s.bottom[1]) >= 0 && locateKept(s.toStorey, s.top[0], s.top[1]) >= 0);
  if (keptStairs.length < stairs.length) notes.push(`${stairs.length - keptStairs.length} stairs dropped: an end is in no reachable space`);

  return {
    name,
    georeference: structure.georeference ? { ...structure.georeference } : { ...DEFAULT_GEOREFERENCE },
    site: siteOf(spaces, keptStairs),
    storeys,
    spaces,
    doors: keptDoors,
    stairs: keptStairs,
    walls,
  };
}

/** Walkable pieces of one storey (see the module comment). */
function piecesOfStorey(structure: BuildingStructure, storey: number, walkable: PlanMultiPolygon): Piece[] {
  const limits = { maxArea: MAX_SPACE_AREA_M2, maxSide: MAX_SPACE_SIDE_M, minArea: MIN_PIECE_M2 };
  const own = structure.spaces.map((sp, i) => [sp, i] as const).filter(([sp]) => sp.storey === storey && sp.footprint.length > 0);
  const out: Piece[] = [];
  if (own.length === 0) {
    for (const poly of walkable) for (const ring of simplePieces(poly, limits)) out.push({ ring, space: null });
    return out;
  }
  // Each space's share of the walkable map; what is left over is strips (passages) or unnamed areas.
  const regions: { space: number | null; mp: PlanMultiPolygon }[] = own.map(([sp, i]) => ({ space: i, mp: intersectPolygons(sp.footprint, walkable) }));
  const leftover = differencePolygons(walkable, own.flatMap(([sp]) => sp.footprint));
  const merges = new Map<number, PlanPolygon[]>();
  for (const poly of leftover) {
    const outer = poly[0]!;
    const area = multiPolygonArea([poly]);
    const perimeter = outer.reduce((s, p, i) => s + Math.hypot(outer[(i + 1) % outer.length]![0] - p[0], outer[(i + 1) % outer.length]![1] - p[1]), 0);
    const meanWidth = (2 * area) / Math.max(1e-9, perimeter);
    const target = area >= MIN_AREA_M2 && meanWidth >= MIN_WIDTH_M ? -1 : mostContact(outer, regions);
    if (target < 0) regions.push({ space: null, mp: [poly] });
    else (merges.get(target) ?? merges.set(target, []).get(target)!).push(poly);
  }
  for (const [target, polys] of merges) regions[target]!.mp = unionPolygons([...regions[target]!.mp, ...polys]);
  for (const r of regions) for (const poly of r.mp) for (const ring of simplePieces(poly, limits)) out.push({ ring, space: r.space });
  return out;
}

/** Index of the region whose boundary the ring touches along the longest stretch (sampled every 5 cm), or -1. */
function mostContact(ring: PlanRing, regions: { mp: PlanMultiPolygon }[]): number {
  const samples: [number, number][] = [];
  for (let i = 0; i < ring.length; i++) {
    const p = ring[i]!, q = ring[(i + 1) % ring.length]!;
    const n = Math.max(1, Math.ceil(Math.hypot(q[0] - p[0], q[1] - p[1]) / 0.05));
    for (let k = 0; k < n; k++) samples.push([p[0] + ((q[0] - p[0]) * (k + 0.5)) / n, p[1] + ((q[1] - p[1]) * (k + 0.5)) / n]);
  }
  let best = -1, bestCount = 0;
  regions.forEach((r, i) => {
    let count = 0;
    for (const [x, y] of samples) if (r.mp.some((poly) => poly.some((rg) => distanceToRing(rg, x, y) < 0.01))) count++;
    if (count > bestCount) { bestCount = count; best = i; }
  });
  return best;
}

/** (storey, x, y) → index into `spaces`, or -1. */
function spaceLocator(spaces: readonly TestbedSpace[]): (storey: number, x: number, y: number) => number {
  const boxes = spaces.map((s) => {
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const [x, y] of s.polygon) { minX = Math.min(minX, x); minY = Math.min(minY, y); maxX = Math.max(maxX, x); maxY = Math.max(maxY, y); }
    return [minX, minY, maxX, maxY] as const;
  });
  return (storey, x, y) => {
    for (let i = 0; i < spaces.length; i++) {
      const s = spaces[i]!, b = boxes[i]!;
      if (s.storey !== storey || x < b[0] || x > b[2] || y < b[1] || y > b[3]) continue;
      if (pointInRing(s.polygon, x, y)) return i;
    }
    return -1;
  };
}

function doorsOf(structure: BuildingStructure, newIndex: Map<number, number>, spaces: readonly TestbedSpace[], locate: (s: number, x: number, y: number) => number): TestbedDoor[] {
  const out: TestbedDoor[] = [];
  for (const d of structure.doors) {
    const storey = newIndex.get(d.storey);
    if (storey === undefined) continue;
    const [ux, uy] = d.direction;
    const nx = -uy, ny = ux;
    const side = (sgn: number): number => {
      for (const t of DOOR_PROBES_M) {
        const i = locate(storey, d.x + sgn * nx * t, d.y + sgn * ny * t);
        if (i >= 0) return i;
      }
      return -1;
    };
    let a = side(1), b = side(-1);
    // An exit whose passage was merged into the space inside: both probes land in it.
    if (a >= 0 && a === b && d.exterior) b = -1;
    // Both sides in one space (the passage merged into it), nothing on either side, or a dead end inside.
    if ((a >= 0 && a === b) || (a < 0 && b < 0) || ((a < 0 || b < 0) && !d.exterior)) continue;
    out.push({
      id: d.globalId || `door-${d.expressID}`,
      storey,
      x: r4(d.x), y: r4(d.y),
      width: r4(d.width),
      orientation: Math.abs(ux) >= Math.abs(uy) ? 'x' : 'y',
      between: [a < 0 ? 'outside' : spaces[a]!.id, b < 0 ? 'outside' : spaces[b]!.id],
      exterior: a < 0 || b < 0,
    });
  }
  return out;
}

/** A point inside a space of `storey` at (or nearest to) (x, y): itself when inside one, else 0.3 m into the nearest. */
function snapInside(spaces: readonly TestbedSpace[], locate: (s: number, x: number, y: number) => number, storey: number, x: number, y: number): [number, number] | null {
  if (locate(storey, x, y) >= 0) return [x, y];
  let best: TestbedSpace | null = null, bestD = Infinity;
  for (const s of spaces) {
    if (s.storey !== storey) continue;
    const d = distanceToRing(s.polygon, x, y);
    if (d < bestD) { bestD = d; best = s; }
  }
  if (!best || bestD > 3) return null;
  const [cx, cy] = ringCentroid(best.polygon);
  const len = Math.hypot(cx - x, cy - y) || 1;
  for (const t of [bestD + 0.3, bestD + 0.6, bestD + 1]) {
    const px = x + ((cx - x) / len) * t, py = y + ((cy - y) / len) * t;
    if (pointInRing(best.polygon, px, py)) return [px, py];
  }
  return pointInRing(best.polygon, cx, cy) ? [cx, cy] : null;
}

function stairsOf(structure: BuildingStructure, newIndex: Map<number, number>, spaces: readonly TestbedSpace[], locate: (s: number, x: number, y: number) => number): TestbedStair[] {
  const out: TestbedStair[] = [];
  for (const s of structure.stairs) {
    const from = newIndex.get(s.fromStorey), to = newIndex.get(s.toStorey);
    if (from === undefined || to === undefined || from === to) continue;
    const bottom = snapInside(spaces, locate, from, s.bottom[0], s.bottom[1]);
    const top = snapInside(spaces, locate, to, s.top[0], s.top[1]);
    if (!bottom || !top) continue;
    const hull = convexHull(s.footprint);
    out.push({
      id: s.globalId || `stair-${s.expressID}`,
      fromStorey: from, toStorey: to,
      polygon: (hull.length >= 3 ? hull : [bottom, top, bottom]).map(([x, y]) => [r4(x), r4(y)] as [number, number]),
      bottom: [r4(bottom[0]), r4(bottom[1])], top: [r4(top[0]), r4(top[1])],
      width: r4(Math.max(0.6, s.width)),
      length: r4(Math.max(s.length, Math.hypot(top[0] - bottom[0], top[1] - bottom[1]))),
    });
  }
  return out;
}

function siteOf(spaces: readonly TestbedSpace[], stairs: readonly TestbedStair[]): TestbedLayout['site'] {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const ring of [...spaces.map((s) => s.polygon), ...stairs.map((s) => s.polygon)]) {
    for (const [x, y] of ring) { minX = Math.min(minX, x); minY = Math.min(minY, y); maxX = Math.max(maxX, x); maxY = Math.max(maxY, y); }
  }
  const rect = (m: number): [number, number][] => [[minX - m, minY - m], [maxX + m, minY - m], [maxX + m, maxY + m], [minX - m, maxY + m]].map(([x, y]) => [r4(x!), r4(y!)] as [number, number]);
  const midY = r4((minY + maxY) / 2);
  return {
    polygon: rect(SITE_OFFSET_M),
    roadLoop: rect(ROAD_OFFSET_M),
    busStops: [
      { id: 'BUS-W', x: r4(minX - ROAD_OFFSET_M), y: midY },
      { id: 'BUS-E', x: r4(maxX + ROAD_OFFSET_M), y: midY },
    ],
  };
}

/** Ids of the spaces in walk-graph components of at least MAIN_COMPONENT_SHARE of their storey's largest (by area). */
function reachableSpaces(layout: Pick<TestbedLayout, 'storeys' | 'spaces' | 'doors' | 'stairs' | 'walls'>): Set<string> {
  const graph = new WalkGraph(layout, { routes: false });
  const out = new Set<string>();
  for (const list of graph.spacesByStorey) {
    if (!list?.length) continue;
    // A space's component: that of its nodes (a space without nodes — no door, no opening — is alone).
    const compOf = list.map((i, k) => {
      const node = graph.spaces[i]!.nodes[0];
      return node === undefined ? -1 - k : graph.nodeComponent[node]!;
    });
    const find = (k: number) => compOf[k]!;
    const area = new Map<number, number>();
    list.forEach((i, k) => area.set(find(k), (area.get(find(k)) ?? 0) + graph.spaces[i]!.area));
    const largest = Math.max(...area.values());
    list.forEach((i, k) => {
      if (area.get(find(k))! >= MAIN_COMPONENT_SHARE * largest) out.add(graph.spaces[i]!.id);
    });
  }
  return out;
}

const USAGE_WORDS: [RegExp, TestbedSpaceUsage][] = [
  [/stair|treppe|escalier|scala/i, 'stair'],
  [/atri/i, 'atrium'],
  [/corr|flur|hallway|gang|passage|circulation|diele|vestib/i, 'corridor'],
  [/lobby|foyer|entr|eingang|reception|empfang/i, 'lobby'],
  // Before 'lab' and 'office': "Bathroom", "TELE/COMM RM", "JAN", "RECYCL #2" were offices drawing people like one.
  [/toilet|\bwc\b|restroom|rest ?room|lavator|bath|\bbad\b|dusche|shower|utility|janitor|\bjan\b|closet|recycl|shaft|schacht|\belev|\blift\b|aufzug|riser|tele ?\/ ?comm|\bcomm\b/i, 'service'],
  [/lab|server|workshop|werkstatt|technik|plant|mech|elec|storage|lager|abstell/i, 'lab'],
  [/office|büro|buero|bureau|work|arbeit|study|meeting|conference|besprech/i, 'office'],
  [/hall|living|wohn|kitchen|küche|kueche|dining|ess|galer|lounge|cafe|canteen|open/i, 'hall'],
];

/** Below this floor area an unnamed space is a closet or shaft (service), not an office, m². */
const SERVICE_MAX_M2 = 4;

/** Usage of a space from its names, else its shape (long and narrow: corridor; large: hall; tiny: service; else office). */
function usageOf(space: StructureSpace | null, ring: PlanRing): TestbedSpaceUsage {
  const text = space ? `${space.longName ?? ''} ${space.name}` : '';
  for (const [re, usage] of USAGE_WORDS) if (re.test(text)) return usage;
  const area = Math.abs(ringSignedArea(ring));
  const hull = convexHull(ring);
  let perimeter = 0;
  for (let i = 0; i < ring.length; i++) perimeter += Math.hypot(ring[(i + 1) % ring.length]![0] - ring[i]![0], ring[(i + 1) % ring.length]![1] - ring[i]![1]);
  const meanWidth = (2 * area) / Math.max(1e-9, perimeter);
  if (meanWidth < 1.6 && area > 6) return 'corridor';
  if (area > 60 || Math.abs(ringSignedArea(hull)) > 80) return 'hall';
  return area < SERVICE_MAX_M2 ? 'service' : 'office';
}

/** Storey names made unique ("Level 1", "Level 1 (2)"). */
function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return k === 1 ? n : `${n} (${k})`;
  });
}

const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
