/**
 * The walkable map of a scenario: one FloorGrid per floor, the portals (open exits and link ends)
 * marked on them, and one distance field per open exit computed across all floors through the
 * links (fastMarching). Immutable after `build`; the simulation reads directions and values.
 */
import { ScenarioError, type Scenario, type Segment } from '../../common/scenario.js';
import { FloorGrid, GridTooLargeError, portalNear } from './FloorGrid.js';
import { fastMarching, type MarchLink } from './fastMarching.js';
import { distanceToSegment, segmentsIntersect } from './planarGeometry.js';

/** What a portal index on a floor grid refers to. */
/** An exit (`width`: its segment's length, m) or one end of a link. */
export type Portal = { kind: 'exit'; exit: number; width: number } | { kind: 'link'; link: number; end: 'from' | 'to' };

/** Resolved link: floors as indices, traversal cost and speed factor. */
export interface NavLink {
  id: string;
  fromFloor: number;
  toFloor: number;
  from: Segment;
  to: Segment;
  length: number;
  speedFactor: number;
  oneWay: boolean;
  /** Portal indices of both ends on their floors. */
  fromPortal: number;
  toPortal: number;
}

/** Distance field to one exit: per floor T (free-walking metres) and unit walking direction. */
export interface ExitField {
  exit: number;
  T: Float32Array[];
  /** Unit walking direction per floor, interleaved per cell: [2c] = x, [2c + 1] = y (one cache line holds both). */
  dir: Float32Array[];
  /** Lowest T over the cells of each link end: [2k] = from end, [2k + 1] = to end. */
  linkEnd: Float64Array;
}

/** Default speed factors when a link names none: stairs 0.6 down / 0.5 up (RiMEA handbook data), else 1. */
function defaultSpeedFactor(kind: string, up: boolean): number {
  return kind === 'stairs' ? (up ? 0.5 : 0.6) : 1;
}

/** Grid cell size for a scenario: fine for rooms, coarser for whole buildings (≤ ~1 M cells). */
export function chooseCellSize(s: Scenario): number {
  if (s.cellSize !== undefined) return s.cellSize;
  let area = 0;
  for (const f of s.floors) {
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const r of f.walkable) for (const [x, y] of r) { minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y); }
    area += (maxX - minX + 2) * (maxY - minY + 2);
  }
  return Math.min(0.25, Math.max(0.1, Math.sqrt(area / 1e6)));
}

export class NavMap {
  readonly grids: FloorGrid[];
  readonly floorIndex: ReadonlyMap<string, number>;
  /** Portals per floor, indexed as in the grid's `portal` column. */
  readonly portals: Portal[][];
  readonly links: NavLink[];
  /** Field per exit index; null for closed exits. */
  readonly fields: (ExitField | null)[];
  /** Per floor, the link ends on it: [portal index, ax, ay, bx, by, min x, min y, max x, max y] × n (see reachedLinkEnd). */
  private readonly linkEnds: Float64Array[];

  private constructor(grids: FloorGrid[], floorIndex: Map<string, number>, portals: Portal[][], links: NavLink[], fields: (ExitField | null)[]) {
    this.grids = grids; this.floorIndex = floorIndex; this.portals = portals; this.links = links; this.fields = fields;
    this.linkEnds = portals.map((onFloor) => {
      const ends: number[] = [];
      onFloor.forEach((p, k) => {
        if (p.kind !== 'link') return;
        const l = links[p.link]!, [[ax, ay], [bx, by]] = p.end === 'from' ? l.from : l.to;
        ends.push(k, ax, ay, bx, by, Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by));
      });
      return Float64Array.from(ends);
    });
  }

  /** Builds the map; throws ScenarioError for portals that do not touch the walkable area. */
  static build(s: Scenario): NavMap {
    const h = chooseCellSize(s);
    const floorIndex = new Map(s.floors.map((f, i) => [f.id, i]));
    const portals: Portal[][] = s.floors.map(() => []);
    const segs: Segment[][] = s.floors.map(() => []);
    const exitPortal = s.exits.map((e, i) => {
      if (e.open === false) return -1;
      const f = floorIndex.get(e.floor)!;
      portals[f]!.push({ kind: 'exit', exit: i, width: Math.hypot(e.segment[1][0] - e.segment[0][0], e.segment[1][1] - e.segment[0][1]) });
      segs[f]!.push(e.segment);
      return portals[f]!.length - 1;
    });
    const links: NavLink[] = (s.links ?? []).map((l, k) => {
      const fromFloor = floorIndex.get(l.from.floor)!, toFloor = floorIndex.get(l.to.floor)!;
      portals[fromFloor]!.push({ kind: 'link', link: k, end: 'from' });
      segs[fromFloor]!.push(l.from.segment);
      const fromPortal = portals[fromFloor]!.length - 1;
      portals[toFloor]!.push({ kind: 'link', link: k, end: 'to' });
      segs[toFloor]!.push(l.to.segment);
      const toPortal = portals[toFloor]!.length - 1;
      const up = (s.floors[toFloor]!.elevation ?? toFloor) > (s.floors[fromFloor]!.elevation ?? fromFloor);
      return { id: l.id, fromFloor, toFloor, from: l.from.segment, to: l.to.segment, length: l.length,
        speedFactor: l.speedFactor ?? defaultSpeedFactor(l.kind, up), oneWay: l.oneWay ?? false, fromPortal, toPortal };
    });
    const grids = s.floors.map((f, i) => {
      try {
        return FloorGrid.build(f, h, segs[i]!, (s.zones ?? []).filter((z) => z.floor === f.id).map((z) => ({ polygon: z.polygon, speedFactor: z.speedFactor })));
      } catch (e) {
        if (e instanceof GridTooLargeError) throw new ScenarioError(`floors[${i}].walkable`, `floor "${f.id}" ${e.message}`);
        throw e;
      }
    });

    // Cells of each portal, and the check that it touches walkable cells.
    const portalCells = grids.map((g, f) => {
      const lists: number[][] = portals[f]!.map(() => []);
      const touches = portals[f]!.map(() => false);
      for (let c = 0; c < g.portal.length; c++) {
        const p = g.portal[c]!;
        if (p >= 0) { lists[p]!.push(c); if (g.kind[c] === 1) touches[p] = true; }
      }
      touches.forEach((ok, p) => {
        if (ok) return;
        const portal = portals[f]![p]!;
        const path = portal.kind === 'exit' ? `exits[${portal.exit}].segment` : `links[${portal.link}].${portal.end}.segment`;
        throw new ScenarioError(path, `not on any walkable edge of floor "${s.floors[f]!.id}" (no walkable area within ${portalNear(h).toFixed(3)} m of the segment)`);
      });
      // An exit is a way out across the walkable area's edge (an outer wall's door, a corridor's open end): one drawn
      // inside the floor would let people leave through it like a trapdoor. Link ends (stairs in a room) may lie inside.
      portals[f]!.forEach((portal, p) => {
        if (portal.kind !== 'exit') return;
        const reach = portalNear(h) + h, seg = s.exits[portal.exit]!.segment;
        if (edgeShare(g, seg, reach) >= 0.5) return;
        throw new ScenarioError(`exits[${portal.exit}].segment`, `not on any walkable edge of floor "${s.floors[f]!.id}": it lies inside the walkable area ` +
          `(most of it more than ${reach.toFixed(2)} m from the area's boundary), so people would leave through the floor; put it where the area ends (a door in an outer wall, a corridor's open end)`);
      });
      return lists;
    });
    const offsets: number[] = [];
    let total = 0;
    for (const g of grids) { offsets.push(total); total += g.nx * g.ny; }
    const global = (f: number, cells: number[]) => Int32Array.from(cells, (c) => c + offsets[f]!);

    // Local speed factor for marching: zone factor × wall clearance (paths keep ~0.5 m off walls and corners).
    const speed = grids.map((g) => {
      const F = new Float32Array(g.kind.length);
      for (let c = 0; c < F.length; c++) {
        if (g.kind[c] === 0) continue;
        const clear = g.kind[c] === 2 ? 1 : Math.min(1, 0.4 + (0.6 * g.wallDist[c]!) / 0.3);
        F[c] = g.speed[c]! * clear;
      }
      return F;
    });
    const marchLinks: MarchLink[] = links.map((l) => ({
      fromCells: global(l.fromFloor, portalCells[l.fromFloor]![l.fromPortal]!),
      toCells: global(l.toFloor, portalCells[l.toFloor]![l.toPortal]!),
      cost: l.length / l.speedFactor,
      oneWay: l.oneWay,
    }));

    const fields = s.exits.map((e, i): ExitField | null => {
      if (exitPortal[i]! < 0) return null;
      const f = floorIndex.get(e.floor)!;
      const T = fastMarching(grids, speed, global(f, portalCells[f]![exitPortal[i]!]!), marchLinks);
      const dir = grids.map((g, fl) => directionField(g, T[fl]!));
      const linkEnd = new Float64Array(2 * links.length).fill(Infinity);
      links.forEach((l, k) => {
        for (const c of portalCells[l.fromFloor]![l.fromPortal]!) linkEnd[2 * k] = Math.min(linkEnd[2 * k]!, T[l.fromFloor]![c]!);
        for (const c of portalCells[l.toFloor]![l.toPortal]!) linkEnd[2 * k + 1] = Math.min(linkEnd[2 * k + 1]!, T[l.toFloor]![c]!);
      });
      return { exit: i, T, dir, linkEnd };
    });
    return new NavMap(grids, floorIndex, portals, links, fields);
  }

  /**
   * Portal index of a link end on `floor` within `reach` of (qx, qy), or crossed by the step from (ox, oy) to
   * (qx, qy); -1: none. (A link end's grid band is only ~h wide: people reach it by touching or crossing it.)
   */
  reachedLinkEnd(floor: number, ox: number, oy: number, qx: number, qy: number, reach: number): number {
    const ends = this.linkEnds[floor]!;
    if (ends.length === 0) return -1;
    // A step that crosses an end ends within its own length of it, so only steps longer than `reach` need the crossing test.
    const long = (qx - ox) * (qx - ox) + (qy - oy) * (qy - oy) > reach * reach;
    const r = reach + 1e-9; // the boxes' margin, so that rounding can never skip an end the exact tests would take
    const x0 = Math.min(ox, qx) - r, x1 = Math.max(ox, qx) + r, y0 = Math.min(oy, qy) - r, y1 = Math.max(oy, qy) + r;
    for (let e = 0; e < ends.length; e += 9) {
      // Neither test can pass unless the step's box, widened by `reach`, meets the end's box: most steps are far from every end.
      if (x1 < ends[e + 5]! || x0 > ends[e + 7]! || y1 < ends[e + 6]! || y0 > ends[e + 8]!) continue;
      const ax = ends[e + 1]!, ay = ends[e + 2]!, bx = ends[e + 3]!, by = ends[e + 4]!;
      if (distanceToSegment(qx, qy, ax, ay, bx, by) <= reach || (long && segmentsIntersect([ox, oy], [qx, qy], [ax, ay], [bx, by]))) return ends[e]!;
    }
    return -1;
  }

  /** Field value (free-walking metres to the exit) at a point, bilinear over finite neighbours; Infinity if unreachable. */
  value(field: ExitField, floor: number, x: number, y: number): number {
    const g = this.grids[floor]!, T = field.T[floor]!;
    const c = g.cellIndex(x, y);
    return c < 0 ? Infinity : T[c]!;
  }

  /**
   * Unit walking direction towards the field's exit at (x, y), bilinear over the four nearest
   * cell centres; writes into out[0], out[1] (0, 0 where none is defined).
   */
  direction(field: ExitField, floor: number, x: number, y: number, out: Float64Array): void {
    const g = this.grids[floor]!, d = field.dir[floor]!;
    const fx = (x - g.x0) / g.h - 0.5, fy = (y - g.y0) / g.h - 0.5;
    const cx = Math.floor(fx), cy = Math.floor(fy);
    let sx = 0, sy = 0;
    if (cx >= 0 && cy >= 0 && cx < g.nx - 1 && cy < g.ny - 1) {
      const ax = fx - cx, ay = fy - cy, i = 2 * (cy * g.nx + cx), j = i + 2 * g.nx;
      const w00 = (1 - ax) * (1 - ay), w10 = ax * (1 - ay), w01 = (1 - ax) * ay, w11 = ax * ay;
      sx = d[i]! * w00 + d[i + 2]! * w10 + d[j]! * w01 + d[j + 2]! * w11;
      sy = d[i + 1]! * w00 + d[i + 3]! * w10 + d[j + 1]! * w01 + d[j + 3]! * w11;
    }
    const n = Math.sqrt(sx * sx + sy * sy);
    if (n > 1e-9) { out[0] = sx / n; out[1] = sy / n; } else { out[0] = 0; out[1] = 0; }
  }
}

/** −∇T normalised per cell (central differences over finite neighbours, one-sided at walls), interleaved x, y. */
function directionField(g: FloorGrid, T: Float32Array): Float32Array {
  const { nx, ny } = g;
  const dir = new Float32Array(2 * nx * ny);
  for (let j = 1; j < ny - 1; j++) for (let i = 1; i < nx - 1; i++) {
    const c = j * nx + i, t = T[c]!;
    if (!Number.isFinite(t)) continue;
    const l = T[c - 1]!, r = T[c + 1]!, d = T[c - nx]!, u = T[c + nx]!;
    let gx = 0, gy = 0;
    const fl = Number.isFinite(l), fr = Number.isFinite(r), fd = Number.isFinite(d), fu = Number.isFinite(u);
    if (fl && fr) gx = (r - l) / 2; else if (fr) gx = Math.min(0, r - t); else if (fl) gx = Math.max(0, t - l);
    if (fd && fu) gy = (u - d) / 2; else if (fu) gy = Math.min(0, u - t); else if (fd) gy = Math.max(0, t - d);
    const n = Math.hypot(gx, gy);
    if (n > 0) { dir[2 * c] = -gx / n; dir[2 * c + 1] = -gy / n; }
  }
  return dir;
}

/**
 * Share of the points along a segment (every h / 2) that lie within `reach` of the floor's edge: a cell centre within
 * `reach` that is not walkable (blocked, an exit's apron) or the grid's border.
 */
function edgeShare(g: FloorGrid, [[ax, ay], [bx, by]]: Segment, reach: number): number {
  const len = Math.hypot(bx - ax, by - ay), n = Math.max(1, Math.ceil(len / (g.h / 2)));
  const span = Math.ceil(reach / g.h), r2 = reach * reach;
  let near = 0;
  for (let k = 0; k <= n; k++) {
    const x = ax + ((bx - ax) * k) / n, y = ay + ((by - ay) * k) / n;
    const ci = Math.floor((x - g.x0) / g.h), cj = Math.floor((y - g.y0) / g.h);
    let edge = false;
    for (let j = cj - span; j <= cj + span && !edge; j++) for (let i = ci - span; i <= ci + span && !edge; i++) {
      const dx = g.x0 + (i + 0.5) * g.h - x, dy = g.y0 + (j + 0.5) * g.h - y;
      if (dx * dx + dy * dy > r2) continue;
      edge = i < 0 || j < 0 || i >= g.nx || j >= g.ny || g.kind[j * g.nx + i] !== 1;
    }
    if (edge) near++;
  }
  return near / (n + 1);
}
