/**
 * The page's handle on the IFC Web Worker (dist/renderer/workers/ifc.js, a module worker).
 *
 * web-ifc parses synchronously inside the worker, so a cancel message could only be read after
 * the parse; cancel therefore terminates the worker (instant, frees its WASM memory) and the next
 * call spawns a fresh one. A worker that crashes (WASM abort, out of memory) is handled the same
 * way: the pending call rejects with a message saying so, and `onRestart` listeners learn that the
 * worker no longer holds the model (the feature re-opens it, which then hits the cache).
 *
 * Lifecycle: 'idle' (no worker) → 'ready' (worker spawned) → 'disposed'.
 */
import * as Comlink from 'comlink';
import { IfcCancelledError, reviveIfcOpenError } from '../../../workers/ifc/geometry/IfcOpenError.js';
import type { IfcService } from '../../../workers/ifc/IfcService.js';
import type { LoadPhase } from '../../../workers/ifc/geometry/extractGeometry.js';
import type { ProcessedModel } from '../../../workers/ifc/geometry/ProcessedModel.js';
import type { ElementProperties } from '../../../workers/ifc/geometry/readElementProperties.js';
import type { Disposer } from '../../../common/source.js';

export type IfcWorkerState = 'idle' | 'ready' | 'disposed';

interface Running {
  worker: Worker;
  remote: Comlink.Remote<IfcService>;
  /** Rejects every in-flight call when the worker dies or is terminated. */
  fail: Set<(e: Error) => void>;
}

export class IfcWorkerClient {
  private state: IfcWorkerState = 'idle';
  private running: Running | null = null;
  private readonly restartListeners = new Set<(reason: string) => void>();

  /**
   * `workerUrl`: the built worker, relative to the page (default `workers/ifc.js`).
   * `createWorker`: spawns a worker for that URL (tests pass a fake; default a module Worker).
   */
  constructor(
    private readonly workerUrl: URL = new URL('workers/ifc.js', document.baseURI),
    private readonly createWorker: (url: URL) => Worker = (url) => new Worker(url, { type: 'module', name: 'ifc' }),
  ) {}

  get status(): IfcWorkerState {
    return this.state;
  }

  onRestart(cb: (reason: string) => void): Disposer {
    this.restartListeners.add(cb);
    return () => this.restartListeners.delete(cb);
  }

  private spawn(): Running {
    if (this.state === 'disposed') throw new Error('IfcWorkerClient: disposed');
    if (this.running) return this.running;
    const worker = this.createWorker(this.workerUrl);
    const running: Running = { worker, remote: Comlink.wrap<IfcService>(worker), fail: new Set() };
    worker.addEventListener('error', (ev) => {
      ev.preventDefault();
      this.kill(running, new Error(`IfcWorkerClient: the IFC worker crashed (${ev.message || 'no message'}); it will be restarted`), true);
    });
    this.running = running;
    this.state = 'ready';
    return running;
  }

  private kill(running: Running, error: Error, crashed: boolean): void {
    if (this.running !== running) return;
    this.running = null;
    if (this.state !== 'disposed') this.state = 'idle';
    running.remote[Comlink.releaseProxy]();
    running.worker.terminate();
    for (const f of running.fail) f(error);
    running.fail.clear();
    if (crashed) for (const cb of this.restartListeners) cb(error.message);
  }

  private async call<T>(fn: (r: Comlink.Remote<IfcService>) => Promise<T>): Promise<T> {
    const running = this.spawn();
    let fail: ((e: Error) => void) | null = null;
    const died = new Promise<never>((_, reject) => {
      fail = reject;
      running.fail.add(reject);
    });
    try {
      return await Promise.race([fn(running.remote), died]);
    } catch (e) {
      throw reviveIfcOpenError(e);
    } finally {
      if (fail) running.fail.delete(fail);
    }
  }

  /** Parses (or fetches from the IndexedDB cache) a model; `bytes` is transferred, not copied. */
  open(bytes: Uint8Array, opts: { fileName: string; hash?: string }, onProgress: (phase: LoadPhase, fraction: number) => void): Promise<ProcessedModel> {
    const cb = Comlink.proxy(onProgress);
    return this.call((r) =>
      r.open(Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer]), { fileName: opts.fileName, ...(opts.hash ? { hash: opts.hash } : {}) }, cb) as Promise<ProcessedModel>,
    );
  }

  properties(expressID: number): Promise<ElementProperties> {
    return this.call((r) => r.properties(expressID) as Promise<ElementProperties>);
  }

  /** Stops a running load at once (terminates the worker). */
  cancel(fileName: string): void {
    if (this.running) this.kill(this.running, new IfcCancelledError(`IfcCancelledError: ${fileName}: loading cancelled`), false);
  }

  dispose(): void {
    if (this.running) this.kill(this.running, new Error('IfcWorkerClient: disposed'), false);
    this.state = 'disposed';
    this.restartListeners.clear();
  }
}
