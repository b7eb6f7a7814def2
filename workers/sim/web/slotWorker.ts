/**
 * The app: a second thread for one simulation run's stages 5 and 6, on a Web Worker (dist/renderer/workers/slots.js,
 * started from the simulation worker). Same protocol and results as Node's worker_threads helper (../slotProtocol.ts).
 * Needs SharedArrayBuffer, so a cross-origin isolated page (COOP/COEP headers: `twin serve` and the Electron app
 * send them); elsewhere `slotWorkersAvailable()` is false and runs stay on one thread.
 */
import type { SlotHelper, SlotJob } from '../slotStages.js';
import { newSlotShared, slotHelperOn } from '../slotProtocol.js';

/** Messages of the helper worker (slots.worker.ts). */
export type SlotWorkerMessage = { type: 'started' } | { type: 'serving' };

/** How long to wait for the helper worker to start, ms. */
const START_MS = 10_000;

/** True where a helper can share a run: SharedArrayBuffer (a cross-origin isolated context) and nested workers. */
export function slotWorkersAvailable(): boolean {
  return typeof SharedArrayBuffer === 'function' && typeof Worker === 'function' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

/** A started helper worker, waiting for the job of one run. */
export interface SlotWorker {
  /** Hands it the run (it builds the run's map, then serves its steps); the worker ends when the helper closes. */
  helperFor(job: SlotJob): SlotHelper;
  /** Ends the worker if no run was handed over. */
  dispose(): void;
}

/**
 * Starts the helper worker and resolves once its script runs. Rejects, with the worker ended, when it fails to load
 * or start within START_MS. In Chromium a message to a worker started by a worker is passed on by the sender's event
 * loop: the job reaches the helper only once the caller yields, so the run waits (the helper's `ready`) until the
 * helper says it is serving, and only then blocks in Atomics.wait.
 */
export function openSlotWorker(url: string | URL): Promise<SlotWorker> {
  const worker = new Worker(url, { type: 'module', name: 'sim-slots' });
  return new Promise<SlotWorker>((resolve, reject) => {
    const fail = (why: string) => { clearTimeout(timer); worker.terminate(); reject(new Error(`simulation: the second thread did not start (${why})`)); };
    const timer = setTimeout(() => fail(`no answer within ${START_MS / 1000} s`), START_MS);
    worker.onerror = (e) => { e.preventDefault(); fail(e.message || 'script error'); };
    let handed = false, serving = false;
    worker.onmessage = (e: MessageEvent<SlotWorkerMessage>) => {
      if (e.data.type === 'serving') serving = true;
      if (e.data.type !== 'started') return;
      clearTimeout(timer);
      resolve({
        helperFor(job) {
          if (handed) throw new Error('simulation: a slot worker serves one run');
          handed = true;
          const shared = newSlotShared();
          worker.postMessage({ job, ...shared });
          const deadline = performance.now() + START_MS;
          return {
            ...slotHelperOn(shared, () => worker.terminate()),
            ready() {
              if (!serving && performance.now() > deadline) throw new Error(`simulation: the second thread did not take the run within ${START_MS / 1000} s`);
              return serving;
            },
          };
        },
        dispose() { if (!handed) worker.terminate(); },
      });
    };
  });
}
