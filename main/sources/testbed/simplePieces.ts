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
import type { PlanMultiPolygon, PlanPolygon, PlanRing } from '../../../common/buildingStructure.js';
import { cleanMultiPolygon, ringSignedArea } from '../../../workers/ifc/structure/planGeometry.js';

export interface PieceLimits {
  /** Largest piece area, m². */
  maxArea: number;
  /** Longest piece bounding-box side, m. */
  maxSide: number;
  /** Pieces smaller than this are dropped, m². */
  minArea: number;
}

/**
 * Vertices whose triangle with their neighbours is smaller than this (m²) are removed
 * (Visvalingam–Whyatt): the 2–5 cm notches and slivers that cutting walls at body height leaves
 * along room outlines. Moves the outline by at most a few centimetres.
 */
const NOTCH_AREA_M2 = 0.004;
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

/** Removes vertices that span less than NOTCH_AREA_M2 with their neighbours (smallest first); keeps at least 3. */
export function dropNotches(ring: PlanRing, minArea = NOTCH_AREA_M2): PlanRing {
  const pts = [...ring];
  const tri = (i: number) => {
    const n = pts.length;
    const a = pts[(i + n - 1) % n]!, b = pts[i]!, c = pts[(i + 1) % n]!;
    return Math.abs((b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1])) / 2;
  };
  while (pts.length > 3) {
    let best = -1, bestArea = minArea;
    for (let i = 0; i < pts.length; i++) {
      const a = tri(i);
      if (a < bestArea) { bestArea = a; best = i; }
    }
    if (best < 0) break;
    pts.splice(best, 1);
  }
  return pts;
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
  polygon = [dropNotches(outer0), ...polygon.slice(1).filter((h) => meanWidth(h) >= MIN_HOLE_WIDTH_M).map((h) => dropNotches(h))];
  const visit = (poly: PlanPolygon, depth: number) => {
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
  visit(polygon, 0);
  return out.filter((r) => r.length >= 3);
}
