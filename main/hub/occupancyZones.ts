/**
 * The zones PositionOccupancy counts people in: the same zones the crowding alert has areas for
 * (the testbed layout's spaces, or a loaded model's IfcSpaces and storeys, see structureZoneAreas),
 * now with their polygons and the floor labels Position records use for them.
 *
 * Each zone is emitted under ONE name (`zone`) — one that the crowding alert knows, so a derived
 * count can raise it — and answers to all its `aliases`, so a source that counts the same space
 * under another of its names (a counter that says "1F-S01" where we would say "Office S01") is
 * recognised as counting that space and no second, derived count is made for it.
 *
 * Name preference for a model space: storey-prefixed LongName ("Erdgeschoss-Küche": says the room and
 * the floor, where Name is often just "6"), LongName, storey-prefixed Name, Name, GlobalId — the
 * first that is unambiguous (present in structureZoneAreas' map). Storeys: name,
 * else GlobalId. Testbed layout spaces: their id (what the testbed simulator's counts use).
 */
import type { BuildingStructure, PlanMultiPolygon } from '../../common/buildingStructure.js';
import type { TestbedLayout } from '../../common/testbedLayout.js';
import { structureZoneAreas } from './structureZoneAreas.js';

export interface OccupancyZone {
  /** Count.zone of the derived counts. */
  zone: string;
  /** Every Count.zone name that means this zone (includes `zone`). */
  aliases: string[];
  /** Position.floor labels of the floor the zone is on (storey name, GlobalId). */
  floors: string[];
  /** Footprint in the building frame (m), or null = the whole floor (a storey zone). */
  footprint: PlanMultiPolygon | null;
}

export type OccupancyZoneInput = { kind: 'layout'; layout: TestbedLayout } | { kind: 'structure'; structure: BuildingStructure };

export function occupancyZones(input: OccupancyZoneInput): OccupancyZone[] {
  return input.kind === 'layout' ? fromLayout(input.layout) : fromStructure(input.structure);
}

function fromLayout(layout: TestbedLayout): OccupancyZone[] {
  const storeyName = new Map(layout.storeys.map((s) => [s.index, s.name]));
  const nameUses = new Map<string, number>();
  for (const sp of layout.spaces) nameUses.set(sp.name, (nameUses.get(sp.name) ?? 0) + 1);
  const ids = new Set(layout.spaces.map((sp) => sp.id));
  const out: OccupancyZone[] = [];
  for (const sp of layout.spaces) {
    const floor = storeyName.get(sp.storey);
    if (floor === undefined || sp.polygon.length < 3) continue;
    const aliases = [sp.id];
    if (nameUses.get(sp.name) === 1 && !ids.has(sp.name) && sp.name !== sp.id) aliases.push(sp.name);
    out.push({ zone: sp.id, aliases, floors: [floor], footprint: [[sp.polygon.map(([x, y]) => [x, y] as [number, number])]] });
  }
  return out;
}

function fromStructure(structure: BuildingStructure): OccupancyZone[] {
  const areas = structureZoneAreas(structure);
  const storeys = new Map(structure.storeys.map((s) => [s.index, s]));
  const out: OccupancyZone[] = [];
  for (const sp of structure.spaces) {
    const st = storeys.get(sp.storey);
    if (!st || !(sp.area > 0) || sp.footprint.length === 0) continue;
    const candidates: string[] = [];
    if (sp.longName) candidates.push(`${st.name}-${sp.longName}`, sp.longName);
    if (sp.name) candidates.push(`${st.name}-${sp.name}`, sp.name);
    if (sp.globalId) candidates.push(sp.globalId);
    const aliases = [...new Set(candidates.filter((n) => areas.get(n) === sp.area))];
    if (aliases.length === 0) continue;
    out.push({ zone: aliases[0]!, aliases, floors: floorLabels(st), footprint: sp.footprint });
  }
  for (const st of structure.storeys) {
    if (!(st.walkableArea > 0)) continue;
    const aliases = [st.name, st.globalId].filter((n) => n && areas.get(n) === st.walkableArea);
    if (aliases.length === 0) continue;
    out.push({ zone: aliases[0]!, aliases, floors: floorLabels(st), footprint: null });
  }
  return out;
}

function floorLabels(st: { name: string; globalId: string }): string[] {
  return [st.name, st.globalId].filter((n) => n.length > 0);
}
