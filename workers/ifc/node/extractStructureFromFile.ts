/**
 * Node-only: an IFC file on disk → its BuildingStructure, with one web-ifc engine opened and
 * disposed around it. The structure thread (workers/ifc/structure.thread.ts) runs it off the main
 * event loop; tests and tools may call it directly.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { BuildingStructure } from '../../../common/buildingStructure.js';
import { IfcEngine } from '../IfcEngine.js';
import { extractStructure } from '../structure/extractStructure.js';

/** Throws with a message naming the file (unreadable, not IFC, truncated, no storeys, …). */
export async function extractStructureFromFile(path: string): Promise<BuildingStructure> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new Error(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const engine = new IfcEngine();
  try {
    await engine.init(`${dirname(createRequire(import.meta.url).resolve('web-ifc'))}/`);
    const { modelID } = engine.open(bytes, path);
    const structure = engine.read(modelID, path, (api) => extractStructure(api, modelID));
    if (structure.storeys.length === 0) throw new Error(`${path}: no IfcBuildingStorey in the model (a building needs at least one storey)`);
    return structure;
  } finally {
    engine.dispose();
  }
}
