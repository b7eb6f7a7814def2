/**
 * Plane geometry on plan rings and multipolygons (building frame, metres): areas, containment,
 * convex hull, cleaning of polygon-clipping output. Shared by structure extraction and scenario derivation.
 */
import type { PlanMultiPolygon, PlanPoint, PlanRing } from './BuildingStructure.js';

/** Signed area of a ring (counter-clockwise positive), m². */
export function ringSignedArea(ring: readonly PlanPoint[]): number {
  let a = 0;
  for (let i = 0, n = ring.length; i < n; i++) {
    const p = ring[i]!;
    const q = ring[(i + 1) % n]!;
    a += p[0] * q[1] - q[0] * p[1];
  }
  return a / 2;
}

/** Area of a multipolygon (outer rings minus holes), m². */
export function multiPolygonArea(mp: PlanMultiPolygon): number {
  let a = 0;
  for (const poly of mp) poly.forEach((ring, i) => (a += (i === 0 ? 1 : -1) * Math.abs(ringSignedArea(ring))));
  return a;
}

import { pointInPolygon as pointInRing } from '../../../common/polygon.js';
export { pointInRing };

/** True when (x, y) is inside a polygon of `mp` (inside its outer ring and outside its holes). */
export function pointInMultiPolygon(x: number, y: number, mp: PlanMultiPolygon): boolean {
  for (const poly of mp) {
    if (!poly[0] || !pointInRing(x, y, poly[0])) continue;
    let inHole = false;
    for (let h = 1; h < poly.length; h++) if (pointInRing(x, y, poly[h]!)) inHole = true;
    if (!inHole) return true;
  }
  return false;
}

/** Convex hull (Andrew's monotone chain), counter-clockwise, of points given as x,y pairs. */
export function convexHull(points: readonly PlanPoint[]): PlanRing {
  const pts = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length < 3) return pts;
  const cross = (o: PlanPoint, a: PlanPoint, b: PlanPoint) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: PlanPoint[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: PlanPoint[] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

/** Axis-free rectangle centred at (cx, cy) with half-extents `along` (direction u) and `across`. */
export function orientedRectangle(cx: number, cy: number, u: PlanPoint, along: number, across: number): PlanRing {
  const v: PlanPoint = [-u[1], u[0]];
  const corner = (a: number, b: number): PlanPoint => [cx + u[0] * a + v[0] * b, cy + u[1] * a + v[1] * b];
  return [corner(-along, -across), corner(along, -across), corner(along, across), corner(-along, across)];
}

/**
 * Drops the explicit closing point polygon-clipping writes, rounds to 0.1 mm and removes slivers
 * (rings under `minArea` m²), so that the output follows the "rings not closed" convention.
 */
export function cleanMultiPolygon(mp: PlanMultiPolygon, minArea = 1e-4): PlanMultiPolygon {
  const out: PlanMultiPolygon = [];
  const round = (v: number) => Math.round(v * 1e4) / 1e4;
  for (const poly of mp) {
    const rings: PlanRing[] = [];
    for (const ring of poly) {
      let r = ring.map(([x, y]) => [round(x), round(y)] as PlanPoint);
      const first = r[0];
      const last = r[r.length - 1];
      if (first && last && r.length > 1 && first[0] === last[0] && first[1] === last[1]) r = r.slice(0, -1);
      if (r.length >= 3 && Math.abs(ringSignedArea(r)) >= minArea) rings.push(r);
      else if (rings.length === 0) break; // outer ring degenerate: drop the polygon
    }
    if (rings.length > 0) out.push(rings);
  }
  return out;
}
