/**
 * Crowding-alert zones of any loaded IFC model: Count.zone name → the space's footprint area (m²).
 *
 * A people counter names its zone as people on site do, so each IfcSpace answers to several
 * names: its GlobalId, its Name (often a room number) and LongName (the room's name), and those
 * two prefixed with the storey name and "-" ("1F-Kitchen", the testbed's "2F-atrium" style).
 * A name two spaces share is ambiguous and gets no area (no alert is better than a wrong one);
 * the GlobalId always works.
 *
 * Storeys are zones too (name and GlobalId → walkable area): a counter at a floor's entrances, and
 * every model without IfcSpaces (many exports have none), still gets a crowding alert. A space
 * whose name equals a storey name keeps the name.
 */
import type { BuildingStructure } from '../../common/buildingStructure.js';
import type { TestbedLayout } from '../../common/testbedLayout.js';

export function structureZoneAreas(structure: BuildingStructure): Map<string, number> {
  const storeyName = new Map(structure.storeys.map((s) => [s.index, s.name]));
  const areas = new Map<string, number>();
  const byName = new Map<string, number>();
  for (const sp of structure.spaces) {
    if (!(sp.area > 0)) continue;
    if (sp.globalId) areas.set(sp.globalId, sp.area);
    const storey = storeyName.get(sp.storey);
    const names = new Set<string>();
    for (const n of [sp.name, sp.longName]) {
      if (!n) continue;
      names.add(n);
      if (storey) names.add(`${storey}-${n}`);
    }
    for (const n of names) byName.set(n, byName.has(n) ? -1 : sp.area);
  }
  for (const [name, a] of byName) if (a > 0 && !areas.has(name)) areas.set(name, a);
  const storeyNames = new Map<string, number>();
  for (const st of structure.storeys) {
    if (!(st.walkableArea > 0)) continue;
    if (st.globalId && !areas.has(st.globalId)) areas.set(st.globalId, st.walkableArea);
    storeyNames.set(st.name, storeyNames.has(st.name) ? -1 : st.walkableArea);
  }
  for (const [name, a] of storeyNames) if (a > 0 && !areas.has(name) && !byName.has(name)) areas.set(name, a);
  return areas;
}

/**
 * What a crowding alert calls a model's zone: a space's GlobalId → its Name and LongName with its storey,
 * e.g. "203 OPEN OFFICE (Level 2)"; a storey's GlobalId → its name. Zones counted under a readable name
 * (LongName, "storey-LongName") are not listed: the name is the label.
 */
export function structureZoneLabels(structure: BuildingStructure): Map<string, string> {
  const storeyName = new Map(structure.storeys.map((s) => [s.index, s.name]));
  const labels = new Map<string, string>();
  for (const sp of structure.spaces) {
    if (!sp.globalId) continue;
    const name = [...new Set([sp.name, sp.longName].filter((n): n is string => !!n))].join(' ');
    const storey = storeyName.get(sp.storey);
    if (name || storey) labels.set(sp.globalId, `${name || 'space'}${storey ? ` (${storey})` : ''}`);
  }
  for (const st of structure.storeys) if (st.globalId && st.name) labels.set(st.globalId, st.name);
  return labels;
}

/** An IFC GlobalId (22 characters of the IFC base-64 alphabet), with the "#k" a space split in pieces gets in a layout. */
const GLOBAL_ID = /^([0-9A-Za-z_$]{22})(#\d+)?$/;

/**
 * What a crowding alert calls the zones of a testbed layout derived from a model (layoutFromStructure):
 * its spaces are counted under their GlobalId ("04Sq57eS5FffNezn2ilgtE", "…#2" for a second piece), so
 * each such id → the model's label (structureZoneLabels) or else the layout's own name and storey
 * ("OPEN OFFICE (Level 2)"). Readable ids (the built-in layout's "1F-ATR") are not listed.
 */
export function layoutZoneLabels(layout: TestbedLayout, structure: BuildingStructure | null): Map<string, string> {
  const fromModel = structure ? structureZoneLabels(structure) : new Map<string, string>();
  const storeyName = new Map(layout.storeys.map((s) => [s.index, s.name]));
  const labels = new Map<string, string>();
  for (const sp of layout.spaces) {
    const m = GLOBAL_ID.exec(sp.id);
    if (!m) continue;
    const model = fromModel.get(m[1]!);
    const storey = storeyName.get(sp.storey);
    const label = model && !m[2] ? model : `${sp.name}${storey ? ` (${storey})` : ''}`;
    if (label !== sp.id) labels.set(sp.id, label);
  }
  return labels;
}
