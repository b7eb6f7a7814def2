import { beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import type { BuildingStructure, StructureStorey } from '../../../../common/buildingStructure.js';
import { BeaconRegistrySchema } from '../../../../common/records.js';
import { structureZoneAreas } from '../../../../main/hub/structureZoneAreas.js';
import { georeferenceRecords, recordFrameOf } from '../../../../main/sources/georeferenceRecords.js';
import { inMultiPolygon, placeBeaconsOnStructure } from '../../../../main/sources/placeBeaconsOnStructure.js';
import { extractStructureFromFile } from '../../../../workers/ifc/node/extractStructureFromFile.js';
import { buildingToWgs84 } from '../../../../common/georeference.js';

/** A storey: a 40 × 25 m floor (1000 m²) with a 10 × 5 m core hole. */
function storey(index: number, name: string): StructureStorey {
  const outer: [number, number][] = [[0, 0], [40, 0], [40, 25], [0, 25]];
  const hole: [number, number][] = [[15, 10], [25, 10], [25, 15], [15, 15]];
  return { index, expressID: index + 1, globalId: `g${index}`, name, elevation: 3 * index, walkable: [[outer, hole]], walkableArea: 950, obstacles: [], walkableSource: 'slabs' };
}
function synthetic(): BuildingStructure {
  return {
    schema: 'IFC4', lengthUnit: 1, storeys: [storey(0, 'EG'), storey(1, 'OG')],
    spaces: [{ expressID: 99, globalId: 'sp', name: '101', longName: 'Closet', storey: 1, footprint: [[[[1, 1], [4, 1], [4, 3], [1, 3]]]], area: 6 }],
    doors: [], stairs: [], counts: {}, elements: 1, georeference: { lat: 49, lon: 8, trueNorth: 30 }, timings: { structureMs: 0, geometryMs: 0 },
  };
}

let kit: BuildingStructure;
beforeAll(async () => {
  kit = await extractStructureFromFile(resolve('../shared/ifc/kit-ac20-fzk-haus-ifc4.ifc'));
});

describe('placeBeaconsOnStructure', () => {
  it('places about one beacon per 80 m² of walkable area, all inside it, none in holes, a registry of spec format', () => {
    const reg = placeBeaconsOnStructure(synthetic());
    expect(BeaconRegistrySchema.safeParse(reg).success).toBe(true);
    const eg = reg.beacons.filter((b) => b.floor === 'EG');
    // 950 m² → between one per 100 m² and one per 60 m².
    expect(eg.length).toBeGreaterThanOrEqual(950 / 100);
    expect(eg.length).toBeLessThanOrEqual(950 / 60);
    const st = synthetic().storeys[0]!;
    for (const b of eg) expect(inMultiPolygon(b.x, b.y, st.walkable)).toBe(true);
    expect(new Set(reg.beacons.map((b) => b.id)).size).toBe(reg.beacons.length);
    expect(reg.beacons[0]).toMatchObject({ id: 'b-001', z: 2.8, txPower: -59 });
    // A small room the grid misses gets one of its own.
    expect(reg.beacons.some((b) => b.floor === 'OG' && b.x > 1 && b.x < 4 && b.y > 1 && b.y < 3)).toBe(true);
  });

  it('is deterministic and denser for a smaller area per beacon', () => {
    expect(placeBeaconsOnStructure(synthetic())).toEqual(placeBeaconsOnStructure(synthetic()));
    expect(placeBeaconsOnStructure(synthetic(), 20).beacons.length).toBeGreaterThan(2 * placeBeaconsOnStructure(synthetic(), 80).beacons.length);
    expect(() => placeBeaconsOnStructure(synthetic(), 0)).toThrow(/areaPerBeacon/);
  });

  it('on a real IFC (KIT FZK-Haus): every room of 4 m² or more has a beacon, on the right storey', () => {
    const reg = placeBeaconsOnStructure(kit);
    for (const sp of kit.spaces) {
      if (sp.area < 4) continue;
      const floor = kit.storeys.find((s) => s.index === sp.storey)!.name;
      expect(reg.beacons.some((b) => b.floor === floor && inMultiPolygon(b.x, b.y, sp.footprint)), sp.longName ?? sp.name).toBe(true);
    }
  });
});

describe('structureZoneAreas', () => {
  it('answers to GlobalId, Name, LongName and storey-prefixed names of spaces, storeys by name, and drops ambiguous names', () => {
    const areas = structureZoneAreas(kit);
    const kitchen = kit.spaces.find((s) => s.longName === 'Küche')!;
    for (const k of [kitchen.globalId, 'Küche', kitchen.name, 'Erdgeschoss-Küche', `Erdgeschoss-${kitchen.name}`]) expect(areas.get(k)).toBeCloseTo(kitchen.area, 6);
    expect(areas.get('Dachgeschoss')).toBeCloseTo(kit.storeys[1]!.walkableArea, 6);
    const twice = { ...kit, spaces: [...kit.spaces, { ...kitchen, globalId: 'other', storey: 1 }] };
    const a2 = structureZoneAreas(twice);
    expect(a2.has('Küche')).toBe(false);
    expect(a2.get('Dachgeschoss-Küche')).toBeCloseTo(kitchen.area, 6);
  });
});

describe('georeferenceRecords', () => {
  it('fills x/y (and the entrance floor) of WGS84 states and positions, keeps local ones, returns the same batch when nothing needs it', () => {
    const s = synthetic();
    const frame = recordFrameOf(s)!;
    expect(frame.groundFloor).toBe('EG');
    const [lat, lon] = buildingToWgs84(s.georeference!, 12, -7);
    const out = georeferenceRecords([
      { kind: 'position', record: { id: 'p', t: 1, lat, lon } },
      { kind: 'state', record: { id: 'r', kind: 'robot', t: 1, floor: 'OG', lat, lon } },
      { kind: 'count', record: { zone: 'z', t: 1, count: 1 } },
    ], frame);
    expect(out[0]).toMatchObject({ record: { x: expect.closeTo(12, 2), y: expect.closeTo(-7, 2), floor: 'EG', lat, lon } });
    expect(out[1]).toMatchObject({ record: { x: expect.closeTo(12, 2), floor: 'OG' } });
    const local = [{ kind: 'state' as const, record: { id: 'r', kind: 'robot', t: 1, x: 1, y: 2, lat, lon } }];
    expect(georeferenceRecords(local, frame)).toBe(local);
    expect(recordFrameOf({ ...s, georeference: null })).toBeNull();
  });
});
