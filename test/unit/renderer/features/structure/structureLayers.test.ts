/**
 * The walkable overlay's data per storey and the Structure panel's figures, on a hand-made
 * structure (exact answers) and on the FZK-Haus IFC (shared/ifc) as main extracts it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PickingInfo } from '@deck.gl/core';
import type { StructureDoor, StructureSpace, StructureStair } from '../../../../../common/buildingStructure';
import { storeyOverlay, StructurePlanLayers, structureTooltip } from '../../../../../renderer/features/structure/structureLayers';
import { structureStats } from '../../../../../renderer/features/structure/structureStats';
import { storeysFromStructure } from '../../../../../renderer/stores/structureStore';
import { IfcEngine } from '../../../../../workers/ifc/IfcEngine';
import { extractStructure } from '../../../../../workers/ifc/structure/extractStructure';
import { storey, structure } from '../../stores/structureFixture';

const space = (storeyIndex: number, name: string, longName: string | null): StructureSpace => ({
  expressID: 1, globalId: name, name, longName, storey: storeyIndex, footprint: [[[[0, 0], [4, 0], [4, 4], [0, 4]]], [[[5, 0], [6, 0], [6, 1]]]], area: 16.5,
});
const door = (storeyIndex: number, exit: boolean): StructureDoor => ({
  expressID: 2, globalId: 'D', name: exit ? 'Main door' : 'Inner door', storey: storeyIndex, x: 2, y: 0, z: 0, width: 1, direction: [1, 0], spaces: [0, null], exterior: exit, exit,
});
const stair: StructureStair = {
  expressID: 3, globalId: 'T', type: 'IfcStair', name: 'Stair', fromStorey: 0, toStorey: 1, footprint: [[7, 0], [8, 0], [8, 3], [7, 3]],
  bottom: [7.5, 0], top: [7.5, 3], bottomDirection: [0, 1], topDirection: [0, 1], width: 1, rise: 3, length: 4,
};
const s = structure([storey(0, 'EG', 0), storey(1, 'OG', 3, [])], { spaces: [space(0, '0.01', 'Kitchen'), space(1, '1.01', null)], doors: [door(0, true), door(0, false)], stairs: [stair] });

describe('storeyOverlay', () => {
  it('takes the storey’s walkable polygons, one space part per footprint polygon, door bars across the opening, stairs on both storeys', () => {
    const o = storeyOverlay(s, 0);
    expect(o.walkable).toHaveLength(1);
    expect(o.spaces.map((p) => p.space.name)).toEqual(['0.01', '0.01']);
    expect(o.doors.map((d) => d.path)).toEqual([[[1.5, 0], [2.5, 0]], [[1.5, 0], [2.5, 0]]]);
    expect(o.stairs).toEqual([stair]);
    expect(storeyOverlay(s, 1).stairs).toEqual([stair]);
    expect(storeyOverlay(s, 1).doors).toEqual([]);
  });

  it('names what is hovered: room name and area, exits marked, stairs with width and rise', () => {
    const o = storeyOverlay(s, 0);
    const info = (layer: string, object: unknown) => ({ layer: { id: layer }, object, picked: true, index: 0 }) as unknown as PickingInfo;
    expect(structureTooltip(info('structure-spaces', o.spaces[0]))).toBe('Kitchen (0.01)\n16.5 m²');
    expect(structureTooltip(info('structure-doors', o.doors[0]))).toMatch(/^Main door · EXIT\n1\.00 m wide$/);
    expect(structureTooltip(info('structure-doors', o.doors[1]))).toBe('Inner door\n1.00 m wide');
    expect(structureTooltip(info('structure-stairs', stair))).toMatch(/Stair · IfcStair\n1\.00 m wide · rise 3\.00 m/);
    expect(structureTooltip(info('entities', {}))).toBeNull();
  });

  it('builds the layers once per storey and reuses them across redraws', () => {
    const layers = new StructurePlanLayers();
    const a = layers.layers(s, 0);
    expect(a.map((l) => l.id)).toEqual(['structure-walkable', 'structure-spaces', 'structure-stairs', 'structure-doors']);
    expect(layers.layers(s, 0)).toBe(a);
    expect(layers.layers(s, 1)).not.toBe(a);
    expect(layers.layers(null, 0)).toEqual([]);
  });

  it('with the overlay off keeps the plain plan of the storey: outline, rooms, stairs and doors, unfilled, nothing picked', () => {
    // It went empty: people and robots floating on a bare grid (QA, office-a with Shift+W).
    const layers = new StructurePlanLayers();
    const plain = layers.layers(s, 0, false);
    expect(plain.map((l) => l.id)).toEqual(['structure-plain-outline', 'structure-plain-spaces', 'structure-plain-stairs', 'structure-plain-doors']);
    for (const l of plain) expect(l.props.pickable).toBeFalsy();
    for (const l of plain.slice(0, 3)) expect(l.props).toMatchObject({ filled: false, stroked: true });
    expect((plain[0]!.props.data as unknown[]).length).toBeGreaterThan(0);
    expect(layers.layers(s, 0, true)).not.toBe(plain);
    expect(layers.layers(s, 0, false)).not.toBe(plain); // rebuilt after the switch, same layers
  });
});

describe('structureStats', () => {
  it('counts spaces, doors, exits and stairs per storey and in total', () => {
    const st = structureStats(s);
    expect(st.storeys.map((x) => [x.name, x.spaces, x.doors, x.exits, x.stairs])).toEqual([['EG', 1, 2, 1, 1], ['OG', 1, 0, 0, 1]]);
    expect(st.total).toEqual({ walkableArea: 160, unreached: 0, spaces: 2, doors: 2, exits: 1, stairs: 1 });
    expect(st.storeys.some((x) => x.noWayOut)).toBe(false);
  });

  it('marks a walkable storey no exit and no stair reaches, and leaves it out of the total (office-a: a 1 609 m² Roof)', () => {
    const roof = structure([storey(0, 'EG', 0), storey(1, 'OG', 3, []), storey(2, 'Roof', 6)], { spaces: [space(0, '0.01', 'Kitchen')], doors: [door(0, true)], stairs: [stair] });
    const st = structureStats(roof);
    expect(st.storeys.map((x) => [x.name, x.noWayOut])).toEqual([['EG', false], ['OG', false], ['Roof', true]]);
    const roofArea = st.storeys[2]!.walkableArea;
    expect(roofArea).toBeGreaterThan(0);
    expect(st.total.unreached).toBe(roofArea);
    expect(st.total.walkableArea).toBe(st.storeys[0]!.walkableArea + st.storeys[1]!.walkableArea);
  });
});

describe('on the FZK-Haus (kit-ac20-fzk-haus-ifc4.ifc)', () => {
  const root = resolve(__dirname, '../../../../..');
  const engine = new IfcEngine();
  beforeAll(async () => engine.init(join(root, 'node_modules', 'web-ifc') + '/'));
  afterAll(() => engine.dispose());

  it('publishes Erdgeschoss and Dachgeschoss with their elevations, and the overlay has the ground floor’s rooms and exits', () => {
    const { modelID } = engine.open(new Uint8Array(readFileSync(join(root, '..', 'shared', 'ifc', 'kit-ac20-fzk-haus-ifc4.ifc'))), 'fzk');
    const fzk = extractStructure(engine.api, modelID);
    engine.close(modelID);
    const storeys = storeysFromStructure(fzk);
    expect(storeys.map((x) => x.name)).toEqual(['Erdgeschoss', 'Dachgeschoss']);
    expect(storeys[1]!.elevation - storeys[0]!.elevation).toBeCloseTo(2.7, 2);
    const eg = storeyOverlay(fzk, storeys[0]!.index);
    expect(eg.walkable.length).toBeGreaterThan(0);
    expect(eg.spaces.length).toBeGreaterThanOrEqual(5);
    expect(eg.doors.some((d) => d.door.exit)).toBe(true);
    const stats = structureStats(fzk);
    expect(stats.storeys[0]!.walkableArea).toBeGreaterThan(50);
    expect(fzk.georeference).not.toBeNull();
  }, 120_000);
});
