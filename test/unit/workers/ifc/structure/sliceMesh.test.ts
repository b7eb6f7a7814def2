/** Mesh cutting and plan geometry: the building blocks of footprints, obstacles and walkable maps. */
import { describe, it, expect } from 'vitest';
import { sliceMesh } from '../../../../../workers/ifc/structure/sliceMesh';
import { convexHull, multiPolygonArea, pointInMultiPolygon, ringSignedArea } from '../../../../../workers/ifc/structure/planGeometry';
import { buildWalkable, polygonsFromRings } from '../../../../../workers/ifc/structure/walkableMap';

/** An axis-aligned box as 12 triangles with unshared vertices per face (as web-ifc writes them). */
function box(x0: number, y0: number, z0: number, x1: number, y1: number, z1: number) {
  const c = [[x0, y0, z0], [x1, y0, z0], [x1, y1, z0], [x0, y1, z0], [x0, y0, z1], [x1, y0, z1], [x1, y1, z1], [x0, y1, z1]];
  const faces = [[0, 1, 2, 3], [4, 5, 6, 7], [0, 1, 5, 4], [1, 2, 6, 5], [2, 3, 7, 6], [3, 0, 4, 7]];
  const pos: number[] = [];
  const idx: number[] = [];
  for (const f of faces) {
    const base = pos.length / 3;
    for (const v of f) pos.push(...c[v]!);
    idx.push(base, base + 1, base + 2, base, base + 2, base + 3);
  }
  return { positions: new Float64Array(pos), indices: new Uint32Array(idx) };
}

describe('sliceMesh', () => {
  it('cuts a box into one closed ring with the box section', () => {
    const rings = sliceMesh(box(0, 0, 0, 4, 0.2, 3), 1.0003);
    expect(rings).toHaveLength(1);
    expect(Math.abs(ringSignedArea(rings[0]!))).toBeCloseTo(0.8, 6);
  });

  it('gives nothing above or below the mesh, and one ring per separate solid', () => {
    expect(sliceMesh(box(0, 0, 0, 1, 1, 1), 2)).toEqual([]);
    const a = box(0, 0, 0, 1, 1, 3);
    const b = box(5, 5, 0, 6, 7, 3);
    const merged = {
      positions: new Float64Array([...a.positions, ...b.positions]),
      indices: new Uint32Array([...a.indices, ...[...b.indices].map((i) => i + a.positions.length / 3)]),
    };
    const rings = sliceMesh(merged, 1.5);
    expect(rings).toHaveLength(2);
    expect(rings.map((r) => Math.abs(ringSignedArea(r))).sort()).toEqual([1, 2]);
  });
});

describe('walkable map operations', () => {
  it('treats a ring inside another as a hole (even-odd)', () => {
    const outer: [number, number][] = [[0, 0], [10, 0], [10, 10], [0, 10]];
    const inner: [number, number][] = [[4, 4], [6, 4], [6, 6], [4, 6]];
    const mp = polygonsFromRings([outer, inner]);
    expect(multiPolygonArea(mp)).toBeCloseTo(96, 6);
    expect(pointInMultiPolygon(5, 5, mp)).toBe(false);
    expect(pointInMultiPolygon(1, 1, mp)).toBe(true);
  });

  it('subtracts obstacles and keeps door passages open through a wall', () => {
    const rooms = [[[[0, 0], [10, 0], [10, 5], [0, 5]]], [[[0, 5], [10, 5], [10, 10], [0, 10]]]] as [number, number][][][];
    const wall = [[[[0, 4.9], [10, 4.9], [10, 5.1], [0, 5.1]]]] as [number, number][][][];
    const door: [number, number][] = [[4.5, 4.5], [5.5, 4.5], [5.5, 5.5], [4.5, 5.5]];
    const closed = buildWalkable(rooms, wall, []);
    expect(closed).toHaveLength(2); // the wall splits the floor in two
    const open = buildWalkable(rooms, wall, [door]);
    expect(open).toHaveLength(1); // the door joins them
    expect(multiPolygonArea(open)).toBeCloseTo(100 - 2 + 0.2, 6);
    expect(pointInMultiPolygon(5, 5, open)).toBe(true);
    expect(pointInMultiPolygon(2, 5, open)).toBe(false);
  });

  it('convex hull of points', () => {
    const hull = convexHull([[0, 0], [2, 0], [1, 1], [2, 2], [0, 2], [1, 0.5]]);
    expect(hull).toHaveLength(4);
    expect(ringSignedArea(hull)).toBeCloseTo(4, 9);
  });
});
