/**
 * The Properties panel's type object, read lazily with the other properties through real web-ifc on
 * the shared IFC files: doors, windows and furniture name their type (IFC2x3 IfcDoorStyle /
 * IfcWindowStyle, IFC4 IfcDoorType…), elements without one have none. Before, the panel showed
 * neither the type object nor the storey (only ObjectType, a free-text label).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IfcService } from '../../../../../workers/ifc/IfcService';
import type { ElementProperties } from '../../../../../workers/ifc/geometry/readElementProperties';

const root = resolve(__dirname, '../../../../..');
const ifcDir = resolve(root, '../shared/ifc');
const wasm = join(root, 'node_modules/web-ifc/');

async function propertiesOf(file: string, ids: number[]): Promise<Map<number, ElementProperties>> {
  const service = new IfcService({ wasmLocation: wasm, cache: null });
  try {
    await service.open(new Uint8Array(readFileSync(join(ifcDir, file))), { fileName: file });
    const out = new Map<number, ElementProperties>();
    for (const id of ids) out.set(id, await service.properties(id));
    return out;
  } finally {
    service.dispose();
  }
}

describe.skipIf(!existsSync(ifcDir))('type object of an element (readElementProperties)', () => {
  let duplex: Map<number, ElementProperties>;
  let fzk: Map<number, ElementProperties>;
  beforeAll(async () => {
    // duplex: door #6652, window #6426, furniture #12574, wall #5598, slab #22492.
    duplex = await propertiesOf('duplex-apartment-ifc2x3.ifc', [6652, 6426, 12574, 5598, 22492]);
    // fzk-haus: door #17468, wall #15042, member #35169 (its IfcMemberType has no Name).
    fzk = await propertiesOf('kit-ac20-fzk-haus-ifc4.ifc', [17468, 15042, 35169]);
  });

  it('IFC2x3 (duplex): doors, windows and furniture name their style or type; walls and slabs have none', () => {
    expect(duplex.get(6652)!.typeObject).toEqual({ expressID: 6639, ifcClass: 'IfcDoorStyle', name: '1250mm x 2010mm' });
    expect(duplex.get(6426)!.typeObject).toEqual({ expressID: 6413, ifcClass: 'IfcWindowStyle', name: '4835mm x 2420mm' });
    expect(duplex.get(12574)!.typeObject).toEqual({ expressID: 12563, ifcClass: 'IfcFurnitureType', name: '800 mm' });
    expect(duplex.get(5598)!.typeObject).toBeNull();
    expect(duplex.get(22492)!.typeObject).toBeNull();
  });

  it('IFC4 (FZK-Haus): IsTypedBy gives the door and wall types; a type without a Name keeps its class', () => {
    expect(fzk.get(17468)!.typeObject).toEqual({ expressID: 17730, ifcClass: 'IfcDoorType', name: 'IFC Tür - Eine Öffnunsgrichtung' });
    expect(fzk.get(15042)!.typeObject).toEqual({ expressID: 15234, ifcClass: 'IfcWallType', name: 'Leichtbeton 102890359 240' });
    expect(fzk.get(35169)!.typeObject).toEqual({ expressID: 35265, ifcClass: 'IfcMemberType', name: '' });
  });
});
