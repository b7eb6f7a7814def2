/**
 * The walkable structure (storeys, spaces, doors, stairs, walkable map, georeference) of the
 * session's model, for main-side consumers: telemetry (crowding zones, positioning map, beacon
 * placement, WGS84 → building frame) and the page (`model.structure` method and event of
 * common/api.ts).
 *
 * When a model opens, its structure is read from the cache (`<cacheDir>/<sha256>.json`, written
 * atomically, versioned by STRUCTURE_CACHE_FORMAT) or extracted in a worker thread
 * (workers/ifc/structure.thread.ts → dist/workers/structure.js), so web-ifc never blocks the main
 * event loop. Opening another model cancels an unfinished extraction. A failing or crashing
 * extraction leaves status 'failed' with the reason; the app keeps working without a structure.
 *
 * State per model: 'pending' → 'ready' | 'failed' (common/api.ts `ModelStructureInfo`).
 *
 * The `testbed:` simulator's layout of the ready structure (`testbedLayout`) is derived on first
 * request in another worker thread (main/sources/testbed/threadLayoutDeriver.ts), cached at
 * `<cacheDir>/<sha256>.testbed-layout.json`, and announced through `onTestbedLayout`.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import type { ModelStructureInfo } from '../../common/api.js';
import type { BuildingStructure } from '../../common/buildingStructure.js';
import type { Disposer } from '../../common/source.js';
import type { StructureReply } from '../../workers/ifc/structure.thread.js';
import type { DerivedTestbedLayout } from '../../workers/testbed/deriveTestbedLayout.js';
import { threadLayoutDeriver, type TestbedLayoutDeriver } from '../sources/testbed/threadLayoutDeriver.js';
import { packageRoot } from './AppPaths.js';

/** Bump when BuildingStructure or its extraction changes meaning: older cache files then read as misses. */
export const STRUCTURE_CACHE_FORMAT = 3;

/** A running extraction of one IFC file; `cancel` ends it (the promise then rejects). */
export interface StructureJobHandle {
  promise: Promise<BuildingStructure>;
  cancel(): void;
}
export type StructureExtractor = (path: string) => StructureJobHandle;

export interface ModelStructureServiceOptions {
  /** Folder of cached structures, e.g. `<userData>/cache/structure`. */
  cacheDir: string;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** How to extract (tests inject an in-process one); default: a worker thread per model. */
  extract?: StructureExtractor;
  /** How to derive the testbed layout (tests and benches inject an in-process one); default: a worker thread per model. */
  deriveLayout?: TestbedLayoutDeriver;
}

/** The built thread entry (dist/workers/structure.js) under the package root. */
export function structureThreadFile(): string {
  return join(packageRoot(), 'dist', 'workers', 'structure.js');
}

/** Extraction in a worker thread: one thread per model, terminated when done or cancelled. */
export function threadExtractor(threadFile: string = structureThreadFile()): StructureExtractor {
  return (path) => {
    let worker: Worker | null = null;
    let settle: ((r: StructureReply) => void) | null = null;
    const promise = new Promise<BuildingStructure>((resolve, reject) => {
      if (!existsSync(threadFile)) {
        reject(new Error(`${threadFile} is missing (run npm run build)`));
        return;
      }
      const w = new Worker(threadFile, { workerData: { path } });
      worker = w;
      settle = (r) => {
        settle = null;
        worker = null;
        void w.terminate();
        if (r.ok) resolve(r.structure);
        else reject(new Error(r.error));
      };
      w.once('message', (m: StructureReply) => settle?.(m));
      w.once('error', (e) => settle?.({ ok: false, error: `structure thread crashed: ${e.message}` }));
      w.once('exit', (code) => settle?.({ ok: false, error: `structure thread exited (code ${code}) before answering` }));
    });
    return {
      promise,
      cancel: () => {
        const s: ((r: StructureReply) => void) | null = settle;
        if (s) s({ ok: false, error: 'cancelled: another model was opened' });
        void (worker as Worker | null)?.terminate();
      },
    };
  };
}

/** The cache file envelope; the structure's own shape is checked at the level its users rely on. */
const CacheFileSchema = z.object({
  format: z.literal(STRUCTURE_CACHE_FORMAT),
  hash: z.string(),
  structure: z
    .object({
      schema: z.string(),
      lengthUnit: z.number(),
      storeys: z.array(z.object({ index: z.number(), name: z.string(), elevation: z.number(), walkable: z.array(z.unknown()) }).passthrough()),
      spaces: z.array(z.object({ name: z.string(), storey: z.number(), area: z.number(), footprint: z.array(z.unknown()) }).passthrough()),
      doors: z.array(z.unknown()),
      stairs: z.array(z.unknown()),
      counts: z.record(z.string(), z.number()),
      elements: z.number(),
      georeference: z.object({ lat: z.number(), lon: z.number(), trueNorth: z.number() }).passthrough().nullable(),
    })
    .passthrough(),
});

interface Job {
  hash: string;
  info: ModelStructureInfo;
  /** Resolves with the structure, or null when extraction failed or was superseded. Never rejects. */
  done: Promise<BuildingStructure | null>;
  cancel: () => void;
}

export type ModelStructureState = 'idle' | 'running' | 'disposed';

export class ModelStructureService {
  private job: Job | null = null;
  private state: ModelStructureState = 'idle';
  private readonly listeners = new Set<(info: ModelStructureInfo) => void>();
  private readonly extract: StructureExtractor;
  private readonly deriveLayout: TestbedLayoutDeriver;
  /** The current model's testbed layout: being derived (`result` null) or derived, for one model hash and file name. */
  private layoutJob: { hash: string; name: string; result: DerivedTestbedLayout | null; cancel: () => void } | null = null;
  private readonly layoutListeners = new Set<(hash: string, result: DerivedTestbedLayout) => void>();

  constructor(private readonly options: ModelStructureServiceOptions) {
    this.extract = options.extract ?? threadExtractor();
    this.deriveLayout = options.deriveLayout ?? threadLayoutDeriver();
  }

  /**
   * The testbed layout of the current model's ready structure, `name` being its file name: the
   * derived (or cached) result, or null while there is no ready structure or it is being derived.
   * The first call for a model starts the derivation off the main thread; `onTestbedLayout` says when it ends.
   */
  testbedLayout(name: string): DerivedTestbedLayout | null {
    const structure = this.current();
    const hash = this.job?.hash;
    if (!structure || !hash || this.state === 'disposed') return null;
    const had = this.layoutJob;
    if (had && had.hash === hash && had.name === name) return had.result;
    had?.cancel();
    const handle = this.deriveLayout({ structure, name, hash, cacheFile: this.layoutCacheFile(hash), structureFormat: STRUCTURE_CACHE_FORMAT });
    const job: NonNullable<ModelStructureService['layoutJob']> = { hash, name, result: null, cancel: () => handle.cancel() };
    this.layoutJob = job;
    void handle.promise.then((result) => {
      if (this.layoutJob !== job) return;
      job.result = result;
      job.cancel = () => undefined;
      const how = result.cached ? 'from cache' : 'derived in a worker thread';
      if (result.ok) this.options.log('info', `structure: testbed layout of ${name} ${how} (${result.ms} ms)`);
      else this.options.log('warn', `structure: no testbed layout for ${name} (${how}): ${result.error}`);
      for (const l of this.layoutListeners) {
        try {
          l(hash, result);
        } catch (e) {
          this.options.log('error', `structure: testbed layout listener: ${(e as Error).message}`);
        }
      }
    });
    return null;
  }

  /** A testbed layout derivation of the current model ended (see `testbedLayout`). */
  onTestbedLayout(listener: (hash: string, result: DerivedTestbedLayout) => void): Disposer {
    this.layoutListeners.add(listener);
    return () => this.layoutListeners.delete(listener);
  }

  /** `<cacheDir>/<hash>.testbed-layout.json`. */
  layoutCacheFile(hash: string): string {
    return join(this.options.cacheDir, `${hash}.testbed-layout.json`);
  }

  /** Status of the current model's structure; null without a model. */
  get(): ModelStructureInfo | null {
    return this.job?.info ?? null;
  }

  /** The ready structure of the current model, or null (none, pending, failed). */
  current(): BuildingStructure | null {
    const info = this.job?.info;
    return info?.status === 'ready' ? info.structure : null;
  }

  /**
   * The current model's structure once known: resolves when extraction ends (null when it failed
   * or there is no model). If another model opens meanwhile, waits for that one instead.
   */
  async ready(): Promise<BuildingStructure | null> {
    for (;;) {
      const job = this.job;
      if (!job) return null;
      const s = await job.done;
      if (this.job === job || this.state === 'disposed') return this.job === job ? s : null;
    }
  }

  /** Status changes ('pending', then 'ready' or 'failed') of the current model. */
  onChange(listener: (info: ModelStructureInfo) => void): Disposer {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Makes `model` the current one (ModelService.onOpen): cached structure, or an extraction. Same hash = no-op. */
  load(model: { hash: string; path: string }): void {
    if (this.state === 'disposed') return;
    if (this.job?.hash === model.hash && this.job.info.status !== 'failed') return;
    this.job?.cancel();
    if (this.layoutJob?.hash !== model.hash) {
      this.layoutJob?.cancel();
      this.layoutJob = null;
    }
    this.state = 'running';
    const started = performance.now();
    const cached = this.readCache(model.hash);
    if (cached) {
      const ms = Math.round(performance.now() - started);
      this.job = { hash: model.hash, info: { hash: model.hash, status: 'ready', structure: cached, cached: true, ms }, done: Promise.resolve(cached), cancel: () => undefined };
      this.options.log('info', `structure: ${model.hash.slice(0, 12)} from cache (${ms} ms)`);
      this.emit(this.job.info);
      return;
    }
    const handle = this.extract(model.path);
    let cancelled = false;
    const job: Job = {
      hash: model.hash,
      info: { hash: model.hash, status: 'pending' },
      // A structure that breaks a consumer (listener, log) fails like a bad file: `done` never rejects.
      done: handle.promise
        .then((structure) => {
          if (cancelled || this.job !== job) return null;
          const ms = Math.round(performance.now() - started);
          this.writeCache(model.hash, structure);
          job.info = { hash: model.hash, status: 'ready', structure, cached: false, ms };
          this.options.log('info', `structure: ${model.path}: ${structure.storeys.length} storeys, ${structure.spaces.length} spaces, ${structure.doors.length} doors in ${ms} ms`);
          this.emit(job.info);
          return structure;
        })
        .catch((e: unknown) => {
          if (cancelled || this.job !== job) return null;
          const error = (e as Error).message;
          job.info = { hash: model.hash, status: 'failed', error };
          this.options.log('error', `structure: ${model.path}: extraction failed: ${error}`);
          this.emit(job.info);
          return null;
        }),
      cancel: () => {
        cancelled = true;
        handle.cancel();
      },
    };
    this.job = job;
    this.emit(job.info);
  }

  dispose(): void {
    if (this.state === 'disposed') return;
    this.state = 'disposed';
    this.job?.cancel();
    this.layoutJob?.cancel();
    this.layoutJob = null;
    this.listeners.clear();
    this.layoutListeners.clear();
  }

  /** `<cacheDir>/<hash>.json`. */
  cacheFile(hash: string): string {
    return join(this.options.cacheDir, `${hash}.json`);
  }

  private emit(info: ModelStructureInfo): void {
    for (const l of this.listeners) {
      try {
        l(info);
      } catch (e) {
        this.options.log('error', `structure: listener: ${(e as Error).message}`);
      }
    }
  }

  /** A valid cache entry of `hash`, or null (missing, older format, corrupt: a miss, rebuilt). */
  private readCache(hash: string): BuildingStructure | null {
    const file = this.cacheFile(hash);
    if (!existsSync(file)) return null;
    try {
      const parsed = CacheFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (parsed.success && parsed.data.hash === hash) return parsed.data.structure as unknown as BuildingStructure;
      this.options.log('warn', `structure: ${file}: not a current cache entry, extracting again`);
    } catch (e) {
      this.options.log('warn', `structure: ${file}: unreadable cache entry (${(e as Error).message}), extracting again`);
    }
    return null;
  }

  /** Best effort: a cache that cannot be written costs only the next open's time. */
  private writeCache(hash: string, structure: BuildingStructure): void {
    const file = this.cacheFile(hash);
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      mkdirSync(this.options.cacheDir, { recursive: true });
      writeFileSync(tmp, JSON.stringify({ format: STRUCTURE_CACHE_FORMAT, hash, structure }));
      renameSync(tmp, file);
    } catch (e) {
      rmSync(tmp, { force: true });
      this.options.log('warn', `structure: cannot write the cache ${file}: ${(e as Error).message}`);
    }
  }
}
