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

export function readPlanMesh(api: IfcAPI, modelID: number, mesh: FlatMesh): PlacedPlanMesh | null {
  const parts: { pos: Float64Array; idx: Uint32Array }[] = [];
  let vertexCount = 0;
  let indexCount = 0;
  let axis: [number, number] = [1, 0];
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
      const pos = new Float64Array(count * 3);
      for (let i = 0; i < count; i++) {
        const x = verts[i * 6]!;
        const y = verts[i * 6 + 1]!;
        const z = verts[i * 6 + 2]!;
        const wx = m[0]! * x + m[4]! * y + m[8]! * z + m[12]!;
        const wy = m[1]! * x + m[5]! * y + m[9]! * z + m[13]!;
        const wz = m[2]! * x + m[6]! * y + m[10]! * z + m[14]!;
        pos[i * 3] = wx;
        pos[i * 3 + 1] = -wz;
        pos[i * 3 + 2] = wy;
      }
      parts.push({ pos, idx: idx.slice() });
      vertexCount += count;
      indexCount += idx.length;
    } finally {
      geometry.delete();
    }
  }
  if (vertexCount === 0 || indexCount === 0) return null;
  const positions = new Float64Array(vertexCount * 3);
  const indices = new Uint32Array(indexCount);
  let vo = 0;
  let io = 0;
  for (const p of parts) {
    positions.set(p.pos, vo * 3);
    for (let i = 0; i < p.idx.length; i++) indices[io + i] = p.idx[i]! + vo;
    vo += p.pos.length / 3;
    io += p.idx.length;
  }
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < positions.length; i += 3) {
    for (let k = 0; k < 3; k++) {
      const v = positions[i + k]!;
      if (v < min[k]!) min[k] = v;
      if (v > max[k]!) max[k] = v;
    }
  }
  return { positions, indices, min, max, axis };
}
