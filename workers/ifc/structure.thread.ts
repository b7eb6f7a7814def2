/**
 * worker_threads entry (built to dist/workers/structure.js) for main/services/ModelStructureService:
 * one thread per extraction, so web-ifc's synchronous parse and geometry cut never block the
 * main event loop (frames, API, recording) and a crash inside the WASM takes only this thread.
 *
 * Input (workerData): `{ path }` — the IFC file to read. Output: ONE message,
 * `{ ok: true, structure }` or `{ ok: false, error }` (error names the file), then the thread ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { BuildingStructure } from '../../common/buildingStructure.js';
import { extractStructureFromFile } from './node/extractStructureFromFile.js';

export interface StructureJob {
  path: string;
}
export type StructureReply = { ok: true; structure: BuildingStructure } | { ok: false; error: string };

const job = workerData as Partial<StructureJob> | null;
if (parentPort && job && typeof job.path === 'string') {
  const port = parentPort;
  extractStructureFromFile(job.path).then(
    (structure) => port.postMessage({ ok: true, structure } satisfies StructureReply),
    (e: unknown) => port.postMessage({ ok: false, error: (e as Error).message.replace(/^Ifc\w+Error: /, '') } satisfies StructureReply),
  );
}
