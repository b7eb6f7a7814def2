/**
 * One floor rasterised on a square grid (cell size h, 0.1–0.25 m): which cells are walkable, the
 * Euclidean distance from each cell to the nearest wall, its gradient, and the zone speed factor.
 * Immutable after build; the navigation fields and the locomotion model only read it.
 *
 * Cell kinds: 0 blocked (outside the walkable union or inside an obstacle), 1 walkable,
 * 2 apron — a strip just beyond an exit or link segment that lies on the walkable boundary, so
 * that the door opening is not a wall and agents can walk through the segment.
 */
import type { Floor, Point, Segment } from '../../common/scenario.js';
import { distanceTransform } from './distanceTransform.js';
import { pointInPolygon } from './planarGeometry.js';

/** Most cells one floor's grid may have (~30 bytes each). */
export const MAX_GRID_CELLS = 40_000_000;

/** A floor too large for a grid (FloorGrid.build); NavMap names the floor's field path. */
export class GridTooLargeError extends Error {
  override readonly name = 'GridTooLargeError';
}

/** A length or count for a message: plain below a million, else in exponent form (1e300 has 301 digits). */
const size = (v: number): string => (Math.abs(v) < 1e6 ? String(Math.round(v * 100) / 100) : v.toExponential(1));

/** Depth of the apron strip beyond a portal segment, m. */
export const APRON_DEPTH = 0.5;

/** How near (m) a walkable cell centre, or the walkable area itself, must come to a portal segment for the segment to touch it. */
export function portalNear(h: number): number {
  return Math.max(0.75 * h, 0.08);
}

export interface ZoneRaster { polygon: readonly Point[]; speedFactor: number }

export class FloorGrid {
  /** Lower-left corner of cell (0, 0), m. */
  readonly x0: number;
  readonly y0: number;
  readonly nx: number;
  readonly ny: number;
  /** Cell size, m. */
  readonly h: number;
  /** 0 blocked, 1 walkable, 2 apron (see the class comment). */
  readonly kind: Uint8Array;
  /** Distance from the cell centre to the nearest blocked area, m (0 in blocked cells). */
  readonly wallDist: Float32Array;
  /** Unit vector pointing away from the nearest wall (0, 0 where undefined). */
  readonly wallGx: Float32Array;
  readonly wallGy: Float32Array;
  /** Speed factor of the zone covering the cell (1 outside zones). */
  readonly speed: Float32Array;
  /** False when no zone lies on this floor: every `speed` is 1 and need not be read. */
  zoned = false;
  /** Portal (exit or link end) index per cell, -1 where none; see `markPortal`. */
  readonly portal: Int16Array;

  private constructor(x0: number, y0: number, nx: number, ny: number, h: number) {
    this.x0 = x0; this.y0 = y0; this.nx = nx; this.ny = ny; this.h = h;
    const n = nx * ny;
    this.kind = new Uint8Array(n);
    this.wallDist = new Float32Array(n);
    this.wallGx = new Float32Array(n);
    this.wallGy = new Float32Array(n);
    this.speed = new Float32Array(n).fill(1);
    this.portal = new Int16Array(n).fill(-1);
  }

  /**
   * Rasterises a floor. `portals` are exit/link segments in portal-index order: each gets its
   * cells (centre within ~0.75 h of the segment) and, where the segment lies on the boundary, an apron.
   */
  static build(floor: Floor, h: number, portals: readonly Segment[], zones: readonly ZoneRaster[]): FloorGrid {
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const ring of floor.walkable) for (const [x, y] of ring) {
      if (x < minX) minX = x; if (x > maxX) maxX = x; if (y < minY) minY = y; if (y > maxY) maxY = y;
    }
    const pad = APRON_DEPTH + 2 * h;
    const x0 = minX - pad, y0 = minY - pad;
    const nx = Math.ceil((maxX - minX + 2 * pad) / h), ny = Math.ceil((maxY - minY + 2 * pad) / h);
    if (!(nx * ny <= MAX_GRID_CELLS)) throw new GridTooLargeError(`spans ${size(maxX - minX)} × ${size(maxY - minY)} m: its walking map would need ${size(nx)} × ${size(ny)} cells of ${h} m, over the ${MAX_GRID_CELLS.toLocaleString('en-US')} it can hold (is a coordinate wrong?)`);
    const g = new FloorGrid(x0, y0, nx, ny, h);
    for (const ring of floor.walkable) g.fill(ring, g.kind, 1);
    for (const ring of floor.obstacles ?? []) g.fill(ring, g.kind, 0);
    const obstacleMask = new Uint8Array(nx * ny);
    for (const ring of floor.obstacles ?? []) g.fill(ring, obstacleMask, 1);
    portals.forEach((seg, k) => g.markPortal(seg, k, obstacleMask, floor));
    for (const z of zones) g.fill(z.polygon, g.speed, z.speedFactor);
    g.zoned = zones.length > 0;
    g.computeWallField();
    return g;
  }

  /** Cell index of a point, or -1 outside the grid. */
  cellIndex(x: number, y: number): number {
    const cx = Math.floor((x - this.x0) / this.h), cy = Math.floor((y - this.y0) / this.h);
    if (cx < 0 || cy < 0 || cx >= this.nx || cy >= this.ny) return -1;
    return cy * this.nx + cx;
  }

  /** True when the point lies in a walkable (not apron) cell. */
  isWalkable(x: number, y: number): boolean {
    const c = this.cellIndex(x, y);
    return c >= 0 && this.kind[c] === 1;
  }

  /** Bilinearly interpolated distance to the nearest wall at a point, m. */
  sampleWallDist(x: number, y: number): number {
    const fx = (x - this.x0) / this.h - 0.5, fy = (y - this.y0) / this.h - 0.5;
    let cx = Math.floor(fx), cy = Math.floor(fy);
    if (cx < 0) cx = 0; else if (cx > this.nx - 2) cx = this.nx - 2;
    if (cy < 0) cy = 0; else if (cy > this.ny - 2) cy = this.ny - 2;
    const ax = Math.min(1, Math.max(0, fx - cx)), ay = Math.min(1, Math.max(0, fy - cy));
    const i = cy * this.nx + cx, w = this.wallDist;
    return (w[i]! * (1 - ax) + w[i + 1]! * ax) * (1 - ay) + (w[i + this.nx]! * (1 - ax) + w[i + this.nx + 1]! * ax) * ay;
  }

  /** Centre of cell `c`, m. */
  centre(c: number): Point {
    return [this.x0 + ((c % this.nx) + 0.5) * this.h, this.y0 + (Math.floor(c / this.nx) + 0.5) * this.h];
  }

  /** Scanline fill of a ring (even-odd): sets `value` in every cell whose centre is inside. */
  private fill(ring: readonly Point[], target: Uint8Array | Float32Array, value: number): void {
    const { x0, y0, h, nx, ny } = this;
    const xs: number[] = [];
    let ymin = Infinity, ymax = -Infinity;
    for (const p of ring) { if (p[1] < ymin) ymin = p[1]; if (p[1] > ymax) ymax = p[1]; }
    const j0 = Math.max(0, Math.floor((ymin - y0) / h - 0.5)), j1 = Math.min(ny - 1, Math.ceil((ymax - y0) / h));
    for (let j = j0; j <= j1; j++) {
      const yc = y0 + (j + 0.5) * h;
      xs.length = 0;
      for (let a = 0, b = ring.length - 1; a < ring.length; b = a++) {
        const ya = ring[a]![1], yb = ring[b]![1];
        if (ya > yc !== yb > yc) xs.push(ring[a]![0] + ((yc - ya) * (ring[b]![0] - ring[a]![0])) / (yb - ya));
      }
      xs.sort((p, q) => p - q);
      for (let k = 0; k + 1 < xs.length; k += 2) {
        const i0 = Math.max(0, Math.ceil((xs[k]! - x0) / h - 0.5)), i1 = Math.min(nx - 1, Math.floor((xs[k + 1]! - x0) / h - 0.5));
        for (let i = i0; i <= i1; i++) target[j * nx + i] = value;
      }
    }
  }

  /**
   * Marks the cells of portal `k` and turns blocked, non-obstacle cells just beyond it into apron.
   * Walkable cells whose centre is within `portalNear(h)` of the segment belong to the portal. A segment on the
   * walkable map's edge can be farther than that from every walkable centre, though: a cell is walkable when its
   * centre is inside, so the grid's edge lies up to h/2 inside the map's and the nearest walkable centre up to h
   * from the segment (office-a, exit door at x 49.89: map edge and exit at x 50.385, last walkable centre at
   * 50.30, 0.085 m off, beyond 0.08 m; the exit was rejected as "not on any walkable edge"). Then, provided the
   * walkable area itself comes within `portalNear(h)` of the segment, the walkable cells within one more cell of it
   * are the portal's. A segment that far from the walkable area is not on its edge and stays without walkable cells.
   */
  private markPortal(seg: Segment, k: number, obstacle: Uint8Array, floor: Floor): void {
    const { x0, y0, h, nx, ny } = this;
    const [[ax, ay], [bx, by]] = seg;
    const dx = bx - ax, dy = by - ay, len = Math.hypot(dx, dy);
    const reach = APRON_DEPTH + h;
    const i0 = Math.max(0, Math.floor((Math.min(ax, bx) - reach - x0) / h)), i1 = Math.min(nx - 1, Math.ceil((Math.max(ax, bx) + reach - x0) / h));
    const j0 = Math.max(0, Math.floor((Math.min(ay, by) - reach - y0) / h)), j1 = Math.min(ny - 1, Math.ceil((Math.max(ay, by) + reach - y0) / h));
    const near = portalNear(h);
    /** Walkable cells (kind 1) within `band` of the segment, not yet another portal's, become portal k's; returns how many. */
    const claim = (band: number, apron: boolean): number => {
      let n = 0;
      for (let j = j0; j <= j1; j++) for (let i = i0; i <= i1; i++) {
        const c = j * nx + i;
        const px = x0 + (i + 0.5) * h - ax, py = y0 + (j + 0.5) * h - ay;
        const u = (px * dx + py * dy) / (len * len);
        const perp = Math.abs(px * dy - py * dx) / len;
        if (u < 0 || u > 1) continue;
        if (this.kind[c] === 0) { if (apron && obstacle[c] === 0 && perp <= APRON_DEPTH) { this.kind[c] = 2; this.portal[c] = k; } }
        else if (perp <= band && this.portal[c]! < 0) { this.portal[c] = k; if (this.kind[c] === 1) n++; }
      }
      return n;
    };
    if (claim(near, true) === 0 && walkableWithin(floor, seg, near, h / 4)) claim(near + h, false);
  }

  private computeWallField(): void {
    const { nx, ny, h } = this;
    const d2 = distanceTransform(this.kind, nx, ny);
    for (let c = 0; c < nx * ny; c++) this.wallDist[c] = this.kind[c] === 0 ? 0 : Math.max(0, Math.sqrt(d2[c]!) * h - h / 2);
    const w = this.wallDist;
    for (let j = 1; j < ny - 1; j++) for (let i = 1; i < nx - 1; i++) {
      const c = j * nx + i;
      if (this.kind[c] === 0) continue;
      const gx = w[c + 1]! - w[c - 1]!, gy = w[c + nx]! - w[c - nx]!;
      const n = Math.hypot(gx, gy);
      if (n > 0) { this.wallGx[c] = gx / n; this.wallGy[c] = gy / n; }
    }
  }
}

/**
 * True when some point within `d` of the segment (across it, between its ends) lies in the floor's walkable area:
 * inside a walkable ring and outside every obstacle. Sampled every `step` along and across the segment.
 */
function walkableWithin(floor: Floor, seg: Segment, d: number, step: number): boolean {
  const [[ax, ay], [bx, by]] = seg;
  const dx = bx - ax, dy = by - ay, len = Math.hypot(dx, dy);
  if (len === 0) return false;
  const nxu = -dy / len, nyu = dx / len;
  const along = Math.max(1, Math.ceil(len / step)), across = Math.max(1, Math.ceil((2 * d) / step));
  const lo = [Math.min(ax, bx) - d, Math.min(ay, by) - d], hi = [Math.max(ax, bx) + d, Math.max(ay, by) + d];
  const overlaps = (ring: readonly Point[]) => {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const [x, y] of ring) { if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y; }
    return x0 <= hi[0]! && x1 >= lo[0]! && y0 <= hi[1]! && y1 >= lo[1]!;
  };
  const obstacles = (floor.obstacles ?? []).filter(overlaps);
  for (let a = 0; a <= along; a++) for (let b = 0; b <= across; b++) {
    const t = a / along, o = -d + (2 * d * b) / across;
    const x = ax + dx * t + nxu * o, y = ay + dy * t + nyu * o;
    if (floor.walkable.some((r) => pointInPolygon(x, y, r)) && !obstacles.some((r) => pointInPolygon(x, y, r))) return true;
  }
  return false;
}
