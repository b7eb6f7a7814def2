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
  /** Walkable, but no exit and no stair or ramp reaches it: nobody can leave it (a roof, a foundation level). */
  noWayOut: boolean;
}

export interface StructureStats {
  storeys: StoreyStats[];
  /** walkableArea: of the storeys people can leave (not `noWayOut`); `unreached`: the walkable m² of the others. */
  total: { walkableArea: number; unreached: number; spaces: number; doors: number; exits: number; stairs: number };
}

/** True when a storey has walkable area but neither an exit nor a stair or ramp (see StoreyStats.noWayOut). */
export const noWayOut = (st: Pick<StoreyStats, 'walkableArea' | 'exits' | 'stairs'>): boolean => st.walkableArea > 0 && st.exits === 0 && st.stairs === 0;

export function structureStats(s: BuildingStructure): StructureStats {
  const storeys = [...s.storeys]
    .sort((a, b) => a.elevation - b.elevation || a.index - b.index)
    .map((st): Omit<StoreyStats, 'noWayOut'> => ({
      index: st.index,
      name: st.name,
      elevation: st.elevation,
      walkableArea: st.walkableArea,
      walkableSource: st.walkableSource,
      spaces: s.spaces.filter((x) => x.storey === st.index).length,
      doors: s.doors.filter((x) => x.storey === st.index).length,
      exits: s.doors.filter((x) => x.storey === st.index && x.exit).length,
      stairs: s.stairs.filter((x) => x.fromStorey === st.index || x.toStorey === st.index).length,
    }))
    .map((st) => ({ ...st, noWayOut: noWayOut(st) }));
  return {
    storeys,
    total: {
      walkableArea: storeys.reduce((a, st) => a + (st.noWayOut ? 0 : st.walkableArea), 0),
      unreached: storeys.reduce((a, st) => a + (st.noWayOut ? st.walkableArea : 0), 0),
      spaces: s.spaces.length,
      doors: s.doors.length,
      exits: s.doors.filter((d) => d.exit).length,
      stairs: s.stairs.length,
    },
  };
}
