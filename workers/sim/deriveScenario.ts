/**
 * The evacuation scenario of an IFC building, as `twin simulate FILE.ifc` and the Simulation panel derive it:
 * buildingToScenario (workers/ifc/structure/toScenario.ts), with nobody placed in a space they cannot get out of.
 *
 * A space that no door or stair leads out of (duplex's "R301 Roof": 135 m² that no stair reaches) got its share of
 * the occupants by area like any other, and they stood there to the end: 37 of 100, every run "not all left", no
 * evacuation time at all. Such spaces are now left empty and named (`emptied`), and `occupants` is spread over the
 * spaces people can leave. "Can get out" allows for body width, as placement does (wayOutMask, placeAgents.ts).
 * When no space has a way out, the scenario is left as it is, and the run reports who cannot reach an exit.
 */
import type { Scenario } from '../../common/scenario.js';
import { buildingToScenario, type BuildingToScenarioOptions } from '../ifc/structure/toScenario.js';
import type { BuildingStructure } from '../ifc/structure/BuildingStructure.js';
import { NavMap } from '../nav/NavMap.js';
import { allowedExits, areaHasWayOut, DEFAULT_RADIUS, wayOutMask } from './placeAgents.js';

/** A space left empty: its group's name (space Name and LongName), floor id, and the people it would have had. */
export interface EmptiedSpace { name: string; floor: string; people: number }

export interface DerivedScenario {
  scenario: Scenario;
  /** The scenario's navigation map (null when it has no floor or no exit: nothing to run); reuse it for the run. */
  nav: NavMap | null;
  emptied: EmptiedSpace[];
}

export function deriveScenario(structure: BuildingStructure, opts: Omit<BuildingToScenarioOptions, 'wayOut'> = {}): DerivedScenario {
  const first = buildingToScenario(structure, opts);
  if (first.floors.length === 0 || first.exits.length === 0) return { scenario: first, nav: null, emptied: [] };
  const nav = NavMap.build(first);
  // Kept with the map (wayOutMask): the run's placement on this map reuses the flood.
  const wayOut = (floor: string, area: [number, number][], exits: number[], r: number): boolean => {
    const f = nav.floorIndex.get(floor)!;
    return areaHasWayOut(wayOutMask(nav, exits, r)[f]!, nav.grids[f]!, area);
  };
  const allowed = allowedExits(first, nav);
  const shut = first.agentGroups.filter((g, gi) => g.area && !wayOut(g.floor, g.area, allowed[gi]!, g.radius ?? DEFAULT_RADIUS));
  if (shut.length === 0 || shut.length === first.agentGroups.length) return { scenario: first, nav, emptied: [] };
  // Floors, links and exits are the same in the second pass: the map serves it.
  const all = first.exits.map((_, i) => i).filter((i) => nav.fields[i] !== null);
  const scenario = buildingToScenario(structure, { ...opts, wayOut: (floor, area) => wayOut(floor, area, all, DEFAULT_RADIUS) });
  return { scenario, nav, emptied: shut.map((g) => ({ name: g.name ?? g.id, floor: g.floor, people: g.count ?? 0 })) };
}

/** One line naming the emptied spaces, for the CLI, the results' warnings and the Simulation panel. */
export function emptiedNote(emptied: readonly EmptiedSpace[], occupantsGiven: boolean): string {
  const one = emptied.length === 1, people = emptied.reduce((n, e) => n + e.people, 0);
  const list = emptied.map((e) => `"${e.name}" on ${e.floor}`).join(', ');
  return `${one ? '1 space' : `${emptied.length} spaces`} left empty, with no way out (no door or stair a body fits through leads from ${one ? 'it' : 'them'} to an exit): ${list}; ` +
    (occupantsGiven ? `the ${people === 1 ? '1 person' : `${people} people`} ${one ? 'it' : 'they'} would have had ${people === 1 ? 'is' : 'are'} in the other spaces`
      : `${people === 1 ? '1 person' : `${people} people`} at this density`);
}
