/**
 * Building structure from an open IFC model (see BuildingStructure.ts for the frame and units).
 *
 * Order of work: (1) the spatial tree, counts, units and georeference (readSpatialStructure);
 * (2) IfcSpace meshes, each cut near its floor → footprint and area; (3) one pass over every other
 * mesh: obstacles (walls, columns, windows, furniture, …) cut at each storey's elevation + 1 m,
 * slabs cut at mid-thickness, door and stair geometry kept; (4) doors: width, the spaces on either
 * side (probe points across the door), exterior/exit; (5) stairs and ramps: storeys joined, ends,
 * walking length; (6) the walkable map per storey: (spaces or slabs or the hull of the walls,
 * with door passages) − obstacles − the stairwells of stairs and ramps joining storeys. Storey of an element: IfcRelContainedInSpatialStructure /
 * IfcRelAggregates, else by elevation.
 * DOM-free and Node-free: runs in the CLI, in tests and in a web worker on a model opened there.
 */
import type { FlatMesh, IfcAPI } from 'web-ifc';
import { webIfc } from '../webIfc.js';
import {
  OBSTACLE_CUT_HEIGHT,
  type BuildingStructure,
  type PlanMultiPolygon,
  type PlanPoint,
  type PlanPolygon,
  type StructureDoor,
  type StructureSpace,
  type StructureStair,
  type StructureStorey,
} from './BuildingStructure.js';
import { ifcNumber, ifcRef, ifcText } from './ifcValue.js';
import { convexHull, multiPolygonArea, orientedRectangle, pointInMultiPolygon } from './planGeometry.js';
import { readPlanMesh, type PlacedPlanMesh } from './readPlanMesh.js';
import { readSpatialStructure } from './readSpatialStructure.js';
import { sliceMesh } from './sliceMesh.js';
import { buildWalkable, polygonsFromRings, unionPolygons } from './walkableMap.js';
import { MAX_COORD_M } from '../geometry/GeometryBatcher.js';
import { describeSkipped } from '../geometry/extractGeometry.js';

/** A mesh or point beyond MAX_COORD_M of the origin, or not finite: a damaged placement, left out as the viewer leaves it out. */
const inRange = (v: number) => v >= -MAX_COORD_M && v <= MAX_COORD_M;
const meshFar = (m: PlacedPlanMesh) => !(inRange(m.min[0]) && inRange(m.min[1]) && inRange(m.min[2]) && inRange(m.max[0]) && inRange(m.max[1]) && inRange(m.max[2]));

/** Entity types cut as obstacles at body height (upper-case web-ifc names). Doors are not: they are passages. */
const OBSTACLE_TYPES = new Set([
  'IFCWALL', 'IFCWALLSTANDARDCASE', 'IFCWALLELEMENTEDCASE', 'IFCCOLUMN', 'IFCCOLUMNSTANDARDCASE', 'IFCCURTAINWALL',
  'IFCPLATE', 'IFCMEMBER', 'IFCBEAM', 'IFCRAILING', 'IFCWINDOW', 'IFCFURNISHINGELEMENT', 'IFCFURNITURE',
  'IFCSYSTEMFURNITUREELEMENT', 'IFCBUILDINGELEMENTPROXY', 'IFCFLOWTERMINAL', 'IFCSANITARYTERMINAL', 'IFCCHIMNEY',
  'IFCBUILDINGELEMENTPART',
]);
/** Whose cut outlines the building where there is neither space nor slab (parts: masonry walls modelled as blocks). */
const WALL_TYPES = new Set(['IFCWALL', 'IFCWALLSTANDARDCASE', 'IFCWALLELEMENTEDCASE', 'IFCCURTAINWALL', 'IFCBUILDINGELEMENTPART']);
const STAIR_TYPES = new Set(['IFCSTAIR', 'IFCSTAIRFLIGHT', 'IFCRAMP', 'IFCRAMPFLIGHT']);
/** Cut planes are nudged off round heights so that no vertex lies exactly on them. */
const CUT_EPSILON = 3.1e-4;
/** Distances across a door (m) at which the spaces on either side are looked for. */
const DOOR_PROBES = [0.4, 0.7, 1.0, 1.5];
/** Plausible tread going, m (building codes: about 0.22–0.35). */
const GOING_RANGE = [0.18, 0.45] as const;
/** Half depth of the passage kept open through a door's wall, m. */
const DOOR_PASSAGE_HALF_DEPTH = 0.5;

interface DoorGeometry {
  x: number;
  y: number;
  z: number;
  axis: PlanPoint;
  extent: number;
}

export interface ExtractStructureOptions {
  /** Clock for the timings (default performance.now). */
  now?: () => number;
}

function idList(api: IfcAPI, modelID: number, type: number): number[] {
  const v = api.GetLineIDsWithType(modelID, type, false);
  const out: number[] = [];
  for (let i = 0; i < v.size(); i++) out.push(v.get(i));
  return out;
}

/** True when one ring's bounding box holds another's (a hole, e.g. a hollow column): then the cut needs even–odd. */
function nested(rings: PlanPoint[][]): boolean {
  const boxes = rings.map((r) => {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const [x, y] of r) (x0 = Math.min(x0, x)), (y0 = Math.min(y0, y)), (x1 = Math.max(x1, x)), (y1 = Math.max(y1, y));
    return [x0, y0, x1, y1] as const;
  });
  for (const a of boxes) for (const b of boxes) if (a !== b && a[0] <= b[0] && a[1] <= b[1] && a[2] >= b[2] && a[3] >= b[3]) return true;
  return false;
}

/**
 * Centre, axis (along the door, in its wall) and extent along the axis of a door mesh. The axis is the mesh's own
 * (`mesh.axis`, its first part's x) or that turned +90°, whichever the door is wider along: in office-a's double
 * doors and one single door the first part lies across the wall, and the door was taken as opening along its
 * wall — no space found on either side, no exit, its passage cut the wrong way (MECH RM and ELEC RM, whose only
 * doors to the outside these are, were shut in). A door's parts are drawn square to each other, so one of the two is right.
 */
function doorGeometry(mesh: PlacedPlanMesh): DoorGeometry {
  const p = mesh.positions;
  const box = (u: PlanPoint) => {
    let amin = Infinity, amax = -Infinity, bmin = Infinity, bmax = -Infinity;
    for (let i = 0; i < p.length; i += 3) {
      const a = p[i]! * u[0] + p[i + 1]! * u[1];
      const b = -p[i]! * u[1] + p[i + 1]! * u[0];
      if (a < amin) amin = a;
      if (a > amax) amax = a;
      if (b < bmin) bmin = b;
      if (b > bmax) bmax = b;
    }
    return { u, amin, amax, bmin, bmax };
  };
  const own = box(mesh.axis);
  const { u, amin, amax, bmin, bmax } = own.bmax - own.bmin > own.amax - own.amin ? box([-mesh.axis[1], mesh.axis[0]]) : own;
  const v: PlanPoint = [-u[1], u[0]];
  const a = (amin + amax) / 2;
  const b = (bmin + bmax) / 2;
  return { x: u[0] * a + v[0] * b, y: u[1] * a + v[1] * b, z: mesh.min[2], axis: u, extent: amax - amin };
}

export function extractStructure(api: IfcAPI, modelID: number, opts: ExtractStructureOptions = {}): BuildingStructure {
  const now = opts.now ?? (() => performance.now());
  const started = now();
  let geometryMs = 0;
  const spatial = readSpatialStructure(api, modelID);
  const unit = spatial.lengthUnit;
  const storeyCount = spatial.storeys.length;
  const elevations = spatial.storeys.map((s) => s.elevation);
  /** Storey whose floor is nearest below z (0.5 m tolerance), else the lowest. */
  const storeyByZ = (z: number): number | null => {
    if (storeyCount === 0) return null;
    let best = 0;
    for (let i = 0; i < storeyCount; i++) if (elevations[i]! <= z + 0.5) best = i;
    return best;
  };
  const nearestStorey = (z: number): number => {
    let best = 0;
    for (let i = 1; i < storeyCount; i++) if (Math.abs(elevations[i]! - z) < Math.abs(elevations[best]! - z)) best = i;
    return best;
  };
  const typeName = (id: number) => api.GetNameFromTypeCode(api.GetLineType(modelID, id));
  let elements = 0;
  /** Elements left out for their coordinates (meshFar), expressID → 1. */
  const far = new Map<number, number>();

  // (2) Spaces.
  const spaceIds = idList(api, modelID, webIfc().IFCSPACE);
  /** Footprint of each space mesh, cut near its floor while streaming (the mesh itself is not kept). */
  const spaceCuts = new Map<number, { footprint: PlanMultiPolygon; zmin: number }>();
  if (spaceIds.length > 0) {
    const t0 = now();
    api.StreamMeshes(modelID, spaceIds, (flat: FlatMesh) => {
      const mesh = readPlanMesh(api, modelID, flat);
      if (!mesh) return;
      if (meshFar(mesh)) {
        far.set(flat.expressID, 1);
        elements++;
        return;
      }
      const height = mesh.max[2] - mesh.min[2];
      let footprint = polygonsFromRings(sliceMesh(mesh, mesh.min[2] + Math.min(OBSTACLE_CUT_HEIGHT, height / 2) + CUT_EPSILON));
      if (footprint.length === 0) {
        const pts: PlanPoint[] = [];
        for (let i = 0; i < mesh.positions.length; i += 3) pts.push([mesh.positions[i]!, mesh.positions[i + 1]!]);
        const hull = convexHull(pts);
        if (hull.length >= 3) footprint = [[hull]];
      }
      spaceCuts.set(flat.expressID, { footprint, zmin: mesh.min[2] });
    });
    geometryMs += now() - t0;
  }
  const spaces: StructureSpace[] = [];
  for (const id of spaceIds) {
    const line = api.GetLine(modelID, id) as Record<string, unknown>;
    const cut = spaceCuts.get(id);
    if (far.has(id)) continue;
    const footprint: PlanMultiPolygon = cut?.footprint ?? [];
    if (cut) elements++;
    const storey = spatial.storeyOf(id) ?? (cut ? storeyByZ(cut.zmin) : null);
    if (storey === null) continue;
    spaces.push({
      expressID: id,
      globalId: ifcText(line.GlobalId) ?? '',
      name: ifcText(line.Name) ?? `#${id}`,
      longName: ifcText(line.LongName),
      storey,
      footprint,
      area: multiPolygonArea(footprint),
    });
  }
  spaceCuts.clear();

  // (3) One pass over all other meshes.
  const obstacleRings: PlanPolygon[][] = spatial.storeys.map(() => []);
  const wallPoints: PlanPoint[][] = spatial.storeys.map(() => []);
  const slabs: { storey: number | null; top: number; polygons: PlanMultiPolygon }[] = [];
  const doorGeom = new Map<number, DoorGeometry>();
  const stairMeshes = new Map<number, PlacedPlanMesh>();
  const t1 = now();
  api.StreamAllMeshes(modelID, (flat: FlatMesh) => {
    const id = flat.expressID;
    const type = typeName(id).toUpperCase();
    // Stair meshes are kept for after the pass; everything else is used inside this callback.
    const mesh = readPlanMesh(api, modelID, flat, STAIR_TYPES.has(type));
    if (!mesh) return;
    elements++;
    if (meshFar(mesh)) {
      far.set(id, 1);
      return;
    }
    if (OBSTACLE_TYPES.has(type)) {
      for (let s = 0; s < storeyCount; s++) {
        const h = elevations[s]! + OBSTACLE_CUT_HEIGHT + CUT_EPSILON;
        if (mesh.min[2] >= h || mesh.max[2] <= h) continue;
        const rings = sliceMesh(mesh, h);
        if (rings.length > 1 && nested(rings)) obstacleRings[s]!.push(...polygonsFromRings(rings));
        else for (const r of rings) obstacleRings[s]!.push([r]);
        if (WALL_TYPES.has(type)) for (const r of rings) wallPoints[s]!.push(...r);
      }
    } else if (type === 'IFCSLAB') {
      const polygons = polygonsFromRings(sliceMesh(mesh, (mesh.min[2] + mesh.max[2]) / 2 + CUT_EPSILON));
      if (polygons.length) slabs.push({ storey: spatial.storeyOf(id), top: mesh.max[2], polygons });
    } else if (type === 'IFCDOOR') {
      doorGeom.set(id, doorGeometry(mesh));
    } else if (STAIR_TYPES.has(type)) {
      stairMeshes.set(id, mesh);
    }
  });
  geometryMs += now() - t1;

  // (6, first half) Floor base and obstacles per storey; doors need the base on storeys without spaces.
  const obstacles = obstacleRings;
  const boxes = spaces.map((sp) => {
    const b = [Infinity, Infinity, -Infinity, -Infinity];
    for (const poly of sp.footprint) for (const [x, y] of poly[0] ?? []) (b[0] = Math.min(b[0]!, x)), (b[1] = Math.min(b[1]!, y)), (b[2] = Math.max(b[2]!, x)), (b[3] = Math.max(b[3]!, y));
    return b;
  });
  const spacesOn = spatial.storeys.map(() => [] as { sp: StructureSpace; i: number; box: number[] }[]);
  spaces.forEach((sp, i) => spacesOn[sp.storey]!.push({ sp, i, box: boxes[i]! }));
  const bases = spatial.storeys.map((st, s): { base: PlanMultiPolygon; source: StructureStorey['walkableSource'] } => {
    if (spacesOn[s]!.length > 0) return { base: unionPolygons(spacesOn[s]!.flatMap((x) => x.sp.footprint)), source: 'spaces' };
    const slabPolys = slabs
      .filter((sl) => (sl.storey ?? storeyByZ(sl.top)) === s && Math.abs(sl.top - st.elevation) < 1.0)
      .flatMap((sl) => sl.polygons);
    if (slabPolys.length) return { base: unionPolygons(slabPolys), source: 'slabs' };
    const hull = convexHull(wallPoints[s]!);
    if (hull.length >= 3) return { base: [[hull]], source: 'walls' };
    return { base: [], source: 'none' };
  });

  // (4) Doors.
  const doors: StructureDoor[] = [];
  for (const id of idList(api, modelID, webIfc().IFCDOOR)) {
    if (far.has(id)) continue;
    const line = api.GetLine(modelID, id) as Record<string, unknown>;
    let g = doorGeom.get(id);
    if (!g) {
      const placement = ifcRef(line.ObjectPlacement);
      if (placement === null) continue;
      const m = api.GetWorldTransformMatrix(modelID, placement);
      const len = Math.hypot(m[0]!, m[1]!) || 1;
      g = { x: m[12]! * unit, y: m[13]! * unit, z: m[14]! * unit, axis: [m[0]! / len, m[1]! / len], extent: 0 };
      if (!(inRange(g.x) && inRange(g.y) && inRange(g.z))) {
        far.set(id, 1);
        continue;
      }
    }
    const storey = spatial.storeyOf(id) ?? storeyByZ(g.z);
    if (storey === null) continue;
    const overall = ifcNumber(line.OverallWidth);
    const width = overall !== null && overall > 0 ? overall * unit : g.extent > 0 ? g.extent : 0.9;
    const n: PlanPoint = [-g.axis[1], g.axis[0]];
    const onStorey = spacesOn[storey]!;
    const side = (sign: number): number | null => {
      for (const d of DOOR_PROBES) {
        const px = g.x + n[0] * sign * d;
        const py = g.y + n[1] * sign * d;
        const hit = onStorey.find((x) => px >= x.box[0]! && py >= x.box[1]! && px <= x.box[2]! && py <= x.box[3]! && pointInMultiPolygon(px, py, x.sp.footprint));
        if (hit) return hit.i;
      }
      return null;
    };
    const sides: [number | null, number | null] = [side(1), side(-1)];
    let exterior: boolean;
    if (onStorey.length > 0) exterior = (sides[0] === null) !== (sides[1] === null);
    else {
      const base = bases[storey]!.base;
      const inside = [1, -1].map((sign) => pointInMultiPolygon(g.x + n[0] * sign * DOOR_PROBES[1]!, g.y + n[1] * sign * DOOR_PROBES[1]!, base));
      exterior = inside[0] !== inside[1];
    }
    doors.push({
      expressID: id,
      globalId: ifcText(line.GlobalId) ?? '',
      name: ifcText(line.Name) ?? `#${id}`,
      storey,
      x: g.x,
      y: g.y,
      z: g.z,
      width,
      direction: g.axis,
      spaces: sides,
      exterior,
      exit: false,
    });
  }
  // Exits: exterior doors on the entrance level (the lowest storey with exterior doors, ±1 m), so
  // that balcony and roof-terrace doors on upper storeys do not count as ways out.
  const exteriorStoreys = doors.filter((d) => d.exterior).map((d) => elevations[d.storey]!);
  if (exteriorStoreys.length) {
    const entrance = Math.min(...exteriorStoreys);
    for (const d of doors) d.exit = d.exterior && elevations[d.storey]! <= entrance + 1.0;
  }

  // (5) Stairs and ramps.
  const stairs: StructureStair[] = [];
  const containers = [...idList(api, modelID, webIfc().IFCSTAIR), ...idList(api, modelID, webIfc().IFCRAMP)];
  const flights = [...idList(api, modelID, webIfc().IFCSTAIRFLIGHT), ...idList(api, modelID, webIfc().IFCRAMPFLIGHT)];
  const containerSet = new Set(containers);
  const entries = [
    ...containers.map((id) => ({ id, parts: spatial.partsOf(id) })),
    ...flights.filter((f) => !containerSet.has(spatial.parentOf(f) ?? -1)).map((id) => ({ id, parts: [] as number[] })),
  ];
  for (const { id, parts } of entries) {
    const meshes = [id, ...parts].map((p) => stairMeshes.get(p)).filter((m): m is PlacedPlanMesh => m !== undefined);
    if (meshes.length === 0 || storeyCount === 0) continue;
    const stair = stairFromMeshes(meshes);
    if (!stair) continue;
    let run: number | null = 0;
    for (const f of [id, ...parts].filter((p) => flights.includes(p))) {
      const fl = api.GetLine(modelID, f) as Record<string, unknown>;
      const treads = ifcNumber(fl.NumberOfTreads);
      const going = (ifcNumber(fl.TreadLength) ?? 0) * unit;
      // Some exporters write TreadLength in feet whatever the unit (Revit 2011): trust only a plausible going.
      run = run !== null && treads && going >= GOING_RANGE[0] && going <= GOING_RANGE[1] ? run + treads * going : null;
    }
    const horizontal = run ? run : Math.max(Math.hypot(stair.top[0] - stair.bottom[0], stair.top[1] - stair.bottom[1]), 1.6 * stair.rise);
    const line = api.GetLine(modelID, id) as Record<string, unknown>;
    stairs.push({
      expressID: id,
      globalId: ifcText(line.GlobalId) ?? '',
      type: api.GetNameFromTypeCode(api.GetLineType(modelID, id)),
      name: ifcText(line.Name) ?? `#${id}`,
      fromStorey: nearestStorey(stair.zmin),
      toStorey: nearestStorey(stair.zmax),
      footprint: stair.footprint,
      bottom: stair.bottom,
      top: stair.top,
      bottomDirection: stair.bottomDirection,
      topDirection: stair.topDirection,
      width: stair.width,
      rise: stair.rise,
      length: Math.hypot(horizontal, stair.rise),
    });
  }

  // (6) Walkable map per storey. A stair or ramp joining two storeys is not floor on any storey it spans:
  // on its bottom storey the flight stands in the way, on the storeys above it is the stairwell (models
  // without slab openings would otherwise put a floor over it). It is walked as a link between its ends
  // (toScenario), so people reach the top end from the landing only, not also from across the well.
  const stairwells: PlanPolygon[][] = spatial.storeys.map(() => []);
  for (const st of stairs) {
    if (st.fromStorey === st.toStorey || st.footprint.length < 3) continue;
    for (let s = Math.min(st.fromStorey, st.toStorey); s <= Math.max(st.fromStorey, st.toStorey); s++) stairwells[s]!.push([st.footprint]);
  }
  const storeys: StructureStorey[] = spatial.storeys.map((st, s) => {
    const passages = doors.filter((d) => d.storey === s).map((d) => orientedRectangle(d.x, d.y, d.direction, d.width / 2, DOOR_PASSAGE_HALF_DEPTH));
    const { base, source } = bases[s]!;
    const walkable = base.length ? buildWalkable(base, [...obstacles[s]!, ...stairwells[s]!], passages) : [];
    return {
      index: s,
      expressID: st.expressID,
      globalId: st.globalId,
      name: st.name,
      elevation: st.elevation,
      walkable,
      walkableArea: multiPolygonArea(walkable),
      obstacles: obstacles[s]!,
      walkableSource: source,
    };
  });

  const totalMs = now() - started;
  return {
    schema: spatial.schema,
    lengthUnit: unit,
    storeys,
    spaces,
    doors,
    stairs,
    counts: spatial.counts,
    elements,
    georeference: spatial.georeference,
    timings: { structureMs: totalMs - geometryMs, geometryMs },
    ...(far.size ? { skipped: describeSkipped(api, modelID, far) } : {}),
  };
}

/** Ends, directions, width and rise of a stair or ramp from its meshes (building frame). */
function stairFromMeshes(meshes: PlacedPlanMesh[]) {
  let zmin = Infinity;
  let zmax = -Infinity;
  const pts: [number, number, number][] = [];
  for (const m of meshes) {
    zmin = Math.min(zmin, m.min[2]);
    zmax = Math.max(zmax, m.max[2]);
    for (let i = 0; i < m.positions.length; i += 3) pts.push([m.positions[i]!, m.positions[i + 1]!, m.positions[i + 2]!]);
  }
  const rise = zmax - zmin;
  if (!(rise > 0.3)) return null;
  const band = (lo: number, hi: number): PlanPoint | null => {
    let sx = 0, sy = 0, n = 0;
    for (const [x, y, z] of pts) if (z >= zmin + lo * rise - 1e-6 && z <= zmin + hi * rise + 1e-6) (sx += x), (sy += y), n++;
    return n ? [sx / n, sy / n] : null;
  };
  const edge = Math.max(0.2 / rise, 0.12);
  const bottom = band(0, edge)!;
  const top = band(1 - edge, 1)!;
  const unitDir = (a: PlanPoint | null, b: PlanPoint | null, fallback: PlanPoint): PlanPoint => {
    if (!a || !b) return fallback;
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    const len = Math.hypot(dx, dy);
    return len > 0.05 ? [dx / len, dy / len] : fallback;
  };
  const overall = unitDir(bottom, top, [1, 0]);
  const bottomDirection = unitDir(bottom, band(0.2, 0.4), overall);
  const topDirection = unitDir(band(0.6, 0.8), top, overall);
  const perp: PlanPoint = [-bottomDirection[1], bottomDirection[0]];
  let lo = Infinity, hi = -Infinity;
  for (const [x, y, z] of pts) {
    if (z > zmin + edge * rise) continue;
    const c = x * perp[0] + y * perp[1];
    lo = Math.min(lo, c);
    hi = Math.max(hi, c);
  }
  const width = Math.min(3, Math.max(0.6, hi - lo));
  const footprint = convexHull(pts.map(([x, y]) => [x, y] as PlanPoint));
  return { zmin, zmax, rise, bottom, top, bottomDirection, topDirection, width, footprint };
}
