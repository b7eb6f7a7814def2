/**
 * web-ifc model → merged batches + element index (ProcessedModel without summary bookkeeping).
 *
 * Streams every mesh once (`StreamAllMeshes`), places each geometry with its flatTransformation
 * and merges it into its storey × material batch straight from the WASM heap; native geometry
 * objects are deleted in `finally`. Then reads GlobalId, Name and IFC type of each element that
 * produced triangles (from the STEP bytes where plain, else web-ifc's raw arguments in chunks),
 * and builds the index columns.
 */
import type { IfcAPI, PlacedGeometry } from 'web-ifc';
import { IfcCancelledError, IfcNoGeometryError } from '../IfcEngine.js';
import { GeometryBatcher, MAX_COORD_M } from './GeometryBatcher.js';
import { ifcTypeName, ifcTypeNameOfStep } from './ifcTypeName.js';
import { readRootAttributes } from './readRootAttributes.js';
import { RANGE, RANGE_STRIDE, type Bounds6, type ElementIndex, type GeometryBatch, type SkippedElements } from './ProcessedModel.js';
import type { SpatialStructure } from './readSpatialStructure.js';

/** Load phases in order; fraction is 0..1 within the phase. */
export type LoadPhase = 'hash' | 'cache' | 'parse' | 'structure' | 'geometry' | 'index';
export type ProgressFn = (phase: LoadPhase, fraction: number) => void;

export interface ExtractOptions {
  fileName: string;
  /** The IFC file's bytes: lets the element index read plain GlobalIds and names without web-ifc calls. */
  bytes?: Uint8Array;
  onProgress?: ProgressFn;
  signal?: AbortSignal;
}

export interface ExtractedGeometry {
  batches: GeometryBatch[];
  index: ElementIndex;
  bounds: Bounds6;
  triangleCount: number;
  vertexCount: number;
  /** Elements left out for coordinates out of range (GeometryBatcher.MAX_COORD_M), if any. */
  skipped?: SkippedElements;
}

interface WasmHeaps {
  HEAPF32: Float32Array;
  HEAPU32: Uint32Array;
}

/** Elements per GetRawLinesData call: bounds the transient JS objects and keeps cancel responsive. */
const INDEX_CHUNK = 4096;

/** A STEP string argument ({type: STRING, value}) or ''. */
function stepString(arg: unknown): string {
  const v = (arg as { value?: unknown } | null | undefined)?.value;
  return typeof v === 'string' ? v : '';
}

function cancelled(fileName: string): IfcCancelledError {
  return new IfcCancelledError(`IfcCancelledError: ${fileName}: loading cancelled`);
}

export function extractGeometry(api: IfcAPI, modelID: number, spatial: SpatialStructure, opts: ExtractOptions): ExtractedGeometry {
  const { onProgress, signal, fileName } = opts;
  const batcher = new GeometryBatcher();
  const heaps = api.wasmModule as WasmHeaps;
  let lastReported = 0;
  let aborted = false;
  // web-ifc streams one IFC type after another and its (index, total) count within the current type,
  // restarting at 0 for each: as a fraction they would run 0 → 100 % once per type. Progress is the
  // meshes done over an estimate of all of them (the objects the spatial tree places, raised to what
  // the stream has already announced), held below 100 % until the stream ends, and it never goes back.
  const estimate = Math.max(1, spatial.placedCount);
  let done = 0;

  onProgress?.('geometry', 0);
  api.StreamAllMeshes(modelID, (mesh, index, total) => {
    try {
      // StreamAllMeshes cannot be interrupted safely from JS; after an abort the rest is skipped cheaply.
      if (aborted || signal?.aborted) {
        aborted = true;
        return;
      }
      const storey = spatial.storeyOf.get(mesh.expressID) ?? -1;
      const geoms = mesh.geometries;
      for (let g = 0, n = geoms.size(); g < n; g++) {
        const placed: PlacedGeometry = geoms.get(g);
        const geometry = api.GetGeometry(modelID, placed.geometryExpressID);
        try {
          const vPtr = geometry.GetVertexData(), vSize = geometry.GetVertexDataSize();
          const iPtr = geometry.GetIndexData(), iSize = geometry.GetIndexDataSize();
          // Heaps are re-read per geometry: WASM memory growth replaces the views.
          batcher.add(mesh.expressID, storey, placed.color, heaps.HEAPF32, vPtr / 4, vSize, heaps.HEAPU32, iPtr / 4, iSize, placed.flatTransformation);
        } finally {
          geometry.delete();
        }
      }
      done++;
      const announced = done + Math.max(0, total - index - 1);
      const pct = Math.min(99, Math.floor((done / Math.max(estimate, announced)) * 100));
      if (pct > lastReported) {
        lastReported = pct;
        onProgress?.('geometry', pct / 100);
      }
    } finally {
      // Streamed meshes are owned by web-ifc in 0.0.78 (no delete); older builds handed them over.
      (mesh as { delete?: () => void }).delete?.();
    }
  });
  if (aborted || signal?.aborted) throw cancelled(fileName);
  onProgress?.('geometry', 1);

  const merged = batcher.finish();
  const skipped = batcher.skipped.size ? describeSkipped(api, modelID, batcher.skipped) : undefined;
  if (merged.triangleCount === 0) {
    throw new IfcNoGeometryError(skipped
      ? `IfcNoGeometryError: ${fileName}: every element with geometry lies beyond ${MAX_COORD_M / 1000} km of the origin (${skipped.elements}, e.g. ${skipped.examples.join(', ')}): the file is damaged or its coordinates are not metres`
      : `IfcNoGeometryError: ${fileName}: the model has no element with triangles to show`);
  }

  onProgress?.('index', 0);
  // Elements that produced triangles, sorted by expressID.
  const elementSet = new Set<number>();
  for (const rows of merged.ranges) for (let r = 0; r < rows.length; r += RANGE_STRIDE) elementSet.add(rows[r + RANGE.element]!);
  const expressIDs = Uint32Array.from(elementSet).sort();
  const rowOf = new Map<number, number>();
  expressIDs.forEach((id, i) => rowOf.set(id, i));

  const typeNames: string[] = [];
  const typeIndex = new Map<string, number>();
  const typeOf = (name: string): number => {
    let t = typeIndex.get(name);
    if (t === undefined) {
      t = typeNames.length;
      typeNames.push(name);
      typeIndex.set(name, t);
    }
    return t;
  };
  const types = new Uint16Array(expressIDs.length);
  const storeys = new Int32Array(expressIDs.length);
  for (let i = 0; i < expressIDs.length; i++) storeys[i] = spatial.storeyOf.get(expressIDs[i]!) ?? -1;
  // GlobalId / Name / entity straight from the STEP bytes where they are plain (one pass, no WASM
  // calls); web-ifc answers the rest (escaped strings, odd layouts) or everything without bytes.
  let globalIds: string[], names: string[], rest: number[];
  if (opts.bytes) {
    const attrs = readRootAttributes(opts.bytes, expressIDs);
    globalIds = attrs.globalIds;
    names = attrs.names;
    rest = attrs.unresolved;
    const seen = new Set(rest);
    for (let i = 0; i < expressIDs.length; i++) if (!seen.has(i)) types[i] = typeOf(ifcTypeNameOfStep(attrs.entity[i]!));
  } else {
    globalIds = new Array<string>(expressIDs.length).fill('');
    names = new Array<string>(expressIDs.length).fill('');
    rest = Array.from(expressIDs.keys());
  }
  // Raw STEP arguments in chunks: one WASM call per chunk, and no schema object per element
  // (GetLine builds one, several times slower). IfcRoot: 0 GlobalId, 1 OwnerHistory, 2 Name.
  const typeByCode = new Map<number, number>();
  for (let start = 0; start < rest.length; start += INDEX_CHUNK) {
    if (signal?.aborted) throw cancelled(fileName);
    const lines = api.GetRawLinesData(modelID, rest.slice(start, start + INDEX_CHUNK).map((row) => expressIDs[row]!));
    for (const line of lines) {
      const i = rowOf.get(line.ID); // by ID, not position: robust to a line web-ifc skips
      if (i === undefined) continue;
      let t = typeByCode.get(line.type);
      if (t === undefined) {
        t = typeOf(ifcTypeName(api, line.type));
        typeByCode.set(line.type, t);
      }
      types[i] = t;
      globalIds[i] = stepString(line.arguments[0]);
      names[i] = stepString(line.arguments[2]);
    }
  }

  // Range table: batches in order, rows by indexStart; element column → element row.
  let rowCount = 0;
  for (const rows of merged.ranges) rowCount += rows.length / RANGE_STRIDE;
  const ranges = new Uint32Array(rowCount * RANGE_STRIDE);
  const batches: GeometryBatch[] = [];
  let w = 0;
  merged.batches.forEach((b, bi) => {
    const rows = merged.ranges[bi]!;
    batches.push({ ...b, rangeStart: w / RANGE_STRIDE, rangeCount: rows.length / RANGE_STRIDE });
    for (let r = 0; r < rows.length; r += RANGE_STRIDE, w += RANGE_STRIDE) {
      ranges[w + RANGE.element] = rowOf.get(rows[r + RANGE.element]!)!;
      ranges[w + RANGE.batch] = bi;
      ranges[w + RANGE.indexStart] = rows[r + RANGE.indexStart]!;
      ranges[w + RANGE.indexCount] = rows[r + RANGE.indexCount]!;
      ranges[w + RANGE.vertexStart] = rows[r + RANGE.vertexStart]!;
    }
  });

  // CSR: element row → its range rows.
  const counts = new Uint32Array(expressIDs.length + 1);
  for (let r = 0; r < rowCount; r++) counts[ranges[r * RANGE_STRIDE + RANGE.element]! + 1]!++;
  for (let i = 1; i <= expressIDs.length; i++) counts[i] = counts[i]! + counts[i - 1]!;
  const elementRangeStart = counts;
  const fill = elementRangeStart.slice(0, expressIDs.length);
  const rangesByElement = new Uint32Array(rowCount);
  for (let r = 0; r < rowCount; r++) {
    const e = ranges[r * RANGE_STRIDE + RANGE.element]!;
    rangesByElement[fill[e]!++] = r;
  }
  onProgress?.('index', 1);

  return {
    batches,
    index: { expressIDs, storeys, types, typeNames, globalIds, names, ranges, elementRangeStart, rangesByElement },
    bounds: merged.bounds,
    triangleCount: merged.triangleCount,
    vertexCount: merged.vertexCount,
    ...(skipped ? { skipped } : {}),
  };
}

/** How many elements were left out, and up to three of them as "#id IfcType 'Name'" (the structure extractor's too). */
export function describeSkipped(api: IfcAPI, modelID: number, skipped: ReadonlyMap<number, number>): SkippedElements {
  const ids = [...skipped.keys()].slice(0, 3);
  const examples = api.GetRawLinesData(modelID, ids).map((line) => {
    const name = stepString(line.arguments[2]);
    return `#${line.ID} ${ifcTypeName(api, line.type)}${name ? ` '${name}'` : ''}`;
  });
  return { elements: skipped.size, examples: examples.length ? examples : ids.map((id) => `#${id}`) };
}
