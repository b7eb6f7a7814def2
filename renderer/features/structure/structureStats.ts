/**
 * Figures of a building structure per storey for the Structure panel: walkable area (m²), spaces,
 * doors, exits and stairs (a stair counts on each storey it connects), plus the totals.
 */
import type { BuildingStructure } from '../../../common/buildingStructure.js';

export interface StoreyStats {
  index: number;
  name: string;
  /** m, building-frame z. */
  elevation: number;
  /** m². */
  walkableArea: number;
  walkableSource: string;
  spaces: number;
  doors: number;
  exits: number;
  stairs: number;
}

export interface StructureStats {
  storeys: StoreyStats[];
  total: { walkableArea: number; spaces: number; doors: number; exits: number; stairs: number };
}

export function structureStats(s: BuildingStructure): StructureStats {
  const storeys = [...s.storeys]
    .sort((a, b) => a.elevation - b.elevation || a.index - b.index)
    .map((st): StoreyStats => ({
      index: st.index,
      name: st.name,
      elevation: st.elevation,
      walkableArea: st.walkableArea,
      walkableSource: st.walkableSource,
      spaces: s.spaces.filter((x) => x.storey === st.index).length,
      doors: s.doors.filter((x) => x.storey === st.index).length,
      exits: s.doors.filter((x) => x.storey === st.index && x.exit).length,
      stairs: s.stairs.filter((x) => x.fromStorey === st.index || x.toStorey === st.index).length,
    }));
  return {
    storeys,
    total: {
      walkableArea: storeys.reduce((a, st) => a + st.walkableArea, 0),
      spaces: s.spaces.length,
      doors: s.doors.length,
      exits: s.doors.filter((d) => d.exit).length,
      stairs: s.stairs.length,
    },
  };
}
