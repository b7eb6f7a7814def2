/**
 * One web-ifc `IfcAPI` per worker or process (STYLE.md habit 10), with the checks web-ifc does
 * not make: web-ifc answers a non-IFC buffer with a TypeError from deep inside `OpenModel`, a
 * truncated file with a half-parsed model, and an unknown schema with `-1` and a console line.
 * `open` turns each of those into a typed error whose message starts with the class name and
 * names the file, so the UI and the CLI can show something a person can act on.
 *
 * Geometry leaves web-ifc in its own y-up frame (three.js frame): three(x, y, z) = building (x, z, -y).
 */
import type { IfcAPI } from 'web-ifc';
import { loadWebIfc } from './webIfc.js';

export {
  IfcOpenError,
  IfcNotIfcError,
  IfcTruncatedError,
  IfcUnsupportedSchemaError,
  IfcNoGeometryError,
  IfcDamagedError,
  IfcCancelledError,
  damagedModelError,
  reviveIfcOpenError,
  type IfcOpenErrorName,
} from './geometry/IfcOpenError.js';
import { IfcDamagedError, IfcNotIfcError, IfcOpenError, IfcTruncatedError, IfcUnsupportedSchemaError, damagedModelError } from './geometry/IfcOpenError.js';

/** Schemas web-ifc 0.0.78 has generated layouts for (prefix match on FILE_SCHEMA). */
const SUPPORTED_SCHEMA = /^(IFC2X3|IFC4X3|IFC4)/i;

export type IfcEngineState = 'idle' | 'initialising' | 'ready' | 'disposed';

export interface IfcHeader {
  schema: string;
}

/** Reads the STEP header and tail without web-ifc; throws the typed error for bad input. */
export function checkIfcBytes(bytes: Uint8Array, fileName: string): IfcHeader {
  const headLen = Math.min(bytes.byteLength, 4096);
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, headLen)).replace(/^\uFEFF/, '').trimStart();
  if (!head.startsWith('ISO-10303-21')) {
    throw new IfcNotIfcError(`IfcNotIfcError: ${fileName}: not an IFC file (expected the ISO-10303-21 STEP header, found "${head.slice(0, 24).replace(/[^\x20-\x7e]/g, '?')}")`);
  }
  const schemaMatch = /FILE_SCHEMA\s*\(\s*\(\s*'([^']*)'/i.exec(head);
  if (!schemaMatch) {
    if (headLen < bytes.byteLength) throw new IfcNotIfcError(`IfcNotIfcError: ${fileName}: no FILE_SCHEMA in the STEP header`);
    throw new IfcTruncatedError(`IfcTruncatedError: ${fileName}: file ends inside the STEP header (${bytes.byteLength} bytes)`);
  }
  const schema = schemaMatch[1]!.trim();
  if (!SUPPORTED_SCHEMA.test(schema)) {
    throw new IfcUnsupportedSchemaError(`IfcUnsupportedSchemaError: ${fileName}: schema "${schema}" is not supported (expected IFC2X3, IFC4 or IFC4X3)`);
  }
  const tailLen = Math.min(bytes.byteLength, 512);
  const tail = new TextDecoder('latin1').decode(bytes.subarray(bytes.byteLength - tailLen)).trimEnd();
  if (!/END-ISO-10303-21\s*;?$/.test(tail)) {
    throw new IfcTruncatedError(`IfcTruncatedError: ${fileName}: file is truncated (no END-ISO-10303-21; after ${bytes.byteLength} bytes)`);
  }
  return { schema };
}

export class IfcEngine {
  private state: IfcEngineState = 'idle';
  /** Created by init, once web-ifc's JavaScript is loaded (webIfc.ts). */
  private ifcApi: IfcAPI | null = null;
  /** Open models and their FILE_SCHEMA as web-ifc reports it. */
  private readonly open_ = new Map<number, string>();
  private initPromise: Promise<void> | null = null;

  /**
   * Loads the WASM. `wasmLocation` is a folder (ending in '/') holding web-ifc's .wasm files:
   * in Node an absolute path such as `<repo>/node_modules/web-ifc/`; in a browser worker a URL
   * such as `new URL('../wasm/', import.meta.url).href` (the build copies the .wasm there).
   */
  init(wasmLocation: string): Promise<void> {
    if (this.state === 'disposed') return Promise.reject(new Error('IfcEngine: init after dispose'));
    if (this.initPromise) return this.initPromise;
    this.state = 'initialising';
    const dir = wasmLocation.endsWith('/') ? wasmLocation : `${wasmLocation}/`;
    const start = async (): Promise<void> => {
      const W = await loadWebIfc();
      const api = (this.ifcApi ??= new W.IfcAPI());
      api.SetWasmPath(dir, true);
      // Single-threaded module: the multi-threaded one needs cross-origin isolation the host does not set.
      await api.Init(undefined, true);
      api.SetLogLevel(W.LogLevel.LOG_LEVEL_OFF);
    };
    this.initPromise = start().then(
      () => {
        if (this.state === 'initialising') this.state = 'ready';
      },
      (e: unknown) => {
        this.state = 'idle';
        this.initPromise = null;
        throw new Error(`IfcEngine: cannot load web-ifc WASM from ${dir}: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
    return this.initPromise;
  }

  get status(): IfcEngineState {
    return this.state;
  }

  /** The raw API for geometry streaming and structure queries (functions taking `(api, modelID)`). */
  get api(): IfcAPI {
    if (this.state !== 'ready' || !this.ifcApi) throw new Error(`IfcEngine: not ready (state ${this.state}); await init() first`);
    return this.ifcApi;
  }

  /** Parses the STEP text; returns web-ifc's numeric model handle. Close it with `close`. */
  open(bytes: Uint8Array, fileName = 'model.ifc'): { modelID: number; schema: string } {
    const api = this.api;
    const header = checkIfcBytes(bytes, fileName);
    let modelID: number;
    try {
      modelID = api.OpenModel(bytes, { COORDINATE_TO_ORIGIN: false });
    } catch (e) {
      throw new IfcNotIfcError(`IfcNotIfcError: ${fileName}: web-ifc could not parse the file (${e instanceof Error ? e.message : String(e)})`);
    }
    // The schema passed checkIfcBytes, so a refusal here is about the content (seen on files with flipped bytes).
    if (modelID < 0) throw new IfcDamagedError(`IfcDamagedError: ${fileName}: web-ifc could not open the model: the file is damaged, or not valid ${header.schema}`);
    const schema = api.GetModelSchema(modelID);
    this.open_.set(modelID, schema);
    return { modelID, schema };
  }

  close(modelID: number): void {
    if (!this.open_.delete(modelID)) return;
    if (this.state === 'ready') this.ifcApi?.CloseModel(modelID);
  }

  /**
   * Runs `read` on an open model. An untyped error from inside web-ifc (a TypeError on an entity the schema lacks, a
   * WASM trap, a stack overflow on nesting) comes from the file's content: the model is closed (as far as web-ifc still
   * can) and the error rethrown as an IfcDamagedError naming the file.
   */
  read<T>(modelID: number, fileName: string, read: (api: IfcAPI) => T): T {
    const schema = this.open_.get(modelID) ?? '?';
    try {
      return read(this.api);
    } catch (e) {
      if (e instanceof IfcOpenError) throw e;
      try {
        this.close(modelID);
      } catch {
        this.open_.delete(modelID); // web-ifc cannot close it either: forget it
      }
      throw damagedModelError(e, fileName, schema);
    }
  }

  dispose(): void {
    if (this.state === 'disposed') return;
    for (const id of this.open_.keys()) this.ifcApi?.CloseModel(id);
    this.open_.clear();
    this.state = 'disposed';
  }
}
