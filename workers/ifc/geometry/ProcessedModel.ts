/**
 * What the IFC worker hands the renderer (and what the cache stores): merged geometry batches
 * and an element index, as typed arrays plus small JSON. Every ArrayBuffer in it is owned by the
 * object alone (no shared views), so it can be transferred across a worker boundary, not copied.
 *
 * Frame: positions are metres in web-ifc's y-up frame, which is the three.js frame:
 * three(x, y, z) = building(x, z, -y). Only the 3D view consumes them, so nothing is converted.
 */

/** Interleaved vertex layout of every batch: px py pz nx ny nz (float32). */
export const VERTEX_STRIDE = 6;

/** Axis-aligned box in the three.js frame, metres: [minX, minY, minZ, maxX, maxY, maxZ]. */
export type Bounds6 = [number, number, number, number, number, number];

/**
 * One draw call: every triangle of one storey with one material (colour + opacity).
 * Triangles of one element are contiguous, so an element is one index range per batch.
 */
export interface GeometryBatch {
  /** Index into `ProcessedModel.storeys`, or -1 for elements contained in no storey. */
  storey: number;
  /** Linear RGBA 0..1 as web-ifc reports the IfcSurfaceStyle; alpha < 1 means transparent. */
  color: [number, number, number, number];
  /** Bounds of this batch's vertices, so the 3D view need not scan them again (frustum culling, picking). */
  bounds: Bounds6;
  /** VERTEX_STRIDE floats per vertex. */
  vertices: Float32Array;
  indices: Uint32Array;
  /** First row of this batch in `ElementIndex.ranges` and how many rows (rows sorted by indexStart). */
  rangeStart: number;
  rangeCount: number;
}

/** Columns of the range table, RANGE_STRIDE uint32 per row. */
export const RANGE_STRIDE = 5;
export const RANGE = { element: 0, batch: 1, indexStart: 2, indexCount: 3, vertexStart: 4 } as const;

/**
 * expressID ↔ (batch, index range, vertex range). Element rows are sorted by expressID, so
 * `expressIDs` can be binary-searched; `ranges` is sorted by (batch, indexStart), so a picked
 * triangle is found by binary search inside its batch's rows. Vertex count of a range =
 * next row's vertexStart (same batch) or the batch's vertex count minus vertexStart.
 */
export interface ElementIndex {
  expressIDs: Uint32Array;
  /** Storey index per element (-1: none). */
  storeys: Int32Array;
  /** Index into `typeNames` per element. */
  types: Uint16Array;
  /** IFC entity names, CamelCase ("IfcWallStandardCase"). */
  typeNames: string[];
  globalIds: string[];
  names: string[];
  /** RANGE_STRIDE uint32 per row: element row, batch, first index, index count, first vertex. */
  ranges: Uint32Array;
  /** CSR: element row e owns range rows rangesByElement[elementRangeStart[e] .. elementRangeStart[e+1]) (length elements + 1). */
  elementRangeStart: Uint32Array;
  rangesByElement: Uint32Array;
}

export interface StoreyInfo {
  expressID: number;
  globalId: string;
  name: string;
  /** Metres above the project datum (IfcBuildingStorey.Elevation × length unit). */
  elevation: number;
}

export interface SpatialNode {
  expressID: number;
  type: string;
  name: string;
}

export interface ModelSummary {
  fileName: string;
  /** sha256 hex of the file bytes: the cache key. */
  hash: string;
  schema: string;
  projectName: string;
  sites: SpatialNode[];
  buildings: SpatialNode[];
  elementCount: number;
  triangleCount: number;
  vertexCount: number;
  /** Axis-aligned bounds in the three.js frame: [minX, minY, minZ, maxX, maxY, maxZ]. */
  bounds: Bounds6;
  /** Milliseconds spent producing this result, and whether it came from the cache. */
  loadMs: number;
  fromCache: boolean;
  /** Elements not shown because their coordinates are out of range (damage, or not metres); absent when none. */
  skipped?: SkippedElements;
}

export interface SkippedElements {
  /** How many elements. */
  elements: number;
  /** Up to three, as "#id IfcType 'Name'". */
  examples: string[];
}

export interface ProcessedModel {
  summary: ModelSummary;
  storeys: StoreyInfo[];
  batches: GeometryBatch[];
  index: ElementIndex;
  /** Building structure (storeys/spaces/doors/stairs) from workers/ifc/structure, stored as given. */
  structure: unknown;
}

/** Every ArrayBuffer inside a processed model, for `Comlink.transfer` / postMessage. */
export function processedModelBuffers(m: ProcessedModel): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const add = (a: ArrayBufferView): void => void out.add(a.buffer as ArrayBuffer);
  for (const b of m.batches) {
    add(b.vertices);
    add(b.indices);
  }
  const ix = m.index;
  for (const a of [ix.expressIDs, ix.storeys, ix.types, ix.ranges, ix.elementRangeStart, ix.rangesByElement]) add(a);
  return [...out];
}
