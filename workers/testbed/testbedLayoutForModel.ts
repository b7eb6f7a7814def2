/**
 * Which building the `testbed:` simulator runs on for the session's model:
 *  - no model (or no structure yet): null — the built-in layout from the URI options;
 *  - the generated sample (`twin samples` → samples/testbed-complex.ifc, any storeys/rooms): exactly
 *    the built-in layout it was generated from (common/testbedLayout.ts), with the office/lab names
 *    the file carries, so the simulator and the IFC agree to the centimetre;
 *  - any other model: `layoutFromStructure`.
 *
 * The sample is recognised by what the generator writes, not by file name: storeys named "1F".."nF",
 * and IfcSpace Names that are exactly the layout's space ids ("1F-ATR", "2F-S03", …) for the
 * storeys × rooms-per-side that the space count implies, each on its storey.
 */
import type { BuildingStructure } from '../../common/buildingStructure.js';
import { buildTestbedLayout, type TestbedLayout, type TestbedSpaceUsage } from '../../common/testbedLayout.js';
import { layoutFromStructure } from './layoutFromStructure.js';

/** Spaces per storey of the built-in layout that do not depend on rooms per side (atrium, 4 corridors, 2 lobbies, 2 stair cores, 2 end labs). */
const FIXED_SPACES_PER_STOREY = 11;

/** The built-in layout a generated sample was made from, or null when `structure` is not one. */
export function matchGeneratedSample(structure: BuildingStructure): TestbedLayout | null {
  const n = structure.storeys.length;
  if (n < 1 || n > 20 || structure.storeys.some((s, i) => s.name !== `${i + 1}F`)) return null;
  const perStorey = structure.spaces.length / n;
  const rooms = (perStorey - FIXED_SPACES_PER_STOREY) / 2;
  if (!Number.isInteger(rooms) || rooms < 1 || rooms > 40) return null;
  const layout = buildTestbedLayout({ storeys: n, roomsPerSide: rooms });
  const byId = new Map(layout.spaces.map((s) => [s.id, s]));
  const seen = new Set<string>();
  for (const sp of structure.spaces) {
    const ls = byId.get(sp.name);
    if (!ls || ls.storey !== sp.storey || seen.has(sp.name)) return null;
    seen.add(sp.name);
  }
  // Generated with another seed: the same geometry, other rooms are labs. Take the file's word.
  const usageOf = (longName: string): TestbedSpaceUsage | null => (/^Lab /.test(longName) ? 'lab' : /^Office /.test(longName) ? 'office' : null);
  const longNames = new Map(structure.spaces.map((s) => [s.name, s.longName ?? '']));
  for (const ls of layout.spaces) {
    if (ls.usage !== 'office' && ls.usage !== 'lab') continue;
    const ln = longNames.get(ls.id) ?? '';
    const usage = usageOf(ln);
    if (usage) { ls.usage = usage; ls.name = ln; }
  }
  return layout;
}

/**
 * The layout for a model (see the module comment): null → use the built-in one from the URI options.
 * `name` is the model's file name (the derived layout's name). Throws when the model has no walkable area.
 */
export function testbedLayoutForModel(structure: BuildingStructure | null, name: string, notes?: string[]): TestbedLayout | null {
  if (!structure) return null;
  const sample = matchGeneratedSample(structure);
  if (sample) return sample;
  return layoutFromStructure(structure, name, notes ? { notes } : {});
}
