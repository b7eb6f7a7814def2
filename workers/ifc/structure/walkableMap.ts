/**
 * Boolean operations for walkable maps (polygon-clipping, a Martinez–Rueda sweep line), hardened
 * for BIM input: coordinates are snapped to 0.1 mm first, and when the sweep fails on a degenerate
 * input the operation is retried on a coarser 1 mm grid and finally one polygon at a time, skipping
 * only the polygon that cannot be processed. Output rings are not closed (planGeometry convention).
 */
import polygonClipping from 'polygon-clipping';
import type { PlanMultiPolygon, PlanPolygon, PlanRing } from './BuildingStructure.js';
import { cleanMultiPolygon } from './planGeometry.js';

function snap(mp: PlanMultiPolygon, grid: number): PlanMultiPolygon {
  return mp.map((poly) => poly.map((ring) => ring.map(([x, y]) => [Math.round(x / grid) * grid, Math.round(y / grid) * grid] as [number, number])));
}

function attempt(op: (grid: number) => PlanMultiPolygon): PlanMultiPolygon | null {
  for (const grid of [1e-4, 1e-3]) {
    try {
      return op(grid);
    } catch {
      // degenerate input for the sweep line: retry on the coarser grid
    }
  }
  return null;
}

/** Union of polygons (each a PlanPolygon: outer ring + holes). */
export function unionPolygons(polygons: PlanPolygon[]): PlanMultiPolygon {
  if (polygons.length === 0) return [];
  const all: PlanMultiPolygon = polygons;
  const result = attempt((g) => {
    const s = snap(all, g);
    return polygonClipping.union(s[0]!, ...s.slice(1));
  });
  if (result) return cleanMultiPolygon(result);
  let acc: PlanMultiPolygon = [];
  for (const p of snap(all, 1e-3)) {
    try {
      acc = acc.length === 0 ? polygonClipping.union(p) : polygonClipping.union(acc, p);
    } catch {
      // this polygon cannot be merged (self-overlapping or degenerate): leave it out
    }
  }
  return cleanMultiPolygon(acc);
}

/** `subject` minus every polygon of `clip` (the clip polygons may overlap each other). */
export function differencePolygons(subject: PlanMultiPolygon, clip: PlanPolygon[]): PlanMultiPolygon {
  if (subject.length === 0 || clip.length === 0) return subject;
  const result = attempt((g) => polygonClipping.difference(snap(subject, g), ...snap(clip, g)));
  if (result) return cleanMultiPolygon(result);
  let acc = snap(subject, 1e-3);
  for (const p of snap(clip, 1e-3)) {
    try {
      acc = polygonClipping.difference(acc, p);
    } catch {
      // skip an obstacle polygon the sweep cannot subtract
    }
  }
  return cleanMultiPolygon(acc);
}

type Box = [number, number, number, number];
function ringBox(ring: PlanRing): Box {
  const b: Box = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of ring) {
    if (x < b[0]) b[0] = x;
    if (y < b[1]) b[1] = y;
    if (x > b[2]) b[2] = x;
    if (y > b[3]) b[3] = y;
  }
  return b;
}
const overlaps = (a: Box, b: Box) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];

/**
 * The walkable map of one storey: (base ∪ door passages) − obstacles, where the obstacles touching a
 * door passage get the passage cut out first, so that a door stays passable even where the wall's
 * opening was not cut (or a door frame or furniture stands in it). Two sweeps in all, whatever the
 * number of obstacles: the union of the floor and one difference with every obstacle at once.
 */
export function buildWalkable(base: PlanMultiPolygon, obstacles: PlanPolygon[], doorPassages: PlanRing[]): PlanMultiPolygon {
  const doors: PlanPolygon[] = doorPassages.map((r) => [r]);
  const floor = unionPolygons([...base, ...doors]);
  const doorBoxes = doorPassages.map(ringBox);
  const clip: PlanPolygon[] = [];
  for (const ob of obstacles) {
    const box = ringBox(ob[0]!);
    const hits = doors.filter((_, i) => overlaps(box, doorBoxes[i]!));
    if (hits.length === 0) {
      clip.push(ob);
      continue;
    }
    try {
      clip.push(...polygonClipping.difference(ob, ...hits));
    } catch {
      clip.push(ob);
    }
  }
  return differencePolygons(floor, clip);
}

/**
 * Polygons from the rings of a mesh cut (sliceMesh), combined even–odd so that a ring inside another
 * is a hole (a ring-shaped corridor, a slab with a stair opening, a hollow column).
 */
export function polygonsFromRings(rings: PlanRing[]): PlanMultiPolygon {
  if (rings.length === 0) return [];
  if (rings.length === 1) return cleanMultiPolygon([[rings[0]!]]);
  const all: PlanMultiPolygon = rings.map((r) => [r]);
  const result = attempt((g) => {
    const s = snap(all, g);
    return polygonClipping.xor(s[0]!, ...s.slice(1));
  });
  return result ? cleanMultiPolygon(result) : unionPolygons(all);
}
