/**
 * Cuts a triangle mesh with the horizontal plane z = h and chains the cut segments into rings.
 *
 * Input positions are in the building frame (x, y, z; metres), three floats per vertex, with triangle
 * indices. Each triangle crossing the plane gives one segment; segments are joined end to end into
 * rings. Edge intersections are computed with the edge's two vertices in a canonical order, so the
 * triangles on either side of an edge produce bit-identical points and the rings close exactly even
 * when the mesh does not share vertices between faces (web-ifc's meshes mostly do not).
 * Open chains (non-manifold input) are kept when they have 3+ points, closed implicitly.
 */
import type { PlanPoint, PlanRing } from './BuildingStructure.js';

/** A mesh in the building frame: xyz per vertex and triangle indices. */
export interface PlanMesh {
  positions: Float32Array | Float64Array;
  indices: Uint32Array;
}

const key = (x: number, y: number) => `${Math.round(x * 1e5)},${Math.round(y * 1e5)}`;

export function sliceMesh(mesh: PlanMesh, h: number): PlanRing[] {
  const p = mesh.positions;
  const idx = mesh.indices;
  const points = new Map<string, PlanPoint>();
  const adjacency = new Map<string, number[]>();
  const edges: [string, string][] = [];

  const cut = (a: number, b: number): PlanPoint => {
    // Canonical order: lower z first, then x, then y.
    let i = a;
    let j = b;
    if (p[i * 3 + 2]! > p[j * 3 + 2]! || (p[i * 3 + 2] === p[j * 3 + 2] && (p[i * 3]! > p[j * 3]! || (p[i * 3] === p[j * 3] && p[i * 3 + 1]! > p[j * 3 + 1]!)))) {
      i = b;
      j = a;
    }
    const zi = p[i * 3 + 2]!;
    const t = (h - zi) / (p[j * 3 + 2]! - zi);
    return [p[i * 3]! + t * (p[j * 3]! - p[i * 3]!), p[i * 3 + 1]! + t * (p[j * 3 + 1]! - p[i * 3 + 1]!)];
  };

  for (let f = 0; f + 2 < idx.length; f += 3) {
    const v = [idx[f]!, idx[f + 1]!, idx[f + 2]!];
    const above = v.map((i) => p[i * 3 + 2]! > h);
    const nAbove = above.filter(Boolean).length;
    if (nAbove === 0 || nAbove === 3) continue;
    const ends: PlanPoint[] = [];
    for (let e = 0; e < 3; e++) {
      const a = v[e]!;
      const b = v[(e + 1) % 3]!;
      if (above[e] !== above[(e + 1) % 3]) ends.push(cut(a, b));
    }
    if (ends.length !== 2) continue;
    const ka = key(ends[0]![0], ends[0]![1]);
    const kb = key(ends[1]![0], ends[1]![1]);
    if (ka === kb) continue;
    if (!points.has(ka)) points.set(ka, ends[0]!);
    if (!points.has(kb)) points.set(kb, ends[1]!);
    const e = edges.length;
    edges.push([ka, kb]);
    (adjacency.get(ka) ?? adjacency.set(ka, []).get(ka)!).push(e);
    (adjacency.get(kb) ?? adjacency.set(kb, []).get(kb)!).push(e);
  }

  const used = new Uint8Array(edges.length);
  const rings: PlanRing[] = [];
  const nextEdge = (k: string): number => {
    for (const e of adjacency.get(k)!) if (!used[e]) return e;
    return -1;
  };
  for (let s = 0; s < edges.length; s++) {
    if (used[s]) continue;
    used[s] = 1;
    const [start, second] = edges[s]!;
    const keys = [start, second];
    let cur = second;
    for (;;) {
      const e = nextEdge(cur);
      if (e < 0) break;
      used[e] = 1;
      const [a, b] = edges[e]!;
      cur = a === cur ? b : a;
      if (cur === start) break;
      keys.push(cur);
    }
    if (cur !== start) {
      // Open chain: extend backwards from the start too, then close implicitly.
      let back = start;
      for (;;) {
        const e = nextEdge(back);
        if (e < 0) break;
        used[e] = 1;
        const [a, b] = edges[e]!;
        back = a === back ? b : a;
        keys.unshift(back);
      }
    }
    if (keys.length >= 3) rings.push(keys.map((k) => points.get(k)!));
  }
  return rings;
}
