/**
 * Web Worker entry (built to dist/renderer/workers/slots.js): the app's second thread of one simulation run, started
 * by the simulation worker (web/slotWorker.ts). It says it has started, takes the run's job (shared columns), builds
 * the run's NavMap itself (NavMap.build is deterministic, so it is the caller's map) and serves the caller's steps
 * (slotProtocol.ts) until the caller closes and ends it.
 */
import { NavMap } from '../nav/NavMap.js';
import type { SlotJob } from './slotStages.js';
import { serveSlots, type SlotShared } from './slotProtocol.js';
import type { SlotWorkerMessage } from './web/slotWorker.js';

const post = (m: SlotWorkerMessage) => postMessage(m);
addEventListener('message', (e: MessageEvent<{ job: SlotJob } & SlotShared>) => {
  const { job, ...shared } = e.data;
  post({ type: 'serving' });
  serveSlots(job, () => NavMap.build(job.scenario), shared);
});
post({ type: 'started' });
