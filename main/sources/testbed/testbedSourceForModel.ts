/**
 * `testbed:` on the session's model — what the telemetry service (serve / Electron) and the CLI
 * call instead of `createSource` for a testbed URI, so the simulated day happens on the building
 * the user opened (testbedLayoutForModel: the generated sample and "no model" keep the exact
 * built-in layout; any other model runs on layoutFromStructure). A model with nothing walkable gets
 * no testbed (UnavailableTestbedSource: state "error" saying why), never the built-in building's
 * crowd placed over it.
 *
 * Each source carries a `layoutKey` saying which building it runs on; `testbedLayoutChanged` tells
 * whether a model whose structure became ready later (extraction runs in a worker thread and may
 * finish after the source started) needs the testbed restarted on it.
 *
 * Deriving a large model's layout takes seconds, so the session (TelemetryService) hands in the
 * layout ModelStructureService derived in a worker thread (`derived`); until it is there the testbed
 * runs on the built-in building. Without `derived` (the CLI) it is derived here, in this thread.
 * With `derived`, the source also builds its simulator in slices in `start()` (TestbedSource `sliced`).
 */
import type { BuildingStructure } from '../../../common/buildingStructure.js';
import type { Source } from '../../../common/source.js';
import type { TestbedLayout } from '../../../common/testbedLayout.js';
import { SourceUriError } from '../sourceUri.js';
import { parseTestbedUri, TestbedOptionsError, type TestbedOptions } from './testbedOptions.js';
import { TestbedSource } from './TestbedSource.js';
import { UnavailableTestbedSource } from './UnavailableTestbedSource.js';
import { deriveTestbedLayout, type DerivedTestbedLayout } from '../../../workers/testbed/deriveTestbedLayout.js';
import { matchGeneratedSample } from '../../../workers/testbed/testbedLayoutForModel.js';

/** The session model as far as the testbed cares: its structure once extracted, file name and content hash. */
export interface TestbedModel {
  structure: BuildingStructure | null;
  name: string;
  hash: string;
  /**
   * The layout derived off the main thread (ModelStructureService.testbedLayout): null while it is
   * being derived (built-in building for now); absent: derive it here (CLI, where blocking is fine).
   */
  derived?: DerivedTestbedLayout | null;
  /**
   * Why the model's structure could not be read (its extraction failed): no testbed, as on a model with nothing
   * walkable. Before, the testbed kept running on the previous model's building under the new model.
   */
  structureError?: string;
}

/** The last model's layout derived in this thread (layouts are deterministic and the simulator only reads them). */
let lastLayout: { hash: string; name: string; derived: DerivedTestbedLayout } | null = null;

/** The builtin key for `options`. */
const builtInKey = (options: Pick<TestbedOptions, 'storeys' | 'rooms'>): string => `built-in:${options.storeys}x${options.rooms}`;

/**
 * Which building a testbed with `options` runs on for `model`: "built-in:<storeys>x<rooms>",
 * "model:<hash>", or "unavailable:<hash>" (nothing walkable in the model: no testbed).
 */
export function testbedLayoutKey(model: TestbedModel | null, options: Pick<TestbedOptions, 'storeys' | 'rooms'>): string {
  if (model?.structureError !== undefined) return `unavailable:${model.hash}`;
  const structure = model?.structure ?? null;
  // Still being derived: the built-in building for now.
  if (!model || !structure || model.derived === null) return builtInKey(options);
  // Derived here (CLI): what the last derivation of this model said, if there was one.
  const derived = model.derived ?? (lastLayout?.hash === model.hash && lastLayout.name === model.name ? lastLayout.derived : undefined);
  if (derived?.ok === false) return `unavailable:${model.hash}`;
  const sample = matchGeneratedSample(structure);
  if (sample) return `built-in:${sample.storeys.length}x${(sample.spaces.length / sample.storeys.length - 11) / 2}`;
  return `model:${model.hash}`;
}

/** What a user reads when `name` has nothing walkable for the testbed (`error`: the derivation's reason). */
export function testbedUnavailableReason(name: string, error: string): string {
  const why = error.replace(/^layoutFromStructure: /, '').replace(`${name}: `, '');
  return `cannot run on ${name}: it has no walkable structure — ${why}; open a model with walkable storeys, or the sample, to run it`;
}

/**
 * The testbed source for a URI on the session model. Throws SourceUriError for a bad URI (before
 * anything is built). A model with nothing walkable in it gets an UnavailableTestbedSource (no
 * records, state "error" with the reason), said in `log` too.
 */
export function createTestbedSourceForModel(uri: string, model: TestbedModel | null, log?: (level: 'info' | 'warn', message: string) => void): TestbedSource | UnavailableTestbedSource {
  let options: TestbedOptions;
  try {
    options = parseTestbedUri(uri);
  } catch (e) {
    if (e instanceof TestbedOptionsError) throw new SourceUriError(e.message);
    throw e;
  }
  if (model?.structureError !== undefined) {
    const reason = `cannot run on ${model.name}: its building structure could not be read — ${model.structureError.replace(`${model.name}: `, '')}; open a model with walkable storeys, or the sample, to run it`;
    log?.('warn', `testbed: ${reason}`);
    return new UnavailableTestbedSource(uri, options, model.hash, reason);
  }
  const notes: string[] = [];
  let layout: TestbedLayout | null = null;
  let key = testbedLayoutKey(model, options);
  if (model?.structure) {
    let derived = model.derived;
    if (derived === undefined) {
      // Deriving a large model's layout takes seconds: reconnecting to the same model reuses it.
      const hit = lastLayout?.hash === model.hash && lastLayout.name === model.name ? lastLayout : null;
      derived = hit ? hit.derived : deriveTestbedLayout(model.structure, model.name);
      lastLayout = { hash: model.hash, name: model.name, derived };
    }
    if (derived === null) {
      key = builtInKey(options);
    } else if (derived.ok) {
      layout = derived.layout;
      notes.push(...derived.notes);
    } else {
      const reason = testbedUnavailableReason(model.name, derived.error);
      log?.('warn', `testbed: ${reason}`);
      return new UnavailableTestbedSource(uri, options, model.hash, reason);
    }
  }
  // The session (derived off the main thread) also builds the simulator's tables in slices in start():
  // seconds of route and wall-loss tables on a large model must not stall the event loop either.
  const source = new TestbedSource(uri, { layout, layoutKey: key, sliced: model?.derived !== undefined });
  source.notes.unshift(...notes);
  if (layout && key.startsWith('model:')) {
    log?.('info', `testbed: running on ${model!.name}: ${layout.storeys.length} storeys, ${layout.spaces.length} spaces, ${layout.doors.length} doors, ${layout.stairs.length} stairs`);
  }
  for (const n of source.notes) log?.('warn', `testbed: ${n}`);
  return source;
}

/** True when `source` is a testbed running on another building than `model` calls for (restart it on the model). */
export function testbedLayoutChanged(source: Source, model: TestbedModel | null): boolean {
  if (!(source instanceof TestbedSource) && !(source instanceof UnavailableTestbedSource)) return false;
  return source.layoutKey !== testbedLayoutKey(model, source.options);
}
