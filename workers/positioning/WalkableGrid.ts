/**
 * The walkable map of one building, rasterised per floor for fast point and segment tests.
 *
 * Input is generic (any model, not only the testbed): per floor, outer rings of walkable
 * polygons and rings of holes (walls, columns, voids), building frame metres. A cell is walkable
 * when its centre lies inside some polygon and inside no hole. The default 0.25 m cell is below
 * typical wall thickness (0.1–0.3 m after stamping) and door widths (≥ 0.8 m), so walls stay
 * closed and doors open, while a point test is one array read. Cells are conservative both ways:
 * a walkable cell lies wholly inside the polygons (centre and corners), and a hole blocks every
 * cell it touches.
 */

/** One floor's walkable area (contract shared with nav/ and the people-flow module). */
export interface WalkableMap {
  floor: string;
  /** Outer rings [x, y] in metres, not closed (last point ≠ first). */
  polygons: [number, number][][];
  /** Rings removed from the polygons (walls, obstacles), same form. */
  holes: [number, number][][];
}

/** A vertical connection (stair, ramp, lift) between two floors, as an area on each. */
export interface FloorLink {
  id: string;
  floorA: string;
  floorB: string;
  /** The link's footprint (same x/y on both floors for a straight stair), metres. */
  polygon: [number, number][];
}

/** One rasterised floor. `cells[row * cols + col]` is 1 when walkable. */
export interface FloorRaster {
  floor: string;
  minX: number;
  minY: number;
  cols: number;
  rows: number;
  cells: Uint8Array;
  /** Indices of the walkable cells, for uniform sampling. */
  walkable: Uint32Array;
}

export class WalkableGrid {
  readonly cellSize: number;
  private readonly floors = new Map<string, FloorRaster>();

  /** @param cellSize metres per cell edge (default 0.25 m). */
  constructor(maps: readonly WalkableMap[], cellSize = 0.25) {
    if (!(cellSize > 0)) throw new Error(`WalkableGrid: cellSize must be > 0 m, got ${cellSize}`);
    this.cellSize = cellSize;
    for (const m of maps) this.floors.set(m.floor, rasterise(m, cellSize));
  }

  floorNames(): string[] {
    return [...this.floors.keys()];
  }

  raster(floor: string): FloorRaster | undefined {
    return this.floors.get(floor);
  }

  /** True when (x, y) metres is walkable on `floor`; an unknown floor has no walkable area. */
  isWalkable(floor: string, x: number, y: number): boolean {
    const r = this.floors.get(floor);
    return r !== undefined && rasterWalkable(r, this.cellSize, x, y);
  }

  /** Walkable area of a floor in m². */
  area(floor: string): number {
    const r = this.floors.get(floor);
    return r ? r.walkable.length * this.cellSize * this.cellSize : 0;
  }
}

/** Point test on one raster (hot path: the filter calls it per particle). */
export function rasterWalkable(r: FloorRaster, cellSize: number, x: number, y: number): boolean {
  const c = Math.floor((x - r.minX) / cellSize);
  const rr = Math.floor((y - r.minY) / cellSize);
  if (c < 0 || rr < 0 || c >= r.cols || rr >= r.rows) return false;
  return r.cells[rr * r.cols + c] === 1;
}

/**
 * Segment test: samples the segment every half cell, so a move cannot jump a wall at least one
 * cell thick. Used for particle moves (≤ 2–3 m per 1 s step).
 */
export function rasterSegmentClear(r: FloorRaster, cellSize: number, x0: number, y0: number, x1: number, y1: number): boolean {
  const len = Math.hypot(x1 - x0, y1 - y0);
  const steps = Math.max(1, Math.ceil(len / (cellSize * 0.5)));
  for (let i = 1; i <= steps; i++) {
    const f = i / steps;
    if (!rasterWalkable(r, cellSize, x0 + (x1 - x0) * f, y0 + (y1 - y0) * f)) return false;
  }
  return true;
}

/**
 * Scanline fill of one ring into the raster with `value`. Walkable rings fill the cells whose
 * centre is inside; hole rings are `conservative`: every cell the hole overlaps is filled, so a
 * 0.2 m wall can never slip between two rows of 0.25 m cell centres.
 */
function fillRing(cells: Uint8Array, cols: number, rows: number, minX: number, minY: number, cs: number, ring: readonly [number, number][], value: number, conservative = false): void {
  const n = ring.length;
  if (n < 3) return;
  let lo = Infinity;
  let hi = -Infinity;
  for (const [, y] of ring) {
    lo = Math.min(lo, y);
    hi = Math.max(hi, y);
  }
  const r0 = Math.max(0, Math.floor((lo - minY) / cs));
  const r1 = Math.min(rows - 1, Math.ceil((hi - minY) / cs));
  const xs: number[] = [];
  const samples = conservative ? [0.001, 0.5, 0.999] : [0.5];
  for (let row = r0; row <= r1; row++) {
    for (const f of samples) {
      const yc = minY + (row + f) * cs;
      xs.length = 0;
      for (let i = 0, j = n - 1; i < n; j = i++) {
        const [xi, yi] = ring[i]!;
        const [xj, yj] = ring[j]!;
        if (yi > yc !== yj > yc) xs.push(xi + ((yc - yi) / (yj - yi)) * (xj - xi));
      }
      xs.sort((a, b) => a - b);
      for (let k = 0; k + 1 < xs.length; k += 2) {
        const a = (xs[k]! - minX) / cs;
        const b = (xs[k + 1]! - minX) / cs;
        // Centre rule: cells whose centre lies in [a, b); conservative: every cell touching it.
        const c0 = Math.max(0, conservative ? Math.floor(a) : Math.ceil(a - 0.5));
        const c1 = Math.min(cols - 1, conservative ? Math.floor(b) : Math.ceil(b - 0.5) - 1);
        for (let c = c0; c <= c1; c++) cells[row * cols + c] = value;
      }
    }
  }
}

function rasterise(m: WalkableMap, cs: number): FloorRaster {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const ring of m.polygons) {
    for (const [x, y] of ring) {
      if (!Number.isFinite(x) || !Number.isFinite(y)) throw new Error(`WalkableGrid: floor ${m.floor}: polygon vertex is not finite (${x}, ${y})`);
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
  }
  if (!Number.isFinite(minX)) {
    return { floor: m.floor, minX: 0, minY: 0, cols: 0, rows: 0, cells: new Uint8Array(0), walkable: new Uint32Array(0) };
  }
  minX -= cs;
  minY -= cs;
  const cols = Math.ceil((maxX - minX) / cs) + 2;
  const rows = Math.ceil((maxY - minY) / cs) + 2;
  // A cell is walkable when its centre AND its four corners lie inside the polygons' union: thin
  // walls modelled as notches of a walkable ring (IFC: spaces minus obstacles) stay closed even
  // when no cell centre falls in them. Corners are the centres of a grid shifted by half a cell.
  const cells = new Uint8Array(cols * rows);
  const corners = new Uint8Array((cols + 1) * (rows + 1));
  for (const ring of m.polygons) {
    fillRing(cells, cols, rows, minX, minY, cs, ring, 1);
    fillRing(corners, cols + 1, rows + 1, minX - cs / 2, minY - cs / 2, cs, ring, 1);
  }
  const cc = cols + 1;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const k = r * cc + c;
      if (corners[k] !== 1 || corners[k + 1] !== 1 || corners[k + cc] !== 1 || corners[k + cc + 1] !== 1) cells[r * cols + c] = 0;
    }
  }
  for (const ring of m.holes) fillRing(cells, cols, rows, minX, minY, cs, ring, 0, true);
  let count = 0;
  for (let i = 0; i < cells.length; i++) count += cells[i]!;
  const walkable = new Uint32Array(count);
  for (let i = 0, k = 0; i < cells.length; i++) if (cells[i] === 1) walkable[k++] = i;
  return { floor: m.floor, minX, minY, cols, rows, cells, walkable };
}
