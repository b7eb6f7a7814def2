/**
 * Merges placed geometries into one vertex/index buffer per (storey × material), so a building
 * of thousands of elements draws in a few dozen calls. Vertices are transformed on the way in
 * (web-ifc's flatTransformation, column-major 4×4), read straight from the WASM heap without an
 * intermediate copy, and written into growable per-batch buffers.
 *
 * Contract: all geometries of one element must be added before the next element's (web-ifc's
 * stream does this), so each element occupies one contiguous index range per batch.
 */
import { RANGE_STRIDE, VERTEX_STRIDE, type Bounds6, type GeometryBatch } from './ProcessedModel.js';

class Growable<T extends Float32Array | Uint32Array> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}
  reserve(extra: number): T {
    const need = this.length + extra;
    if (need > this.data.length) {
      const next = this.make(Math.max(need, this.data.length * 2));
      next.set(this.data.subarray(0, this.length));
      this.data = next;
    }
    return this.data;
  }
  /** An exactly-sized copy that owns its ArrayBuffer (transferable). */
  trimmed(): T {
    return this.data.slice(0, this.length) as T;
  }
}

interface BatchBuilder {
  storey: number;
  color: [number, number, number, number];
  vertices: Growable<Float32Array>;
  indices: Growable<Uint32Array>;
  /** element row (set later), batch, indexStart, indexCount, vertexStart — element is an expressID here. */
  ranges: number[];
  lastElement: number;
  /** Position in `order`. */
  id: number;
  /** This batch's axis-aligned bounds: minX minY minZ maxX maxY maxZ. */
  bounds: Float64Array;
}

/**
 * Coordinates beyond this many metres from the origin (or not finite) are damage, not a building: no projected
 * CRS reaches 10 000 km, and float32 (what the GPU draws) turns 1e300 into Infinity, which blanked the whole view
 * and gave the plan a NaN scale. Such a geometry is left out and its element counted (`skipped`).
 */
export const MAX_COORD_M = 1e7;

/**
 * First capacity of a batch, in vertices. Small on purpose: a model has dozens of batches, and
 * large zero-filled buffers per batch cost more (allocation, page faults, GC pressure from
 * external memory) than the few doublings a big batch goes through.
 */
const INITIAL_VERTICES = 1024;

export interface BatcherResult {
  batches: Omit<GeometryBatch, 'rangeStart' | 'rangeCount'>[];
  /** Per batch: RANGE_STRIDE numbers per row, `element` column holding the expressID. */
  ranges: number[][];
  bounds: Bounds6;
  triangleCount: number;
  vertexCount: number;
}

export class GeometryBatcher {
  /** Key: storey × 2^32 + packed RGBA8 (exact while storey < 2^21). */
  private readonly builders = new Map<number, BatchBuilder>();
  private readonly order: BatchBuilder[] = [];
  private last: BatchBuilder | null = null;
  private lastKey = -1;
  private triangles = 0;
  /** Elements (expressID → geometries) dropped because their coordinates are out of range (MAX_COORD_M). */
  readonly skipped = new Map<number, number>();

  /**
   * Appends one placed geometry. `verts`/`vOffset`/`vFloats` address web-ifc's interleaved
   * px py pz nx ny nz floats (possibly a view on the WASM heap); `idx`/`iOffset`/`iCount` its
   * triangle indices; `m` the column-major 4×4 placement.
   */
  add(
    expressID: number,
    storey: number,
    rgba: { x: number; y: number; z: number; w: number },
    verts: Float32Array,
    vOffset: number,
    vFloats: number,
    idx: Uint32Array,
    iOffset: number,
    iCount: number,
    m: ArrayLike<number>,
  ): void {
    if (iCount < 3 || vFloats < VERTEX_STRIDE * 3) return;
    const r = Math.round(rgba.x * 255), g = Math.round(rgba.y * 255), b = Math.round(rgba.z * 255), a = Math.round(rgba.w * 255);
    const key = (storey + 1) * 4294967296 + (((r << 24) | (g << 16) | (b << 8) | a) >>> 0);
    // Consecutive geometries mostly share a material: skip the map lookup then.
    let bb = key === this.lastKey ? this.last : this.builders.get(key);
    if (!bb) {
      bb = {
        storey,
        color: [r / 255, g / 255, b / 255, a / 255],
        vertices: new Growable(new Float32Array(VERTEX_STRIDE * INITIAL_VERTICES), (n) => new Float32Array(n)),
        indices: new Growable(new Uint32Array(3 * INITIAL_VERTICES), (n) => new Uint32Array(n)),
        ranges: [],
        lastElement: -1,
        id: this.order.length,
        bounds: new Float64Array([Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity]),
      };
      this.builders.set(key, bb);
      this.order.push(bb);
    }
    this.last = bb;
    this.lastKey = key;
    const vertexStart = bb.vertices.length / VERTEX_STRIDE;
    const indexStart = bb.indices.length;

    const m0 = m[0]!, m1 = m[1]!, m2 = m[2]!, m4 = m[4]!, m5 = m[5]!, m6 = m[6]!, m8 = m[8]!, m9 = m[9]!, m10 = m[10]!;
    const m12 = m[12]!, m13 = m[13]!, m14 = m[14]!;
    // Normal matrix = inverse-transpose of the upper 3×3 = cofactor matrix / det, so scaled placements keep normals right.
    const c00 = m5 * m10 - m6 * m9, c01 = m6 * m8 - m4 * m10, c02 = m4 * m9 - m5 * m8;
    const c10 = m2 * m9 - m1 * m10, c11 = m0 * m10 - m2 * m8, c12 = m1 * m8 - m0 * m9;
    const c20 = m1 * m6 - m2 * m5, c21 = m2 * m4 - m0 * m6, c22 = m0 * m5 - m1 * m4;
    const det = m0 * c00 + m1 * c01 + m2 * c02;
    // Rotation (+ mirror): cofactors equal ±the matrix and keep unit normals, so skip the renormalisation.
    const near1 = (x: number): boolean => Math.abs(x - 1) < 1e-5;
    const rigid = near1(Math.abs(det)) && near1(m0 * m0 + m1 * m1 + m2 * m2) && near1(m4 * m4 + m5 * m5 + m6 * m6) && near1(m8 * m8 + m9 * m9 + m10 * m10);
    const sign = det < 0 ? -1 : 1;
    // For a mirrored rigid placement the cofactor matrix is −M: `sign` flips normals back outward.

    const nVerts = Math.floor(vFloats / VERTEX_STRIDE);
    const out = bb.vertices.reserve(nVerts * VERTEX_STRIDE);
    let o = bb.vertices.length;
    // This geometry's own bounds, checked before anything is kept (see MAX_COORD_M).
    let minX = Infinity, minY = Infinity, minZ = Infinity, maxX = -Infinity, maxY = -Infinity, maxZ = -Infinity;
    for (let v = 0, s = vOffset; v < nVerts; v++, s += VERTEX_STRIDE, o += VERTEX_STRIDE) {
      const x = verts[s]!, y = verts[s + 1]!, z = verts[s + 2]!;
      const nx = verts[s + 3]!, ny = verts[s + 4]!, nz = verts[s + 5]!;
      // Rounded to float32 as stored, so the bounds are exactly those of the stored vertices.
      const px = Math.fround(m0 * x + m4 * y + m8 * z + m12);
      const py = Math.fround(m1 * x + m5 * y + m9 * z + m13);
      const pz = Math.fround(m2 * x + m6 * y + m10 * z + m14);
      out[o] = px;
      out[o + 1] = py;
      out[o + 2] = pz;
      if (px < minX) minX = px;
      if (px > maxX) maxX = px;
      if (py < minY) minY = py;
      if (py > maxY) maxY = py;
      if (pz < minZ) minZ = pz;
      if (pz > maxZ) maxZ = pz;
      // cXY above is the adjugate (transposed cofactors); the normal needs the cofactor matrix.
      let tx = c00 * nx + c10 * ny + c20 * nz;
      let ty = c01 * nx + c11 * ny + c21 * nz;
      let tz = c02 * nx + c12 * ny + c22 * nz;
      if (!rigid) {
        // Scaled or sheared placement: renormalise (Math.hypot is several times slower than sqrt in V8).
        const inv = 1 / (Math.sqrt(tx * tx + ty * ty + tz * tz) || 1);
        tx *= inv;
        ty *= inv;
        tz *= inv;
      }
      out[o + 3] = tx * sign;
      out[o + 4] = ty * sign;
      out[o + 5] = tz * sign;
    }
    // Written past the end only: a geometry out of range is dropped by not moving the end (nor the bounds).
    if (!(minX >= -MAX_COORD_M && minY >= -MAX_COORD_M && minZ >= -MAX_COORD_M && maxX <= MAX_COORD_M && maxY <= MAX_COORD_M && maxZ <= MAX_COORD_M)) {
      this.skipped.set(expressID, (this.skipped.get(expressID) ?? 0) + 1);
      return;
    }
    const bounds = bb.bounds;
    if (minX < bounds[0]!) bounds[0] = minX;
    if (minY < bounds[1]!) bounds[1] = minY;
    if (minZ < bounds[2]!) bounds[2] = minZ;
    if (maxX > bounds[3]!) bounds[3] = maxX;
    if (maxY > bounds[4]!) bounds[4] = maxY;
    if (maxZ > bounds[5]!) bounds[5] = maxZ;
    bb.vertices.length = o;
    if (bb.lastElement !== expressID) {
      bb.ranges.push(expressID, bb.id, indexStart, 0, vertexStart);
      bb.lastElement = expressID;
    }

    const tris = Math.floor(iCount / 3) * 3;
    const iout = bb.indices.reserve(tris);
    let w = bb.indices.length;
    const flip = det < 0; // mirrored placement: keep triangles front-facing
    for (let i = 0; i < tris; i += 3, w += 3) {
      const a0 = idx[iOffset + i]! + vertexStart, a1 = idx[iOffset + i + 1]! + vertexStart, a2 = idx[iOffset + i + 2]! + vertexStart;
      iout[w] = a0;
      iout[w + 1] = flip ? a2 : a1;
      iout[w + 2] = flip ? a1 : a2;
    }
    bb.indices.length = w;
    const countAt = bb.ranges.length - RANGE_STRIDE + 3;
    bb.ranges[countAt] = (bb.ranges[countAt] ?? 0) + tris;
    this.triangles += tris / 3;
  }

  get triangleCount(): number {
    return this.triangles;
  }

  finish(): BatcherResult {
    let vertexCount = 0;
    const all = [Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity];
    // A batch whose every geometry was out of range (skipped) holds nothing: it is not a batch.
    const kept = this.order.filter((bb) => bb.vertices.length > 0);
    const batches = kept.map((bb) => {
      vertexCount += bb.vertices.length / VERTEX_STRIDE;
      const bx = bb.bounds;
      for (let k = 0; k < 3; k++) {
        all[k] = Math.min(all[k]!, bx[k]!);
        all[k + 3] = Math.max(all[k + 3]!, bx[k + 3]!);
      }
      const bounds: Bounds6 = [bx[0]!, bx[1]!, bx[2]!, bx[3]!, bx[4]!, bx[5]!];
      return { storey: bb.storey, color: bb.color, bounds, vertices: bb.vertices.trimmed(), indices: bb.indices.trimmed() };
    });
    const empty = !Number.isFinite(all[0]!);
    return {
      batches,
      ranges: kept.map((bb) => bb.ranges),
      bounds: empty ? [0, 0, 0, 0, 0, 0] : [all[0]!, all[1]!, all[2]!, all[3]!, all[4]!, all[5]!],
      triangleCount: this.triangles,
      vertexCount,
    };
  }
}
