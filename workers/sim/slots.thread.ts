/**
 * worker_threads entry (built to dist/workers/slots.js): the second thread of one simulation run. It builds
 * the run's NavMap itself (NavMap.build is deterministic, so it is the caller's map) and then, every step the
 * caller starts, takes chunks of stages 5 and 6 on the shared columns, as the caller does (slotStages.ts; the protocol
 * is in node/slotThread.ts).
 */
import { workerData } from 'node:worker_threads';
import { NavMap } from '../nav/NavMap.js';
import { NEIGHBOUR_ROWS, stepChunks, type SlotJob } from './slotStages.js';
import { CONTROL } from './node/slotThread.js';

const { job, control, next, moved } = workerData as { job: SlotJob; control: Int32Array; next: Int32Array; moved: Float64Array };
try {
  const nav = NavMap.build(job.scenario);
  const nb = new Float64Array(4 * NEIGHBOUR_ROWS);
  let gen = 0;
  for (;;) {
    Atomics.wait(control, CONTROL.gen, gen);
    gen = Atomics.load(control, CONTROL.gen);
    if (gen < 0) break;
    control[CONTROL.steps] = stepChunks(job.columns, nav, job.agents, job.rmax, nb, job.dt, job.slots, next, moved);
    Atomics.store(control, CONTROL.done, gen);
    Atomics.notify(control, CONTROL.done);
  }
} catch (e) {
  control[CONTROL.failed] = 1;
  Atomics.store(control, CONTROL.done, -2);
  Atomics.notify(control, CONTROL.done);
  throw e;
}
