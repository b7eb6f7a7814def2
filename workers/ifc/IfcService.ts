/**
 * The IFC worker's API as a plain class: the Web Worker entry (ifc.worker.ts) exposes it with
 * Comlink; Node tests, the bench and the CLI call it in-thread.
 *
 * open(bytes) → ProcessedModel: sha256 → processed-model cache (hit: web-ifc is not touched) →
 * else web-ifc parse → spatial structure → streamed, merged geometry → element index → cache put
 * (encoded in line, written in the background: `flush()` awaits it).
 * properties(expressID) opens the IFC in web-ifc lazily (after a cache hit, on first use).
 *
 * Lifecycle (string union, transitions only in `setState`):
 *   empty → loading → loaded → (loading …) ; any → disposed.  A failed load returns to the
 *   previous state and keeps the previous model.
 */
import * as Comlink from 'comlink';
import type { IfcAPI } from 'web-ifc';
import { IfcCancelledError, IfcEngine, checkIfcBytes } from './IfcEngine.js';
import { decodeProcessedModel, encodeProcessedModel } from './cache/processedModelCodec.js';
import type { ModelCache } from './cache/ModelCache.js';
import { extractGeometry, type ProgressFn } from './geometry/extractGeometry.js';
import { processedModelBuffers, type ProcessedModel } from './geometry/ProcessedModel.js';
import { readElementProperties, type ElementProperties } from './geometry/readElementProperties.js';
import { readSpatialStructure } from './geometry/readSpatialStructure.js';

export type IfcServiceState = 'empty' | 'loading' | 'loaded' | 'disposed';

export interface IfcServiceOptions {
  /** Folder (path or URL, ending in '/') with web-ifc's .wasm files; see IfcEngine.init. */
  wasmLocation: string;
  /** Processed-model cache; null disables it. */
  cache: ModelCache | null;
  /** Building structure extractor (workers/ifc/structure); its JSON result is cached with the geometry. */
  structure?: (api: IfcAPI, modelID: number) => unknown;
}

export interface OpenOptions {
  fileName: string;
  /** sha256 hex of `bytes` when the caller already knows it (the host's ModelInfo.hash). */
  hash?: string;
  /** Id a cross-thread caller later passes to `cancel(loadId)`. */
  loadId?: number;
  /** In-thread cancellation. */
  signal?: AbortSignal;
  /** Skip the cache lookup (the result is still written to the cache). */
  noCache?: boolean;
}

/**
 * Lets queued messages and abort events run between the long synchronous steps. setImmediate
 * (Node) or a MessageChannel round trip (worker): both are macrotasks without setTimeout's
 * ≥ 1 ms (Node) or 4 ms (nested browser timers) floor, which is a visible share of a small model.
 */
const yieldToEventLoop: () => Promise<void> =
  typeof setImmediate === 'function'
    ? () => new Promise((r) => setImmediate(r))
    : () =>
        new Promise((r) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => {
            channel.port1.close();
            r();
          };
          channel.port2.postMessage(null);
        });

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export class IfcService {
  private state: IfcServiceState = 'empty';
  private readonly engine = new IfcEngine();
  private readonly loads = new Map<number, AbortController>();
  /** The current model's IFC bytes (kept for lazy property queries) and its web-ifc handle when open. */
  private current: { bytes: Uint8Array; fileName: string; modelID: number | null } | null = null;
  /** Cache writes still in flight (see `open`). */
  private readonly writes = new Set<Promise<void>>();

  constructor(private readonly options: IfcServiceOptions) {}

  get status(): IfcServiceState {
    return this.state;
  }

  private setState(next: IfcServiceState): void {
    if (this.state === 'disposed') throw new Error(`IfcService: disposed, cannot become ${next}`);
    this.state = next;
  }

  private async ensureEngine(): Promise<IfcEngine> {
    if (this.engine.status !== 'ready') await this.engine.init(this.options.wasmLocation);
    return this.engine;
  }

  /**
   * Loads a model. `onProgress` is a separate argument so a Comlink caller can pass
   * `Comlink.proxy(fn)`. The result is marked with `Comlink.transfer` of all its buffers, so
   * across a worker boundary it moves without a copy (in-thread the mark is inert).
   */
  async open(bytes: Uint8Array, opts: OpenOptions, onProgress?: ProgressFn): Promise<ProcessedModel> {
    const previous = this.state;
    this.setState('loading');
    const controller = new AbortController();
    if (opts.loadId !== undefined) this.loads.set(opts.loadId, controller);
    const onAbort = (): void => controller.abort();
    if (opts.signal?.aborted) controller.abort();
    else opts.signal?.addEventListener('abort', onAbort);
    const signal = controller.signal;
    const { fileName } = opts;
    const check = (): void => {
      if (signal.aborted) throw new IfcCancelledError(`IfcCancelledError: ${fileName}: loading cancelled`);
    };
    const t0 = performance.now();
    let modelID: number | null = null;
    try {
      checkIfcBytes(bytes, fileName);
      onProgress?.('hash', 0);
      const cache = this.options.cache;
      const lookup = cache !== null && !opts.noCache;
      // The digest runs off this thread (WebCrypto): when no lookup needs it first, it runs while web-ifc
      // parses and is awaited only for the summary and the cache key.
      const hashing = opts.hash !== undefined ? Promise.resolve(opts.hash) : sha256Hex(bytes);
      hashing.catch(() => undefined); // a failure surfaces where it is awaited, never as an unhandled rejection
      if (lookup) {
        const hash = await hashing;
        check();
        onProgress?.('cache', 0);
        const hit = await cache.get(hash).catch(() => null);
        if (hit) {
          try {
            const model = decodeProcessedModel(hit);
            model.summary = { ...model.summary, fileName, loadMs: performance.now() - t0, fromCache: true };
            this.replaceCurrent({ bytes, fileName, modelID: null });
            this.setState('loaded');
            onProgress?.('cache', 1);
            return Comlink.transfer(model, processedModelBuffers(model));
          } catch {
            await cache.delete(hash).catch(() => undefined); // stale format or damaged: rebuild below
          }
        }
      }
      await yieldToEventLoop(); // lets a cancel message in before the long synchronous parse
      check();
      const engine = await this.ensureEngine();
      onProgress?.('parse', 0);
      const opened = engine.open(bytes, fileName);
      modelID = opened.modelID;
      const id = modelID;
      onProgress?.('parse', 1);
      await yieldToEventLoop();
      check();
      onProgress?.('structure', 0);
      // engine.read: an untyped error from inside web-ifc is the file's (IfcDamagedError naming it).
      const spatial = engine.read(id, fileName, (api) => readSpatialStructure(api, id));
      const extract = this.options.structure;
      const structure = extract ? engine.read(id, fileName, (api) => extract(api, id)) : null;
      onProgress?.('structure', 1);
      await yieldToEventLoop();
      check();
      const geo = engine.read(id, fileName, (api) => extractGeometry(api, id, spatial, { fileName, bytes, signal, ...(onProgress ? { onProgress } : {}) }));
      const hash = await hashing;
      check();
      const model: ProcessedModel = {
        summary: {
          fileName,
          hash,
          schema: opened.schema,
          projectName: spatial.projectName,
          sites: spatial.sites,
          buildings: spatial.buildings,
          elementCount: geo.index.expressIDs.length,
          triangleCount: geo.triangleCount,
          vertexCount: geo.vertexCount,
          bounds: geo.bounds,
          loadMs: 0,
          fromCache: false,
          ...(geo.skipped ? { skipped: geo.skipped } : {}),
        },
        storeys: spatial.storeys,
        batches: geo.batches,
        index: geo.index,
        structure,
      };
      this.replaceCurrent({ bytes, fileName, modelID });
      modelID = null; // owned by `current` now
      model.summary.loadMs = performance.now() - t0;
      if (cache) {
        // Encode now, before the caller transfers the buffers away; write in the background so the
        // model reaches the scene without waiting for the disk / IndexedDB. A failing write never
        // fails the load (the next open is then simply a miss); `flush` awaits pending writes.
        const encoded = encodeProcessedModel(model);
        const write: Promise<void> = cache
          .put(hash, encoded)
          .catch(() => undefined)
          .finally(() => this.writes.delete(write));
        this.writes.add(write);
      }
      this.setState('loaded');
      return Comlink.transfer(model, processedModelBuffers(model));
    } catch (e) {
      if (this.state === 'loading') this.setState(previous === 'loading' ? 'empty' : previous);
      if (modelID !== null) this.engine.close(modelID);
      throw e;
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      if (opts.loadId !== undefined) this.loads.delete(opts.loadId);
    }
  }

  /** Resolves once every cache write started so far has finished (or failed, which is ignored). */
  async flush(): Promise<void> {
    while (this.writes.size) await Promise.all([...this.writes]);
  }

  /** Cancels the load started with this id (no-op when it already finished). */
  cancel(loadId: number): void {
    this.loads.get(loadId)?.abort();
  }

  /** Attributes, property sets and quantities of one element of the current model. */
  async properties(expressID: number): Promise<ElementProperties> {
    const cur = this.current;
    if (!cur) throw new Error(`IfcService: no model loaded, cannot read properties of #${expressID}`);
    const engine = await this.ensureEngine();
    if (cur.modelID === null) cur.modelID = engine.open(cur.bytes, cur.fileName).modelID;
    return readElementProperties(engine.api, cur.modelID, expressID);
  }

  private replaceCurrent(next: { bytes: Uint8Array; fileName: string; modelID: number | null }): void {
    if (this.current?.modelID != null) this.engine.close(this.current.modelID);
    this.current = next;
  }

  /** Closes the current model (web-ifc memory freed); the service can open another. */
  close(): void {
    if (this.current?.modelID != null) this.engine.close(this.current.modelID);
    this.current = null;
    if (this.state !== 'disposed') this.setState('empty');
  }

  dispose(): void {
    if (this.state === 'disposed') return;
    for (const c of this.loads.values()) c.abort();
    this.close();
    this.engine.dispose();
    this.state = 'disposed';
  }
}
