/** Hand-made BuildingStructures for renderer tests (exact, tiny, no IFC needed). */
import type { BuildingStructure, StructureStorey } from '../../../../common/buildingStructure';

export function storey(index: number, name: string, elevation: number, walkable: StructureStorey['walkable'] = [[[[0, 0], [10, 0], [10, 8], [0, 8]]]]): StructureStorey {
  return { index, expressID: 100 + index, globalId: `S${index}`, name, elevation, walkable, walkableArea: 80, obstacles: [], walkableSource: 'spaces' };
}

export function structure(storeys: StructureStorey[], over: Partial<BuildingStructure> = {}): BuildingStructure {
  return { schema: 'IFC4', lengthUnit: 1, storeys, spaces: [], doors: [], stairs: [], counts: {}, elements: 10, georeference: null, timings: { structureMs: 1, geometryMs: 1 }, ...over };
}

