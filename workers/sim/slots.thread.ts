/**
 * worker_threads entry (built to dist/workers/slots.js): the second thread of one simulation run. It builds
 * the run's NavMap itself (NavMap.build is deterministic, so it is the caller's map) and then serves the
 * caller's steps (slotProtocol.ts) until the caller closes.
 */
import { workerData } from 'node:worker_threads';
import { NavMap } from '../nav/NavMap.js';
import type { SlotJob } from './slotStages.js';
import { serveSlots, type SlotShared } from './slotProtocol.js';

const { job, ...shared } = workerData as { job: SlotJob } & SlotShared;
serveSlots(job, () => NavMap.build(job.scenario), shared);
