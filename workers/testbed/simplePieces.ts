/**
 * Cuts plan polygons (outer ring + holes, building frame, metres) into simple, hole-free pieces
 * of bounded size, for the testbed's walk graph: WalkGraph spaces are single rings, so a room
 * with a column or a desk in it (a hole in the walkable map) is cut by a straight line through
 * the hole into pieces whose outlines go round it. Pieces of one polygon share the cut edges
 * exactly and nothing stands on them, so WalkGraph's open-boundary portals join them again.
 *
 * Cuts: a polygon with holes is cut through its largest hole (a line across the polygon's
 * longer extent at the hole's bounding-box centre: any such line crosses the hole, because a
 * connected hole covers every coordinate between its extremes); a hole-free polygon larger than
 * `maxArea` or longer than `maxSide` is halved across its longer extent. Pieces under `minArea`
 * are dropped (slivers nobody would be sent to).
 */
import polygonClipping from 'polygon-clipping';
import type { PlanMultiPolygon, PlanPolygon, PlanRing } from '../../common/buildingStructure.js';
import { cleanMultiPolygon, ringSignedArea } from '../ifc/structure/planGeometry.js';

export interface PieceLimits {
  /** Largest piece area, m². */
  maxArea: number;
  /** Longest piece bounding-box side, m. */
  maxSide: number;
  /** Pieces smaller than this are dropped, m². */
  minArea: number;
}

/**
 * Outlines are simplified (Douglas–Peucker) to within this distance, m: the 1–2 cm notches and
 * jags that cutting walls at body height leaves along room outlines would each cost walk-graph
 * nodes. The simplified outline is never farther than this from the walkable map's.
 */
const SIMPLIFY_M = 0.02;
/** Holes are grown by this much (m) before cutting, closing slits between obstacles that stand side by side. */
const SLIT_M = 0.015;
/** Holes narrower than this (mean width 2·area/perimeter, m) are slivers between obstacles, not obstacles: ignored. */
const MIN_HOLE_WIDTH_M = 0.05;

/** Cuts deeper than this are not made (a pathological polygon stays as it is, holes and all ignored). */
const MAX_DEPTH = 14;

type Box = [number, number, number, number];

function bounds(ring: PlanRing): Box {
  const b: Box = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of ring) {
    if (x < b[0]) b[0] = x;
    if (y < b[1]) b[1] = y;
    if (x > b[2]) b[2] = x;
    if (y > b[3]) b[3] = y;
  }
  return b;
}

/** Intersection of polygons with the sweep line's usual hardening (snap, coarser retry); [] when it cannot be computed. */
export function intersectPolygons(a: PlanMultiPolygon, b: PlanMultiPolygon): PlanMultiPolygon {
  if (a.length === 0 || b.length === 0) return [];
  for (const grid of [1e-4, 1e-3]) {
    const snap = (mp: PlanMultiPolygon): PlanMultiPolygon =>
      mp.map((poly) => poly.map((ring) => ring.map(([x, y]) => [Math.round(x / grid) * grid, Math.round(y / grid) * grid] as [number, number])));
    try {
      return cleanMultiPolygon(polygonClipping.intersection(snap(a), snap(b)));
    } catch {
      // degenerate input for the sweep line: retry on the coarser grid
    }
  }
  return [];
}

/** Removes repeated and collinear vertices (within 1 mm of the line through their neighbours) and makes the ring counter-clockwise. */
export function tidyRing(ring: PlanRing): PlanRing {
  let pts = ring.filter((p, i) => {
    const q = ring[(i + 1) % ring.length]!;
    return Math.hypot(p[0] - q[0], p[1] - q[1]) > 1e-4;
  });
  for (let changed = true; changed && pts.length > 3; ) {
    changed = false;
    const out: PlanRing = [];
    for (let i = 0; i < pts.length; i++) {
      const p = pts[(i + pts.length - 1) % pts.length]!, v = pts[i]!, q = pts[(i + 1) % pts.length]!;
      const len = Math.hypot(q[0] - p[0], q[1] - p[1]);
      const off = len > 1e-9 ? Math.abs((q[0] - p[0]) * (v[1] - p[1]) - (q[1] - p[1]) * (v[0] - p[0])) / len : 0;
      // Collinear and between its neighbours: drop it (once per pass, so neighbours are re-checked).
      const between = (v[0] - p[0]) * (q[0] - v[0]) + (v[1] - p[1]) * (q[1] - v[1]) >= 0;
      if (off < 1e-3 && between && !changed) { changed = true; continue; }
      out.push(v);
    }
    pts = out;
  }
  return ringSignedArea(pts) < 0 ? [...pts].reverse() : pts;
}

/** Douglas–Peucker simplification of a closed ring to within `tolerance` metres (keeps at least 3 vertices). */
export function dropNotches(ring: PlanRing, tolerance = SIMPLIFY_M): PlanRing {
  const n = ring.length;
  if (n <= 3) return ring;
  // Split the ring at vertex 0 and the vertex farthest from it; simplify both chains.
  let far = 1, farD = -1;
  for (let i = 1; i < n; i++) {
    const d = Math.hypot(ring[i]![0] - ring[0]![0], ring[i]![1] - ring[0]![1]);
    if (d > farD) { farD = d; far = i; }
  }
  const keep = new Uint8Array(n);
  keep[0] = 1; keep[far] = 1;
  const stack: [number, number][] = [[0, far], [far, n]];
  while (stack.length) {
    const [a, b] = stack.pop()!;
    const p = ring[a % n]!, q = ring[b % n]!;
    const dx = q[0] - p[0], dy = q[1] - p[1];
    const len = Math.hypot(dx, dy);
    let best = -1, bestD = tolerance;
    for (let i = a + 1; i < b; i++) {
      const v = ring[i % n]!;
      const d = len > 1e-12 ? Math.abs(dx * (v[1] - p[1]) - dy * (v[0] - p[0])) / len : Math.hypot(v[0] - p[0], v[1] - p[1]);
      if (d > bestD) { bestD = d; best = i; }
    }
    if (best < 0) continue;
    keep[best % n] = 1;
    stack.push([a, best], [best, b]);
  }
  const out = ring.filter((_, i) => keep[i]);
  return out.length >= 3 ? out : ring;
}

function meanWidth(ring: PlanRing): number {
  let perimeter = 0;
  for (let i = 0; i < ring.length; i++) perimeter += Math.hypot(ring[(i + 1) % ring.length]![0] - ring[i]![0], ring[(i + 1) % ring.length]![1] - ring[i]![1]);
  return (2 * Math.abs(ringSignedArea(ring))) / Math.max(1e-9, perimeter);
}

/** Hole-free pieces of one polygon, each within the limits (see the module comment). */
export function simplePieces(polygon: PlanPolygon, limits: PieceLimits): PlanRing[] {
  const out: PlanRing[] = [];
  const outer0 = polygon[0];
  if (!outer0 || outer0.length < 3) return out;
  // Notches and sliver holes first: they would cost a cut each and leave slivers nobody walks to.
  const holes = polygon.slice(1).filter((h) => meanWidth(h) >= MIN_HOLE_WIDTH_M).map((h) => dropNotches(h));
  const starts: PlanPolygon[] = holes.length === 0
    ? [[dropNotches(outer0)]]
    // Holes grown by SLIT_M close the millimetre slits between obstacles standing side by side
    // (a slit would make a piece whose outline touches itself); a hole that close to the outline becomes a notch.
    : differenceOf([dropNotches(outer0)], holes.map(grow));
  const visit = (poly: PlanPolygon, depth: number): void => {
    const outer = poly[0];
    if (!outer || outer.length < 3) return;
    const area = Math.abs(ringSignedArea(outer)) - poly.slice(1).reduce((s, h) => s + Math.abs(ringSignedArea(h)), 0);
    if (area < limits.minArea) return;
    const box = bounds(outer);
    const w = box[2] - box[0], h = box[3] - box[1];
    const holes = poly.slice(1);
    let cut: { vertical: boolean; at: number } | null = null;
    if (holes.length > 0) {
      let big = holes[0]!;
      for (const hole of holes) if (Math.abs(ringSignedArea(hole)) > Math.abs(ringSignedArea(big))) big = hole;
      const hb = bounds(big);
      cut = w >= h ? { vertical: true, at: (hb[0] + hb[2]) / 2 } : { vertical: false, at: (hb[1] + hb[3]) / 2 };
    } else if (area > limits.maxArea || Math.max(w, h) > limits.maxSide) {
      cut = w >= h ? { vertical: true, at: (box[0] + box[2]) / 2 } : { vertical: false, at: (box[1] + box[3]) / 2 };
    }
    if (!cut || depth >= MAX_DEPTH) {
      out.push(tidyRing(outer));
      return;
    }
    const m = 1;
    const [x0, y0, x1, y1] = [box[0] - m, box[1] - m, box[2] + m, box[3] + m];
    const halves: PlanRing[] = cut.vertical
      ? [[[x0, y0], [cut.at, y0], [cut.at, y1], [x0, y1]], [[cut.at, y0], [x1, y0], [x1, y1], [cut.at, y1]]]
      : [[[x0, y0], [x1, y0], [x1, cut.at], [x0, cut.at]], [[x0, cut.at], [x1, cut.at], [x1, y1], [x0, y1]]];
    for (const half of halves) {
      for (const piece of intersectPolygons([poly], [[half]])) visit(piece, depth + 1);
    }
  };
  for (const start of starts) visit(start, 0);
  return out.filter((r) => r.length >= 3);
}

/** A hole grown by SLIT_M on every side (scaled about its bounding-box centre: exact for the usual rectangles). */
function grow(ring: PlanRing): PlanPolygon {
  const [x0, y0, x1, y1] = bounds(ring);
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  const sx = (x1 - x0 + 2 * SLIT_M) / Math.max(1e-9, x1 - x0), sy = (y1 - y0 + 2 * SLIT_M) / Math.max(1e-9, y1 - y0);
  return [ring.map(([x, y]) => [cx + (x - cx) * sx, cy + (y - cy) * sy] as [number, number])];
}

/** `subject` minus `clip` (hardened like intersectPolygons); the subject unchanged when the sweep fails. */
function differenceOf(subject: PlanPolygon, clip: PlanPolygon[]): PlanMultiPolygon {
  for (const grid of [1e-4, 1e-3]) {
    const snap = (mp: PlanMultiPolygon): PlanMultiPolygon =>
      mp.map((poly) => poly.map((ring) => ring.map(([x, y]) => [Math.round(x / grid) * grid, Math.round(y / grid) * grid] as [number, number])));
    try {
      return cleanMultiPolygon(polygonClipping.difference(snap([subject]), ...snap(clip)));
    } catch {
      // degenerate input for the sweep line: retry on the coarser grid
    }
  }
  return [subject];
}
