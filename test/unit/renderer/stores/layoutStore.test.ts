import { describe, it, expect } from 'vitest';
import { defaultPlanStorey, planStorey, storeyToShow, type StoreyInfo } from '../../../../renderer/stores/layoutStore.js';
import { storeysFromStructure } from '../../../../renderer/stores/structureStore.js';
import { storey, structure } from './structureFixture.js';
import type { StructureDoor, StructureSpace } from '../../../../common/buildingStructure.js';

const storeys = [
  { index: 1, name: '2F', elevation: 4 },
  { index: 0, name: '1F', elevation: 0 },
  { index: 2, name: '3F', elevation: 8 },
];

describe('the storey to show an entity on (its alert or a pick)', () => {
  it('switches to the entity\'s storey from "All" too, where the plan showed 1F for a robot on 3F; not when the plan shows it already', () => {
    expect(storeyToShow({ storeys, activeStorey: null }, '3F')).toBe(2);
    expect(storeyToShow({ storeys, activeStorey: null }, '1F')).toBeNull();
    expect(storeyToShow({ storeys, activeStorey: 1 }, '3F')).toBe(2);
    expect(storeyToShow({ storeys, activeStorey: 2 }, '3F')).toBeNull();
    expect(storeyToShow({ storeys, activeStorey: 2 }, 'B9')).toBeNull();
  });
});

describe('the storey the plan draws', () => {
  it('is the chosen storey', () => {
    expect(planStorey({ storeys, activeStorey: 2 })?.name).toBe('3F');
  });
  it('is the lowest storey when "all" is chosen and nothing is known of the storeys’ use (telemetry storeys)', () => {
    expect(planStorey({ storeys, activeStorey: null })?.name).toBe('1F');
  });
  it('is the entrance level, not a foundation level below it, when "all" is chosen (duplex: T/FDN, Level 1, Level 2, Roof)', () => {
    const door = (storey: number, exit: boolean): StructureDoor => ({ expressID: 0, globalId: '', name: '', storey, x: 0, y: 0, z: 0, width: 0.9, direction: [1, 0], spaces: [null, null], exterior: exit, exit });
    const space = (storey: number): StructureSpace => ({ expressID: 0, globalId: '', name: '', longName: null, storey, footprint: [], area: 10 });
    const fdn = { ...storey(0, 'T/FDN', -1.25), walkableArea: 131 };
    const l1 = { ...storey(1, 'Level 1', 0), walkableArea: 122 };
    const l2 = { ...storey(2, 'Level 2', 3.1), walkableArea: 114 };
    const roof = { ...storey(3, 'Roof', 6), walkableArea: 135 };
    const duplex = structure([fdn, l1, l2, roof], {
      doors: [door(1, true), door(1, true), door(1, false), door(2, false)],
      spaces: [space(1), space(1), space(2), space(2), space(3)],
    });
    expect(planStorey({ storeys: storeysFromStructure(duplex), activeStorey: null })?.name).toBe('Level 1');
    // Without exits: the storey with the most spaces (Level 1 and 2 tie on spaces: more walkable area wins).
    const noExits = structure([fdn, l1, l2, roof], { spaces: [space(1), space(1), space(2), space(2), space(3)] });
    expect(planStorey({ storeys: storeysFromStructure(noExits), activeStorey: null })?.name).toBe('Level 1');
    // Without spaces either: the most walkable area.
    expect(planStorey({ storeys: storeysFromStructure(structure([fdn, l1, l2, roof])), activeStorey: null })?.name).toBe('Roof');
  });
  it('prefers the lowest of equally good storeys', () => {
    const same = (index: number, elevation: number): StoreyInfo => ({ index, name: `S${index}`, elevation, use: { exits: 1, spaces: 3, walkableArea: 50 } });
    expect(defaultPlanStorey([same(1, 3), same(0, 0), same(2, 6)])?.name).toBe('S0');
  });
  it('is none without storeys', () => {
    expect(planStorey({ storeys: [], activeStorey: null })).toBeNull();
  });
});
