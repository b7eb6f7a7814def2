/**
 * worker_threads entry (built to dist/workers/velocity.js): the second thread of one simulation run. It builds
 * the run's NavMap itself (NavMap.build is deterministic, so it is the caller's map) and then, every step the
 * caller starts, computes the odd chunks of the velocity stage on the shared columns (velocityStage.ts; the
 * protocol is in node/velocityThread.ts).
 */
import { workerData } from 'node:worker_threads';
import { NavMap } from '../nav/NavMap.js';
import { computeOddChunks, NEIGHBOUR_ROWS, type VelocityJob } from './velocityStage.js';
import { CONTROL } from './node/velocityThread.js';

const { job, control } = workerData as { job: VelocityJob; control: Int32Array };
try {
  const nav = NavMap.build(job.scenario);
  const nb = new Float64Array(4 * NEIGHBOUR_ROWS);
  let gen = 0;
  for (;;) {
    Atomics.wait(control, CONTROL.gen, gen);
    gen = Atomics.load(control, CONTROL.gen);
    if (gen < 0) break;
    control[CONTROL.steps] = computeOddChunks(job.columns, nav, job.agents, job.rmax, nb, job.slots);
    Atomics.store(control, CONTROL.done, gen);
    Atomics.notify(control, CONTROL.done);
  }
} catch (e) {
  control[CONTROL.failed] = 1;
  Atomics.store(control, CONTROL.done, -2);
  Atomics.notify(control, CONTROL.done);
  throw e;
}
