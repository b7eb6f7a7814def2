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

/** `subject` minus `clip`. */
export function differencePolygons(subject: PlanMultiPolygon, clip: PlanMultiPolygon): PlanMultiPolygon {
  if (subject.length === 0 || clip.length === 0) return subject;
  const result = attempt((g) => polygonClipping.difference(snap(subject, g), snap(clip, g)));
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

/**
 * The walkable map of one storey: (base ∪ door passages) − obstacles, with the door passages added
 * back afterwards so that a door stays passable even where the wall's opening was not cut.
 */
export function buildWalkable(base: PlanMultiPolygon, obstacles: PlanMultiPolygon, doorPassages: PlanRing[]): PlanMultiPolygon {
  const doors: PlanPolygon[] = doorPassages.map((r) => [r]);
  const floor = unionPolygons([...base, ...doors]);
  const free = differencePolygons(floor, obstacles);
  return doors.length ? unionPolygons([...free, ...doors]) : free;
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
