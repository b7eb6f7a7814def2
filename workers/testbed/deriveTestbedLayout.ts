/**
 * The testbed layout of a model's structure as a value that crosses a thread boundary and is
 * cached on disk: `testbedLayoutForModel` (the generated sample → the built-in layout, any other
 * model → layoutFromStructure) with its notes, or the reason there is none. Deriving a large model
 * (Office A: 8–20 s) is why this runs in workers/testbed/testbedLayout.thread.ts, never on the main
 * event loop of `twin serve` / Electron; the CLI calls it directly.
 *
 * The outcome is a pure function of (structure, name), so it is cached per model content hash in
 * `<cacheDir>/<hash>.testbed-layout.json` next to the structure's `<hash>.json`, versioned by
 * TESTBED_LAYOUT_CACHE_FORMAT and the structure's own cache format.
 */
import type { BuildingStructure } from '../../common/buildingStructure.js';
import type { TestbedLayout } from '../../common/testbedLayout.js';
import { testbedLayoutForModel } from './testbedLayoutForModel.js';

/** Bump when layoutFromStructure (or the sample match) changes its output: older cache files then read as misses. */
export const TESTBED_LAYOUT_CACHE_FORMAT = 2;

/**
 * `ok: true` with `layout` (null only without a structure) and the derivation's notes, or `ok: false`
 * with why the model has no layout (e.g. "layoutFromStructure: x.ifc: no storey has walkable area").
 * `cached`: read from the cache file; `ms`: wall time of the derivation or read, ms.
 */
export type DerivedTestbedLayout =
  | { ok: true; layout: TestbedLayout | null; notes: string[]; cached: boolean; ms: number }
  | { ok: false; error: string; cached: boolean; ms: number };

/** What the layout thread is given (workerData). */
export interface TestbedLayoutJob {
  structure: BuildingStructure;
  /** The model's file name: the derived layout's name. */
  name: string;
  /** Content hash of the model (the cache key). */
  hash: string;
  /** `<cacheDir>/<hash>.testbed-layout.json`, or null to not cache. */
  cacheFile: string | null;
  /** The structure cache format the structure was read/extracted under (part of the cache key). */
  structureFormat: number;
}

/** Derives in the calling thread (the thread entry, the CLI, tests). Never throws: a model without walkable area is `ok: false`. */
export function deriveTestbedLayout(structure: BuildingStructure, name: string): DerivedTestbedLayout {
  const started = performance.now();
  const notes: string[] = [];
  try {
    const layout = testbedLayoutForModel(structure, name, notes);
    return { ok: true, layout, notes, cached: false, ms: Math.round(performance.now() - started) };
  } catch (e) {
    return { ok: false, error: (e as Error).message, cached: false, ms: Math.round(performance.now() - started) };
  }
}
