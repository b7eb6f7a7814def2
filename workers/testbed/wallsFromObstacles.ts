/**
 * Wall segments for the testbed radio model (wall attenuation) and walk graph (open boundaries)
 * from a storey's obstacle outlines cut at body height (BuildingStructure `obstacles`).
 *
 * An outline that fills most of its minimum-area bounding rectangle (≥ 70 %) and is long and thin
 * (length ≥ `minLength`, thickness ≤ MAX_THICKNESS_M) is a straight wall: one segment on the
 * rectangle's long axis with the rectangle's thickness. Any other outline (an L-shaped wall cut as
 * one element, a wall with a notch) gives its edges of at least `minLength` as thin segments (wall
 * faces, thickness FACE_THICKNESS_M). Compact outlines (columns, furniture, desks) give nothing:
 * they are holes in the walkable map, not walls a signal passes through.
 */
import type { PlanPoint, PlanPolygon } from '../../common/buildingStructure.js';
import type { TestbedWall } from '../../common/testbedLayout.js';
import { convexHull, ringSignedArea } from '../ifc/structure/planGeometry.js';

/** Thicker than this is not a wall (a cupboard, a desk, a stair core), m. */
const MAX_THICKNESS_M = 0.6;
/** Thickness given to face segments of irregular outlines, m. */
const FACE_THICKNESS_M = 0.1;
const MIN_FILL = 0.7;

/** Minimum-area enclosing rectangle of a convex hull (rotating calipers, brute force over hull edges). */
function minRectangle(hull: readonly PlanPoint[]): { c: PlanPoint; u: PlanPoint; length: number; thickness: number; area: number } | null {
  let best: { c: PlanPoint; u: PlanPoint; length: number; thickness: number; area: number } | null = null;
  for (let i = 0; i < hull.length; i++) {
    const p = hull[i]!, q = hull[(i + 1) % hull.length]!;
    const len = Math.hypot(q[0] - p[0], q[1] - p[1]);
    if (len < 1e-9) continue;
    const ux = (q[0] - p[0]) / len, uy = (q[1] - p[1]) / len;
    let a0 = Infinity, a1 = -Infinity, b0 = Infinity, b1 = -Infinity;
    for (const [x, y] of hull) {
      const a = x * ux + y * uy, b = -x * uy + y * ux;
      if (a < a0) a0 = a;
      if (a > a1) a1 = a;
      if (b < b0) b0 = b;
      if (b > b1) b1 = b;
    }
    const area = (a1 - a0) * (b1 - b0);
    if (best && area >= best.area) continue;
    const ca = (a0 + a1) / 2, cb = (b0 + b1) / 2;
    const c: PlanPoint = [ca * ux - cb * uy, ca * uy + cb * ux];
    const [along, across] = [a1 - a0, b1 - b0];
    best = along >= across
      ? { c, u: [ux, uy], length: along, thickness: across, area }
      : { c, u: [-uy, ux], length: across, thickness: along, area };
  }
  return best;
}

/**
 * Wall segments of one storey. `exteriorAt(x, y)` says whether a point is outside the building
 * (no walkable space there); a wall with outside on one side is exterior. At most `maxWalls`
 * segments are kept, the longest (the radio model's precomputation is linear in their number).
 */
export function wallsFromObstacles(
  storey: number,
  obstacles: readonly PlanPolygon[],
  exteriorAt: (x: number, y: number) => boolean,
  { minLength = 1, maxWalls = 400 }: { minLength?: number; maxWalls?: number } = {},
): TestbedWall[] {
  const walls: TestbedWall[] = [];
  const push = (a: PlanPoint, b: PlanPoint, thickness: number) => {
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    const nx = -(b[1] - a[1]) / len, ny = (b[0] - a[0]) / len;
    const mx = (a[0] + b[0]) / 2, my = (a[1] + b[1]) / 2;
    const off = thickness / 2 + 0.4;
    const exterior = exteriorAt(mx + nx * off, my + ny * off) !== exteriorAt(mx - nx * off, my - ny * off);
    walls.push({ storey, a: [r3(a[0]), r3(a[1])], b: [r3(b[0]), r3(b[1])], thickness: r3(thickness), exterior });
  };
  for (const poly of obstacles) {
    const outer = poly[0];
    if (!outer || outer.length < 3) continue;
    const hull = convexHull(outer);
    const rect = minRectangle(hull);
    if (!rect || rect.length < minLength) continue;
    const fill = Math.abs(ringSignedArea(outer)) / Math.max(1e-9, rect.area);
    if (fill >= MIN_FILL) {
      if (rect.thickness > MAX_THICKNESS_M) continue;
      const h = rect.length / 2;
      push([rect.c[0] - rect.u[0] * h, rect.c[1] - rect.u[1] * h], [rect.c[0] + rect.u[0] * h, rect.c[1] + rect.u[1] * h], Math.max(0.05, rect.thickness));
      continue;
    }
    for (let i = 0; i < outer.length; i++) {
      const p = outer[i]!, q = outer[(i + 1) % outer.length]!;
      if (Math.hypot(q[0] - p[0], q[1] - p[1]) >= minLength) push(p, q, FACE_THICKNESS_M);
    }
  }
  if (walls.length > maxWalls) {
    const len = (w: TestbedWall) => Math.hypot(w.b[0] - w.a[0], w.b[1] - w.a[1]);
    walls.sort((x, y) => len(y) - len(x));
    walls.length = maxWalls;
  }
  return walls;
}

const r3 = (v: number) => Math.round(v * 1000) / 1000;
