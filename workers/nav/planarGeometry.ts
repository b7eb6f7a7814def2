/**
 * Exact planar predicates on points, segments and polygon rings (metres, any winding, rings not
 * closed explicitly). Used for scenario checks, measurement lines/areas and rasterisation.
 */
import type { Point } from '../../common/scenario.js';

export { pointInPolygon } from '../../common/polygon.js';

/** Absolute area of a ring, m². */
export function polygonArea(ring: readonly Point[]): number {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) s += ring[j]![0] * ring[i]![1] - ring[i]![0] * ring[j]![1];
  return Math.abs(s) / 2;
}

/** Distance from (px, py) to segment a–b, m. */
export function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let u = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  u = u < 0 ? 0 : u > 1 ? 1 : u;
  return Math.hypot(px - (ax + u * dx), py - (ay + u * dy));
}

/** Twice the signed area of (a, b, p): > 0 when p is left of a→b. */
export function orient(ax: number, ay: number, bx: number, by: number, px: number, py: number): number {
  return (bx - ax) * (py - ay) - (by - ay) * (px - ax);
}

/** True when the closed segments p1–p2 and q1–q2 properly cross or touch. */
export function segmentsIntersect(p1: Point, p2: Point, q1: Point, q2: Point): boolean {
  const d1 = orient(q1[0], q1[1], q2[0], q2[1], p1[0], p1[1]);
  const d2 = orient(q1[0], q1[1], q2[0], q2[1], p2[0], p2[1]);
  const d3 = orient(p1[0], p1[1], p2[0], p2[1], q1[0], q1[1]);
  const d4 = orient(p1[0], p1[1], p2[0], p2[1], q2[0], q2[1]);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  const on = (a: Point, b: Point, p: Point, d: number) =>
    d === 0 && Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);
  return on(q1, q2, p1, d1) || on(q1, q2, p2, d2) || on(p1, p2, q1, d3) || on(p1, p2, q2, d4);
}

/**
 * Index of the first edge that crosses a non-adjacent edge of the same ring (a self-intersecting
 * polygon), or -1. O(n²): rings in scenarios have tens to hundreds of vertices.
 */
export function selfIntersection(ring: readonly Point[]): number {
  const n = ring.length;
  for (let i = 0; i < n; i++) {
    const a1 = ring[i]!, a2 = ring[(i + 1) % n]!;
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue; // adjacent through the closing edge
      if (segmentsIntersect(a1, a2, ring[j]!, ring[(j + 1) % n]!)) return i;
    }
  }
  return -1;
}
