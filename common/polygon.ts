/**
 * Plan-polygon primitives shared by every process: building-frame rings (metres, x east,
 * y north), given as [x, y][] and not closed explicitly. Allocation-free: the radio model,
 * routing, alert zones and flow counting call them per entity.
 */
export type PlanRing = readonly (readonly [number, number])[];

/** Even-odd point-in-polygon test. Points exactly on an edge may go either way. */
export function pointInPolygon(x: number, y: number, ring: PlanRing): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i]!;
    const b = ring[j]!;
    if (a[1] > y !== b[1] > y && x < ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside;
}

/** Area of a ring (shoelace), m², whatever its winding. */
export function polygonArea(ring: PlanRing): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += ring[j]![0] * ring[i]![1] - ring[i]![0] * ring[j]![1];
  return Math.abs(a) / 2;
}
