/**
 * Node: a second thread for one simulation run's stages 5 and 6 (worker_threads, dist/workers/slots.js).
 * The run's columns live in SharedArrayBuffers (Simulation option `shareColumns`); per step the caller bumps
 * `gen`, and both threads take chunks from the shared counter `next` until none is left; then it waits on `done`. Each
 * slot's velocity depends only on the sorted columns and its move only on its own velocity, so the results
 * are those of one thread, bit for bit.
 */
import { Worker } from 'node:worker_threads';
import type { SlotHelper, SlotJob } from '../slotStages.js';

/** Int32 slots of the control block shared with the thread. */
export const CONTROL = { gen: 0, done: 1, steps: 2, failed: 3 } as const;

/** How long the caller waits for one step of the thread, ms (the first includes its start-up and map build). */
const FIRST_STEP_MS = 300_000;
const STEP_MS = 60_000;

export function startSlotThread(threadFile: string, job: SlotJob): SlotHelper {
  const control = new Int32Array(new SharedArrayBuffer(4 * 4)), moved = new Float64Array(new SharedArrayBuffer(8));
  const next = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(threadFile, { workerData: { job, control, next, moved } });
  worker.unref();
  worker.on('error', () => undefined); // reported through `failed`, below
  let gen = 0, closed = false;
  return {
    next,
    start() {
      Atomics.store(next, 0, 0);
      gen++;
      Atomics.store(control, CONTROL.gen, gen);
      Atomics.notify(control, CONTROL.gen);
    },
    finish() {
      const limit = gen === 1 ? FIRST_STEP_MS : STEP_MS;
      for (;;) {
        const d = Atomics.load(control, CONTROL.done);
        if (d === gen) return { steps: control[CONTROL.steps]!, maxMoved: moved[0]! };
        if (control[CONTROL.failed] === 1) throw new Error('simulation: the slot thread failed (see its error above)');
        if (Atomics.wait(control, CONTROL.done, d, limit) === 'timed-out' && Atomics.load(control, CONTROL.done) !== gen) {
          throw new Error(`simulation: the slot thread did not answer within ${limit / 1000} s`);
        }
      }
    },
    close() {
      if (closed) return;
      closed = true;
      Atomics.store(control, CONTROL.gen, -1);
      Atomics.notify(control, CONTROL.gen);
      void worker.terminate();
    },
  };
}
