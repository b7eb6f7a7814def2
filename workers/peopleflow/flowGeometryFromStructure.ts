/**
 * Zones and door lines of any loaded IFC model for people flow: each IfcSpace footprint (outer
 * rings; a space with several parts gives one zone per part, suffixed "#2", …) is a zone named
 * by its LongName (else Name); each IfcDoor is a counting line across its opening, oriented so
 * that `forward` means walking from `spaces[0]` into `spaces[1]` (whichever side that is).
 */
import type { BuildingStructure } from '../ifc/structure/BuildingStructure.js';
import { pointInPolygon, type FlowGeometry, type FlowLine, type FlowZone } from './FlowGeometry.js';

export function flowGeometryFromStructure(structure: BuildingStructure): FlowGeometry {
  const storeyName = (i: number) => structure.storeys.find((s) => s.index === i)?.name ?? String(i);
  const zones: FlowZone[] = [];
  const zoneOfSpace = new Map<number, FlowZone[]>();
  structure.spaces.forEach((sp, i) => {
    const parts = sp.footprint.map((poly) => poly[0]).filter((r): r is [number, number][] => r !== undefined && r.length >= 3);
    const own: FlowZone[] = parts.map((ring, k) => ({
      id: k === 0 ? sp.globalId : `${sp.globalId}#${k + 1}`,
      name: (sp.longName ?? sp.name) + (k === 0 ? '' : ` #${k + 1}`),
      floor: storeyName(sp.storey),
      polygon: ring,
      kind: 'space',
    }));
    zones.push(...own);
    zoneOfSpace.set(i, own);
  });
  const lines: FlowLine[] = structure.doors.map((d) => {
    const [ux, uy] = d.direction;
    const half = d.width / 2;
    let a: [number, number] = [d.x - ux * half, d.y - uy * half];
    let b: [number, number] = [d.x + ux * half, d.y + uy * half];
    const [s0, s1] = d.spaces;
    const to = s1 !== null ? zoneOfSpace.get(s1)?.[0] : undefined;
    const from = s0 !== null ? zoneOfSpace.get(s0)?.[0] : undefined;
    // Left of a→b is (−uy, ux); make the "to" space lie on the left.
    const lx = d.x - uy * 0.4;
    const ly = d.y + ux * 0.4;
    const leftIsTo = to ? pointInPolygon(to.polygon, lx, ly) : from ? !pointInPolygon(from.polygon, lx, ly) : true;
    if (!leftIsTo) [a, b] = [b, a];
    return {
      id: d.globalId, name: d.name || d.globalId, floor: storeyName(d.storey), a, b, kind: 'door',
      from: from?.id ?? 'outside', to: to?.id ?? 'outside',
    };
  });
  return { zones, lines };
}
