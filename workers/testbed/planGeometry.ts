/**
 * 2-D plan geometry on building-frame rings (metres, x east, y north; rings are [x, y][] not
 * closed), as used by the testbed layout. Pure functions, no allocation on the hot ones
 * (`pointInRing`, `segmentsCross`), because the radio model and routing call them per tag.
 */
import { pointInPolygon } from '../../common/polygon.js';

export type Ring = readonly (readonly [number, number])[];

/** Even–odd point-in-polygon test (ring first). Points exactly on an edge may go either way. */
export function pointInRing(ring: Ring, x: number, y: number): boolean {
  return pointInPolygon(x, y, ring);
}

/** Signed area (m²), positive for counter-clockwise rings. */
export function signedArea(ring: Ring): number {
  let s = 0;
  const n = ring.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const a = ring[i] as readonly [number, number];
    const b = ring[j] as readonly [number, number];
    // Edge j → i: (x_i − x_j)(y_i + y_j) sums to −2·area for a counter-clockwise ring.
    s += (a[0] - b[0]) * (a[1] + b[1]);
  }
  return -s / 2;
}

/** Axis-aligned bounds [minX, minY, maxX, maxY]. */
export function ringBounds(ring: Ring): [number, number, number, number] {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const [x, y] of ring) {
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  return [minX, minY, maxX, maxY];
}

/**
 * True when segments p1–p2 and p3–p4 properly cross (interiors intersect at one point).
 * Touching at an endpoint or running collinear does not count: a path along a wall face or
 * ending on a door threshold is not "through" the wall.
 */
export function segmentsCross(
  x1: number, y1: number, x2: number, y2: number,
  x3: number, y3: number, x4: number, y4: number,
): boolean {
  const d1 = (x4 - x3) * (y1 - y3) - (y4 - y3) * (x1 - x3);
  const d2 = (x4 - x3) * (y2 - y3) - (y4 - y3) * (x2 - x3);
  const d3 = (x2 - x1) * (y3 - y1) - (y2 - y1) * (x3 - x1);
  const d4 = (x2 - x1) * (y4 - y1) - (y2 - y1) * (x4 - x1);
  const eps = 1e-9;
  return ((d1 > eps && d2 < -eps) || (d1 < -eps && d2 > eps)) && ((d3 > eps && d4 < -eps) || (d3 < -eps && d4 > eps));
}

/** True when the straight segment a–b stays inside the ring (crosses no edge, midpoint inside). */
export function segmentInsideRing(ring: Ring, ax: number, ay: number, bx: number, by: number): boolean {
  const n = ring.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const p = ring[i] as readonly [number, number];
    const q = ring[j] as readonly [number, number];
    if (segmentsCross(ax, ay, bx, by, p[0], p[1], q[0], q[1])) return false;
  }
  // Quarter points too: a segment can leave and re-enter a non-convex ring through vertices.
  return pointInRing(ring, (ax + bx) / 2, (ay + by) / 2) &&
    pointInRing(ring, ax * 0.75 + bx * 0.25, ay * 0.75 + by * 0.25) &&
    pointInRing(ring, ax * 0.25 + bx * 0.75, ay * 0.25 + by * 0.75);
}

/** Area-weighted centroid of a simple ring. */
export function ringCentroid(ring: Ring): [number, number] {
  let a = 0, cx = 0, cy = 0;
  const n = ring.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const p = ring[j] as readonly [number, number];
    const q = ring[i] as readonly [number, number];
    const f = p[0] * q[1] - q[0] * p[1];
    a += f;
    cx += (p[0] + q[0]) * f;
    cy += (p[1] + q[1]) * f;
  }
  if (Math.abs(a) < 1e-12) {
    const [minX, minY, maxX, maxY] = ringBounds(ring);
    return [(minX + maxX) / 2, (minY + maxY) / 2];
  }
  return [cx / (3 * a), cy / (3 * a)];
}

/** Distance from point (x, y) to segment a–b (metres). */
export function distanceToSegment(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2)) : 0;
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

/** Distance from a point to the ring's boundary (metres). */
export function distanceToRing(ring: Ring, x: number, y: number): number {
  let best = Infinity;
  const n = ring.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const p = ring[j] as readonly [number, number];
    const q = ring[i] as readonly [number, number];
    const d = distanceToSegment(x, y, p[0], p[1], q[0], q[1]);
    if (d < best) best = d;
  }
  return best;
}
