/**
 * Zones and door lines of the testbed building (common/testbedLayout.ts) for people flow: every
 * space is a zone; every door is a counting line across its opening, oriented so that `forward`
 * means walking from `between[0]` into `between[1]`.
 */
import type { TestbedLayout } from '../../common/testbedLayout.js';
import { pointInPolygon, type FlowGeometry, type FlowLine } from './FlowGeometry.js';

export function flowGeometryFromLayout(layout: TestbedLayout): FlowGeometry {
  const floorOf = new Map(layout.storeys.map((s) => [s.index, s.name]));
  const zones = layout.spaces.map((s) => ({
    id: s.id, name: s.name, floor: floorOf.get(s.storey) ?? String(s.storey), polygon: s.polygon, kind: 'space' as const,
  }));
  const lines: FlowLine[] = layout.doors.map((d) => {
    const half = d.width / 2;
    let a: [number, number] = d.orientation === 'x' ? [d.x - half, d.y] : [d.x, d.y - half];
    let b: [number, number] = d.orientation === 'x' ? [d.x + half, d.y] : [d.x, d.y + half];
    // Left of a→b is +90°: for an 'x' door (a→b east) the left is north.
    const [from, to] = d.between;
    const leftX = d.orientation === 'x' ? d.x : d.x - 0.5;
    const leftY = d.orientation === 'x' ? d.y + 0.5 : d.y;
    const toPoly = layout.spaces.find((s) => s.id === to)?.polygon;
    const fromPoly = layout.spaces.find((s) => s.id === from)?.polygon;
    const leftIsTo = toPoly ? pointInPolygon(toPoly, leftX, leftY) : fromPoly ? !pointInPolygon(fromPoly, leftX, leftY) : true;
    if (!leftIsTo) [a, b] = [b, a];
    return { id: d.id, name: d.id, floor: floorOf.get(d.storey) ?? String(d.storey), a, b, kind: 'door' as const, from, to };
  });
  return { zones, lines };
}
