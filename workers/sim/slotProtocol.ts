/**
 * The two-thread protocol of one simulation run (Node- and DOM-free): the caller's side as a SlotHelper and
 * the helper thread's loop. Node runs the helper on worker_threads (node/slotThread.ts, slots.thread.ts), the
 * app on a Web Worker (web/slotWorker.ts, slots.worker.ts); both share this code.
 *
 * Shared memory: `control` (Int32 × 4, CONTROL), `next` (the chunk counter of stepChunks) and `moved` (the
 * helper's farthest move of the step, m). Per step the caller resets `next`, bumps `gen` and notifies; both
 * threads take chunks from `next` until none is left; the helper then stores `gen` in `done` and notifies,
 * which the caller waits for. gen −1 ends the helper's loop. Each slot's velocity depends only on the sorted
 * columns and its move only on its own velocity, so the results are those of one thread, bit for bit.
 */
import { groupPeople, type Scenario } from '../../common/scenario.js';
import type { NavMap } from '../nav/NavMap.js';
import { NEIGHBOUR_ROWS, presentSlots, stepChunks, type SlotHelper, type SlotJob } from './slotStages.js';

/** Int32 slots of the control block shared with the helper thread. */
export const CONTROL = { gen: 0, done: 1, steps: 2, failed: 3 } as const;

/** People from which a single run shares its stages 5 and 6 with a second thread; in smaller runs the per-step
 * hand-over costs more than it saves. */
export const TWO_THREAD_PEOPLE = 2000;

/** Whether one run of `scenario` is big enough for a second thread (`twin simulate`, the app's single runs). */
export const worthASecondThread = (scenario: Scenario): boolean =>
  scenario.agentGroups.reduce((n, g) => n + groupPeople(g), 0) >= TWO_THREAD_PEOPLE;

/** How long the caller waits for one step of the helper, ms (the first includes its start-up and map build). */
const FIRST_STEP_MS = 300_000;
const STEP_MS = 60_000;

/** The shared memory of one caller–helper pair. */
export interface SlotShared {
  control: Int32Array;
  next: Int32Array;
  moved: Float64Array;
}

export function newSlotShared(): SlotShared {
  return {
    control: new Int32Array(new SharedArrayBuffer(4 * 4)),
    next: new Int32Array(new SharedArrayBuffer(4)),
    moved: new Float64Array(new SharedArrayBuffer(8)),
  };
}

/** The caller's side: `stop` ends the helper's thread once its loop was told to end. */
export function slotHelperOn({ control, next, moved }: SlotShared, stop: () => void): SlotHelper {
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
      stop();
    },
  };
}

/**
 * The helper thread's loop: builds the run's map (`buildNav`, inside the failure report), then for every step the
 * caller starts takes chunks of stages 5 and 6 on the shared columns, as the caller does; returns when the caller
 * closes. A failure is flagged for the caller, then rethrown.
 */
export function serveSlots(job: SlotJob, buildNav: () => NavMap, { control, next, moved }: SlotShared): void {
  try {
    const map = buildNav();
    const nb = new Float64Array(4 * NEIGHBOUR_ROWS);
    let gen = 0;
    for (;;) {
      Atomics.wait(control, CONTROL.gen, gen);
      gen = Atomics.load(control, CONTROL.gen);
      if (gen < 0) break;
      control[CONTROL.steps] = stepChunks(job.columns, map, job.agents, job.rmax, nb, job.dt, presentSlots(job.columns), next, moved);
      Atomics.store(control, CONTROL.done, gen);
      Atomics.notify(control, CONTROL.done);
    }
  } catch (e) {
    control[CONTROL.failed] = 1;
    Atomics.store(control, CONTROL.done, -2);
    Atomics.notify(control, CONTROL.done);
    throw e;
  }
}
