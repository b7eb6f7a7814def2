/**
 * Node: a second thread for one simulation run's stages 5 and 6 (worker_threads, dist/workers/slots.js).
 * The run's columns live in SharedArrayBuffers (Simulation option `shareColumns`); the protocol is in
 * ../slotProtocol.ts, the same as the app's Web Worker helper (../web/slotWorker.ts).
 */
import { Worker } from 'node:worker_threads';
import type { SlotHelper, SlotJob } from '../slotStages.js';
import { newSlotShared, slotHelperOn } from '../slotProtocol.js';

export function startSlotThread(threadFile: string, job: SlotJob): SlotHelper {
  const shared = newSlotShared();
  const worker = new Worker(threadFile, { workerData: { job, ...shared } });
  worker.unref();
  worker.on('error', () => undefined); // reported through `failed` (slotProtocol)
  return slotHelperOn(shared, () => void worker.terminate());
}
