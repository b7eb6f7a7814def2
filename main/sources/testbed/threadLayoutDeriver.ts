/**
 * Derives a loaded model's testbed layout in a worker thread (workers/testbed/testbedLayout.thread.ts
 * → dist/workers/testbedLayout.js), so the 8–20 s of Office A never block the main event loop of
 * `twin serve` / Electron. One thread per job, terminated when it answers or is cancelled; a
 * crashing thread answers `ok: false` with the reason (the testbed then stays on the built-in layout).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DerivedTestbedLayout, TestbedLayoutJob } from '../../../workers/testbed/deriveTestbedLayout.js';
import { packageRoot } from '../../services/AppPaths.js';

/** A running derivation; `cancel` ends it (the promise then resolves `ok: false`, "cancelled"). */
export interface TestbedLayoutJobHandle {
  promise: Promise<DerivedTestbedLayout>;
  cancel(): void;
}
export type TestbedLayoutDeriver = (job: TestbedLayoutJob) => TestbedLayoutJobHandle;

/** The built thread entry (dist/workers/testbedLayout.js) under the package root. */
export function testbedLayoutThreadFile(): string {
  return join(packageRoot(), 'dist', 'workers', 'testbedLayout.js');
}

/** Derivation in a worker thread; the promise never rejects. */
export function threadLayoutDeriver(threadFile: string = testbedLayoutThreadFile()): TestbedLayoutDeriver {
  return (job) => {
    let worker: Worker | null = null;
    let settle: ((r: DerivedTestbedLayout) => void) | null = null;
    const started = performance.now();
    const failed = (error: string): DerivedTestbedLayout => ({ ok: false, error, cached: false, ms: Math.round(performance.now() - started) });
    const promise = new Promise<DerivedTestbedLayout>((resolve) => {
      if (!existsSync(threadFile)) {
        resolve(failed(`${threadFile} is missing (run npm run build)`));
        return;
      }
      const w = new Worker(threadFile, { workerData: job });
      worker = w;
      settle = (r) => {
        settle = null;
        worker = null;
        void w.terminate();
        resolve(r);
      };
      w.once('message', (m: DerivedTestbedLayout) => settle?.(m));
      w.once('error', (e) => settle?.(failed(`testbed layout thread crashed: ${e.message}`)));
      w.once('exit', (code) => settle?.(failed(`testbed layout thread exited (code ${code}) before answering`)));
    });
    return {
      promise,
      cancel: () => {
        const s: ((r: DerivedTestbedLayout) => void) | null = settle;
        if (s) s(failed('cancelled: another model was opened'));
        void (worker as Worker | null)?.terminate();
      },
    };
  };
}
