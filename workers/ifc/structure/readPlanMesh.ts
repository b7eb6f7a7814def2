/**
 * Copies one web-ifc FlatMesh out of the WASM heap into a single mesh in the building frame.
 * web-ifc vertices are interleaved (x, y, z, nx, ny, nz) in each geometry's local frame; the
 * placed geometry's column-major 4×4 `flatTransformation` takes them to web-ifc's y-up world, which
 * this converts to the building frame (x = x, y = −z, z = y). Native geometry objects are deleted.
 */
import type { FlatMesh, IfcAPI } from 'web-ifc';
import type { PlanMesh } from './sliceMesh.js';

export interface PlacedPlanMesh extends PlanMesh {
  /** Bounding box in the building frame, m. */
  min: [number, number, number];
  max: [number, number, number];
  /** The first placed geometry's local x axis in plan (the element's own direction, e.g. along a door). */
  axis: [number, number];
}

/** Scratch buffers reused across calls: 70 000 meshes would otherwise mean 200 000 short-lived typed arrays. */
let scratchPos = new Float64Array(1 << 16);
let scratchIdx = new Uint32Array(1 << 16);

function grow<T extends Float64Array | Uint32Array>(buf: T, need: number, make: (n: number) => T): T {
  if (buf.length >= need) return buf;
  let n = buf.length;
  while (n < need) n *= 2;
  const next = make(n);
  next.set(buf);
  return next;
}

/**
 * The mesh in the building frame. Without `keep`, `positions` and `indices` are views of scratch
 * buffers that the next call overwrites (use them inside the streaming callback); with `keep`, copies.
 */
export function readPlanMesh(api: IfcAPI, modelID: number, mesh: FlatMesh, keep = false): PlacedPlanMesh | null {
  let vertexCount = 0;
  let indexCount = 0;
  let axis: [number, number] = [1, 0];
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  const n = mesh.geometries.size();
  for (let g = 0; g < n; g++) {
    const placed = mesh.geometries.get(g);
    const geometry = api.GetGeometry(modelID, placed.geometryExpressID);
    try {
      const verts = api.GetVertexArray(geometry.GetVertexData(), geometry.GetVertexDataSize());
      const idx = api.GetIndexArray(geometry.GetIndexData(), geometry.GetIndexDataSize());
      const m = placed.flatTransformation;
      if (g === 0) {
        const len = Math.hypot(m[0]!, m[2]!);
        if (len > 1e-9) axis = [m[0]! / len, -m[2]! / len];
      }
      const count = verts.length / 6;
      scratchPos = grow(scratchPos, (vertexCount + count) * 3, (k) => new Float64Array(k));
      scratchIdx = grow(scratchIdx, indexCount + idx.length, (k) => new Uint32Array(k));
      const pos = scratchPos;
      for (let i = 0; i < count; i++) {
        const x = verts[i * 6]!;
        const y = verts[i * 6 + 1]!;
        const z = verts[i * 6 + 2]!;
        const bx = m[0]! * x + m[4]! * y + m[8]! * z + m[12]!;
        const by = -(m[2]! * x + m[6]! * y + m[10]! * z + m[14]!);
        const bz = m[1]! * x + m[5]! * y + m[9]! * z + m[13]!;
        const o = (vertexCount + i) * 3;
        pos[o] = bx;
        pos[o + 1] = by;
        pos[o + 2] = bz;
        if (bx < min[0]) min[0] = bx;
        if (by < min[1]) min[1] = by;
        if (bz < min[2]) min[2] = bz;
        if (bx > max[0]) max[0] = bx;
        if (by > max[1]) max[1] = by;
        if (bz > max[2]) max[2] = bz;
      }
      for (let i = 0; i < idx.length; i++) scratchIdx[indexCount + i] = idx[i]! + vertexCount;
      vertexCount += count;
      indexCount += idx.length;
    } finally {
      geometry.delete();
    }
  }
  if (vertexCount === 0 || indexCount === 0) return null;
  const positions = keep ? scratchPos.slice(0, vertexCount * 3) : scratchPos.subarray(0, vertexCount * 3);
  const indices = keep ? scratchIdx.slice(0, indexCount) : scratchIdx.subarray(0, indexCount);
  return { positions, indices, min, max, axis };
}
