/**
 * The page's handle on the simulation Web Worker (dist/renderer/workers/sim.js, a module worker,
 * spawned on first use). Progress comes back through a `Comlink.proxy` callback; the result's
 * typed arrays arrive transferred. dispose() releases the proxy and terminates the worker.
 */
import * as Comlink from 'comlink';
import type { Scenario } from '../../../common/scenario.js';
import type { BuildingToScenarioOptions } from '../../../workers/ifc/structure/toScenario.js';
import type { SimProgressFn, SimRunOutput, SimWorkerService } from '../../../workers/sim/SimWorkerService.js';

export class SimWorkerClient {
  private running: { worker: Worker; remote: Comlink.Remote<SimWorkerService> } | null = null;

  constructor(private readonly workerUrl: URL = new URL('workers/sim.js', document.baseURI)) {}

  private remote(): Comlink.Remote<SimWorkerService> {
    if (!this.running) {
      const worker = new Worker(this.workerUrl, { type: 'module', name: 'sim' });
      this.running = { worker, remote: Comlink.wrap<SimWorkerService>(worker) };
    }
    return this.running.remote;
  }

  run(scenario: Scenario, opts: { runs: number; seed: number }, onProgress: SimProgressFn): Promise<SimRunOutput> {
    return this.remote().run(JSON.stringify(scenario), opts, Comlink.proxy(onProgress));
  }

  cancel(): Promise<void> {
    return this.running ? this.running.remote.cancel() : Promise.resolve();
  }

  deriveFromIfc(bytes: Uint8Array, fileName: string, opts: BuildingToScenarioOptions): Promise<Scenario> {
    return this.remote().deriveFromIfc(Comlink.transfer(bytes, [bytes.buffer]), fileName, opts);
  }

  dispose(): void {
    if (!this.running) return;
    this.running.remote[Comlink.releaseProxy]();
    this.running.worker.terminate();
    this.running = null;
  }
}
