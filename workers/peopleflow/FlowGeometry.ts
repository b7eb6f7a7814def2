/**
 * What people flow is measured on: zones (IfcSpaces and user-drawn areas) and lines (doors and
 * user-drawn counting lines), per floor, building frame metres.
 *
 * A line's direction: walking from the RIGHT of a→b to its LEFT counts as `forward` (for a door,
 * from `from` into `to`); the other way is `backward`.
 */
import { pointInPolygon as pointInRing, polygonArea } from '../../common/polygon.js';
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

/** Even-odd point in polygon (ring first, as this module's callers pass it). */
export function pointInPolygon(ring: readonly [number, number][], x: number, y: number): boolean {
  return pointInRing(x, y, ring);
}

export { polygonArea };
