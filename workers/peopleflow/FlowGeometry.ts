/**
 * What people flow is measured on: zones (IfcSpaces and user-drawn areas) and lines (doors and
 * user-drawn counting lines), per floor, building frame metres.
 *
 * A line's direction: walking from the RIGHT of a→b to its LEFT counts as `forward` (for a door,
 * from `from` into `to`); the other way is `backward`.
 */
export interface FlowZone {
  id: string;
  name: string;
  floor: string;
  polygon: [number, number][];
  kind: 'space' | 'user';
}

export interface FlowLine {
  id: string;
  name: string;
  floor: string;
  a: [number, number];
  b: [number, number];
  kind: 'door' | 'user';
  /** For doors: the zone ids (or 'outside') on the right (from) and left (to) of a→b. */
  from?: string;
  to?: string;
}

export interface FlowGeometry {
  zones: FlowZone[];
  lines: FlowLine[];
}

/** Even-odd point in polygon. */
export function pointInPolygon(ring: readonly [number, number][], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Shoelace area, m². */
export function polygonArea(ring: readonly [number, number][]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += ring[j]![0] * ring[i]![1] - ring[i]![0] * ring[j]![1];
  return Math.abs(a) / 2;
}
