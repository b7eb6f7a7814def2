/**
 * The page's handle on the simulation Web Workers (dist/renderer/workers/sim.js, module workers).
 * The primary worker is spawned on first use and does single runs, run 0 of a Monte-Carlo batch
 * (with the playback track) and IFC derivation. For runs > 1, up to
 * extraWorkerCount(navigator.hardwareConcurrency) extra workers, spawned when first needed and kept
 * until dispose(), share the other seeds (monteCarloPool.ts); a single run of a big crowd may use a second thread
 * (the primary worker starts it, workers/sim/web/slotWorker.ts). Progress comes back through
 * `Comlink.proxy` callbacks; the result's typed arrays arrive transferred. A worker that fails
 * outside a call (script error) rejects the call in progress instead of leaving it pending, and is
 * replaced next time. cancel() cancels every worker; dispose() releases the proxies and
 * terminates them all.
 */
import * as Comlink from 'comlink';
import type { Scenario } from '../../../common/scenario.js';
import type { BuildingToScenarioOptions } from '../../../workers/ifc/structure/toScenario.js';
import type { BatchRun, DerivedForPanel, ScenarioCheck, SimProgressFn, SimRunOutput, SimWorkerService } from '../../../workers/sim/SimWorkerService.js';
import { extraWorkerCount, MonteCarloBatch, singleRunThreads, type MonteCarloPrimary, type MonteCarloWorker } from './monteCarloPool.js';

/** One spawned worker, its Comlink handle, and a promise that rejects if the worker errors. */
class WorkerHandle implements MonteCarloPrimary, MonteCarloWorker {
  readonly worker: Worker;
  readonly remote: Comlink.Remote<SimWorkerService>;
  broken = false;
  private readonly crashed: Promise<never>;

  constructor(url: URL, name: string) {
    this.worker = new Worker(url, { type: 'module', name });
    this.remote = Comlink.wrap<SimWorkerService>(this.worker);
    this.crashed = new Promise<never>((_, reject) => {
      this.worker.addEventListener('error', (e) => {
        this.broken = true;
        reject(new Error(`simulation worker '${name}' failed: ${e.message || 'script error'}`));
      });
    });
    this.crashed.catch(() => undefined);
  }

  private guard<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.crashed]);
  }

  run(scenarioJson: string, opts: { runs: number; seed: number; threads?: number }, onProgress: SimProgressFn): Promise<SimRunOutput> {
    return this.guard(this.remote.run(scenarioJson, opts, Comlink.proxy(onProgress)));
  }

  runBatch(scenarioJson: string, seeds: number[], onProgress: SimProgressFn): Promise<BatchRun[]> {
    return this.guard(this.remote.runBatch(scenarioJson, seeds, Comlink.proxy(onProgress)));
  }

  deriveFromIfc(bytes: Uint8Array, fileName: string, opts: Omit<BuildingToScenarioOptions, 'wayOut'>): Promise<DerivedForPanel> {
    return this.guard(this.remote.deriveFromIfc(Comlink.transfer(bytes, [bytes.buffer]), fileName, opts));
  }

  check(scenarioJson: string): Promise<ScenarioCheck> {
    return this.guard<ScenarioCheck>(this.remote.check(scenarioJson) as Promise<ScenarioCheck>);
  }

  cancel(): Promise<void> {
    return this.broken ? Promise.resolve() : this.remote.cancel();
  }

  dispose(): void {
    this.remote[Comlink.releaseProxy]();
    this.worker.terminate();
  }
}

export class SimWorkerClient {
  private primaryHandle: WorkerHandle | null = null;
  private readonly extras: WorkerHandle[] = [];
  private batch: MonteCarloBatch | null = null;

  constructor(
    private readonly workerUrl: URL = new URL('workers/sim.js', document.baseURI),
    private readonly maxExtras = extraWorkerCount(navigator.hardwareConcurrency),
  ) {}

  private primary(): WorkerHandle {
    if (this.primaryHandle?.broken) { this.primaryHandle.dispose(); this.primaryHandle = null; }
    return (this.primaryHandle ??= new WorkerHandle(this.workerUrl, 'sim'));
  }

  /** The first `n` extra workers, spawning (or replacing broken) ones as needed. */
  private extraWorkers(n: number): WorkerHandle[] {
    for (let i = 0; i < n; i++) {
      const w = this.extras[i];
      if (w && !w.broken) continue;
      w?.dispose();
      this.extras[i] = new WorkerHandle(this.workerUrl, `sim-${i + 1}`);
    }
    return this.extras.slice(0, n);
  }

  run(scenario: Scenario, opts: { runs: number; seed: number; threads?: 'auto' | 1 | 2 }, onProgress: SimProgressFn): Promise<SimRunOutput> {
    const runs = Math.max(1, Math.floor(opts.runs));
    // A single run may take a second core (a second thread for big crowds, where the page is cross-origin isolated).
    if (runs === 1) return this.primary().run(JSON.stringify(scenario), { ...opts, threads: singleRunThreads(opts.threads ?? 'auto', navigator.hardwareConcurrency) }, onProgress);
    const batch = (this.batch = new MonteCarloBatch(scenario, { runs, seed: opts.seed }, this.primary(), this.extraWorkers(Math.min(this.maxExtras, runs - 1)), onProgress));
    return batch.result.finally(() => { if (this.batch === batch) this.batch = null; });
  }

  cancel(): Promise<void> {
    if (this.batch) { this.batch.cancel(); return Promise.resolve(); }
    return this.primaryHandle ? this.primaryHandle.cancel() : Promise.resolve();
  }

  /** Checks a scenario as a run would (placement included) without running it: see SimWorkerService.check. */
  check(scenarioJson: string): Promise<ScenarioCheck> {
    return this.primary().check(scenarioJson);
  }

  deriveFromIfc(bytes: Uint8Array, fileName: string, opts: Omit<BuildingToScenarioOptions, 'wayOut'>): Promise<DerivedForPanel> {
    return this.primary().deriveFromIfc(bytes, fileName, opts);
  }

  dispose(): void {
    this.batch?.cancel();
    this.batch = null;
    this.primaryHandle?.dispose();
    this.primaryHandle = null;
    for (const w of this.extras.splice(0)) w.dispose();
  }
}
