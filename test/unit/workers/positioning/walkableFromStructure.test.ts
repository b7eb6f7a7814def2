import { beforeAll, describe, expect, it } from 'vitest';
import { loadIfcStructure } from '../../../../main/cli/commands/ifc.js';
import type { BuildingStructure } from '../../../../workers/ifc/structure/BuildingStructure.js';
import { flowGeometryFromStructure } from '../../../../workers/peopleflow/flowGeometryFromStructure.js';
import { PeopleFlow } from '../../../../workers/peopleflow/PeopleFlow.js';
import { WalkableGrid } from '../../../../workers/positioning/WalkableGrid.js';
import { walkableFromStructure } from '../../../../workers/positioning/walkableFromStructure.js';

/** The real path a user takes: the bundled sample IFC → structure → walkable map / flow geometry. */
describe('walkable map and flow geometry from a loaded IFC (samples/testbed-complex.ifc)', () => {
  let structure: BuildingStructure;
  beforeAll(async () => {
    structure = (await loadIfcStructure('samples/testbed-complex.ifc')).structure;
  }, 120_000);

  it('rooms are walkable, walls and the outside are not, on every storey', () => {
    const walk = walkableFromStructure(structure);
    expect(walk.floors.length).toBe(structure.storeys.length);
    expect(walk.links.length).toBeGreaterThan(0);
    const grid = new WalkableGrid(walk.maps);
    for (const f of walk.floors) {
      expect(grid.isWalkable(f, 13, 4)).toBe(true); // office S01 of the testbed plan
      expect(grid.isWalkable(f, 16, 4)).toBe(false); // the wall between S01 and S02
      expect(grid.isWalkable(f, -3, 15)).toBe(false);
      expect(grid.area(f)).toBeGreaterThan(1000);
    }
  });

  it('spaces become zones and doors counting lines that see a walk through a door', () => {
    const geometry = flowGeometryFromStructure(structure);
    expect(geometry.zones.length).toBeGreaterThanOrEqual(structure.spaces.length);
    expect(geometry.lines.length).toBe(structure.doors.length);
    const floor = structure.storeys[0]!.name;
    const pf = new PeopleFlow({ geometry });
    const t = Date.UTC(2026, 10, 25, 9, 0, 0);
    pf.observe('p', t, floor, 13, 6);
    pf.observe('p', t + 1000, floor, 13, 10);
    const crossed = pf.flows().filter((f) => f.forward + f.backward > 0);
    expect(crossed.length).toBe(1);
    const room = pf.occupancy().filter((z) => z.count > 0);
    expect(room.length).toBeGreaterThanOrEqual(1);
  });
});
