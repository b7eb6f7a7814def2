/**
 * The walkable map of the testbed building (common/testbedLayout.ts), in the generic
 * `WalkableMap` form the positioning filter and people-flow module take.
 *
 * Walkable = every space footprint of the storey (rooms, corridors, lobbies, atrium, stair cores),
 * minus every wall as a rectangle of its thickness, with the door openings cut out of the walls so
 * rooms connect only through their doors. Stairs become `FloorLink`s between the storeys they join.
 */
import type { TestbedLayout } from '../../common/testbedLayout.js';
import type { FloorLink, WalkableMap } from './WalkableGrid.js';

export interface LayoutWalkable {
  maps: WalkableMap[];
  links: FloorLink[];
  /** Storey names bottom-up, e.g. ["1F", "2F", "3F"]. */
  floors: string[];
}

/** Rectangle ring around the segment a→b, `halfWidth` either side of the centre line. */
function segmentRect(ax: number, ay: number, bx: number, by: number, halfWidth: number): [number, number][] {
  const len = Math.hypot(bx - ax, by - ay);
  if (len === 0) return [];
  const nx = (-(by - ay) / len) * halfWidth;
  const ny = ((bx - ax) / len) * halfWidth;
  return [
    [ax + nx, ay + ny],
    [bx + nx, by + ny],
    [bx - nx, by - ny],
    [ax - nx, ay - ny],
  ];
}

export function walkableFromLayout(layout: TestbedLayout): LayoutWalkable {
  const floorName = (index: number): string => {
    const s = layout.storeys.find((st) => st.index === index);
    if (!s) throw new Error(`walkableFromLayout: storey index ${index} is not in layout.storeys`);
    return s.name;
  };
  const maps: WalkableMap[] = layout.storeys.map((s) => ({ floor: s.name, polygons: [], holes: [] }));
  const byFloor = new Map(maps.map((m) => [m.floor, m]));
  for (const sp of layout.spaces) byFloor.get(floorName(sp.storey))!.polygons.push(sp.polygon.map(([x, y]) => [x, y] as [number, number]));

  for (const w of layout.walls) {
    const m = byFloor.get(floorName(w.storey))!;
    const [ax, ay] = w.a;
    const [bx, by] = w.b;
    const len = Math.hypot(bx - ax, by - ay);
    if (len === 0) continue;
    const ux = (bx - ax) / len;
    const uy = (by - ay) / len;
    // Door openings on this wall, as [from, to] distances along it.
    const gaps: [number, number][] = [];
    for (const d of layout.doors) {
      if (d.storey !== w.storey) continue;
      const along = (d.x - ax) * ux + (d.y - ay) * uy;
      const off = Math.abs(-(d.x - ax) * uy + (d.y - ay) * ux);
      if (off > w.thickness / 2 + 0.05 || along < -d.width / 2 || along > len + d.width / 2) continue;
      gaps.push([along - d.width / 2, along + d.width / 2]);
    }
    gaps.sort((p, q) => p[0] - q[0]);
    let from = 0;
    const pieces: [number, number][] = [];
    for (const [g0, g1] of gaps) {
      if (g0 > from) pieces.push([from, Math.min(g0, len)]);
      from = Math.max(from, g1);
    }
    if (from < len) pieces.push([from, len]);
    for (const [s0, s1] of pieces) {
      const ring = segmentRect(ax + ux * s0, ay + uy * s0, ax + ux * s1, ay + uy * s1, w.thickness / 2);
      if (ring.length) m.holes.push(ring);
    }
  }

  const links: FloorLink[] = layout.stairs.map((s) => ({
    id: s.id,
    floorA: floorName(s.fromStorey),
    floorB: floorName(s.toStorey),
    polygon: s.polygon.map(([x, y]) => [x, y] as [number, number]),
  }));
  const floors = [...layout.storeys].sort((a, b) => a.index - b.index).map((s) => s.name);
  return { maps, links, floors };
}
