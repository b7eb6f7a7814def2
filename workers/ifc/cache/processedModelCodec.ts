/**
 * One binary file per processed model (batches + element index + structure JSON), so re-opening
 * a known IFC skips web-ifc entirely.
 *
 * Layout (little-endian):
 *   0  "TWINMDL\0"  magic (8 bytes)
 *   8  u32 format version (PROCESSED_MODEL_FORMAT)
 *  12  u32 JSON byte length
 *  16  JSON (utf-8): summary, storeys, structure, batch and index metadata, and for every typed
 *      array its [byteOffset, length] in this file
 *  …   padding to 8 bytes, then each typed array's bytes, each starting 8-byte aligned.
 * Decoding returns views into the one input buffer (no copy), so the whole model is one
 * transferable ArrayBuffer.
 */
import type { Bounds6, ElementIndex, GeometryBatch, ModelSummary, ProcessedModel, SpatialNode, StoreyInfo } from '../geometry/ProcessedModel.js';

/** Bump whenever ProcessedModel or the batching changes meaning: older entries then read as misses. */
export const PROCESSED_MODEL_FORMAT = 4;
const MAGIC = 'TWINMDL\0';

export class ProcessedModelCodecError extends Error {
  override name = 'ProcessedModelCodecError';
}

type Typed = Float32Array | Uint32Array | Int32Array | Uint16Array;

/** [byteOffset from the binary section, element count] of one typed array. */
type Span = [number, number];

interface Meta {
  summary: ModelSummary;
  storeys: StoreyInfo[];
  structure: unknown;
  batches: (Omit<GeometryBatch, 'vertices' | 'indices'> & { vertices: Span; indices: Span })[];
  index: Pick<ElementIndex, 'typeNames' | 'globalIds' | 'names'> & Record<'expressIDs' | 'storeys' | 'types' | 'ranges' | 'elementRangeStart' | 'rangesByElement', Span>;
}

/*
 * The header is checked by hand, field by field, naming the first wrong one. It is read on every cache
 * hit, and a schema library's per-call overhead (~0.3 ms with zod for a 4 KB header) was the largest
 * share of re-opening a small model; the string lists (one entry per element) are plain loops here.
 */
function bad(path: string, what: string): never {
  throw new ProcessedModelCodecError(`ProcessedModelCodecError: header field ${path}: ${what}`);
}
function obj(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(path, 'expected an object');
  return v as Record<string, unknown>;
}
function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) bad(path, 'expected an array');
  return v;
}
function str(v: unknown, path: string): string {
  if (typeof v !== 'string') bad(path, 'expected a string');
  return v;
}
function num(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) bad(path, 'expected a number');
  return v;
}
function int(v: unknown, path: string): number {
  if (!Number.isInteger(v)) bad(path, 'expected an integer');
  return v as number;
}
function nums(v: unknown, n: number, path: string): number[] {
  const a = arr(v, path);
  if (a.length !== n) bad(path, `expected ${n} numbers, got ${a.length}`);
  for (let i = 0; i < n; i++) num(a[i], `${path}.${i}`);
  return a as number[];
}
function strs(v: unknown, path: string): string[] {
  const a = arr(v, path);
  for (let i = 0; i < a.length; i++) if (typeof a[i] !== 'string') bad(`${path}.${i}`, 'expected a string');
  return a as string[];
}
function span(v: unknown, path: string): Span {
  const a = nums(v, 2, path);
  if (!Number.isInteger(a[0]) || !Number.isInteger(a[1]) || a[0]! < 0 || a[1]! < 0) bad(path, 'expected [offset, length], whole numbers ≥ 0');
  return a as Span;
}
function node(v: unknown, path: string): SpatialNode {
  const o = obj(v, path);
  return { expressID: int(o.expressID, `${path}.expressID`), type: str(o.type, `${path}.type`), name: str(o.name, `${path}.name`) };
}

function checkMeta(raw: unknown): Meta {
  const m = obj(raw, '(root)');
  const s = obj(m.summary, 'summary');
  if (typeof s.fromCache !== 'boolean') bad('summary.fromCache', 'expected true or false');
  const summary: ModelSummary = {
    fileName: str(s.fileName, 'summary.fileName'),
    hash: str(s.hash, 'summary.hash'),
    schema: str(s.schema, 'summary.schema'),
    projectName: str(s.projectName, 'summary.projectName'),
    sites: arr(s.sites, 'summary.sites').map((n, i) => node(n, `summary.sites.${i}`)),
    buildings: arr(s.buildings, 'summary.buildings').map((n, i) => node(n, `summary.buildings.${i}`)),
    elementCount: int(s.elementCount, 'summary.elementCount'),
    triangleCount: int(s.triangleCount, 'summary.triangleCount'),
    vertexCount: int(s.vertexCount, 'summary.vertexCount'),
    bounds: nums(s.bounds, 6, 'summary.bounds') as Bounds6,
    loadMs: num(s.loadMs, 'summary.loadMs'),
    fromCache: s.fromCache,
  };
  if (s.skipped !== undefined) {
    const k = obj(s.skipped, 'summary.skipped');
    summary.skipped = { elements: int(k.elements, 'summary.skipped.elements'), examples: strs(k.examples, 'summary.skipped.examples') };
  }
  const storeys = arr(m.storeys, 'storeys').map((v, i): StoreyInfo => {
    const o = obj(v, `storeys.${i}`);
    return { expressID: int(o.expressID, `storeys.${i}.expressID`), globalId: str(o.globalId, `storeys.${i}.globalId`), name: str(o.name, `storeys.${i}.name`), elevation: num(o.elevation, `storeys.${i}.elevation`) };
  });
  const batches = arr(m.batches, 'batches').map((v, i): Meta['batches'][number] => {
    const p = `batches.${i}`;
    const o = obj(v, p);
    return {
      storey: int(o.storey, `${p}.storey`),
      color: nums(o.color, 4, `${p}.color`) as GeometryBatch['color'],
      bounds: nums(o.bounds, 6, `${p}.bounds`) as Bounds6,
      rangeStart: int(o.rangeStart, `${p}.rangeStart`),
      rangeCount: int(o.rangeCount, `${p}.rangeCount`),
      vertices: span(o.vertices, `${p}.vertices`),
      indices: span(o.indices, `${p}.indices`),
    };
  });
  const x = obj(m.index, 'index');
  const index: Meta['index'] = {
    typeNames: strs(x.typeNames, 'index.typeNames'),
    globalIds: strs(x.globalIds, 'index.globalIds'),
    names: strs(x.names, 'index.names'),
    expressIDs: span(x.expressIDs, 'index.expressIDs'),
    storeys: span(x.storeys, 'index.storeys'),
    types: span(x.types, 'index.types'),
    ranges: span(x.ranges, 'index.ranges'),
    elementRangeStart: span(x.elementRangeStart, 'index.elementRangeStart'),
    rangesByElement: span(x.rangesByElement, 'index.rangesByElement'),
  };
  return { summary, storeys, structure: m.structure, batches, index };
}

export function encodeProcessedModel(model: ProcessedModel): Uint8Array {
  const arrays: Typed[] = [];
  let cursor = 0; // offset relative to the start of the binary section
  const place = (a: Typed): [number, number] => {
    const off = cursor;
    arrays.push(a);
    cursor += Math.ceil(a.byteLength / 8) * 8;
    return [off, a.length];
  };
  const ix = model.index;
  const meta = {
    summary: model.summary,
    storeys: model.storeys,
    structure: model.structure ?? null,
    batches: model.batches.map((b) => ({
      storey: b.storey,
      color: b.color,
      bounds: b.bounds,
      rangeStart: b.rangeStart,
      rangeCount: b.rangeCount,
      vertices: place(b.vertices),
      indices: place(b.indices),
    })),
    index: {
      typeNames: ix.typeNames,
      globalIds: ix.globalIds,
      names: ix.names,
      expressIDs: place(ix.expressIDs),
      storeys: place(ix.storeys),
      types: place(ix.types),
      ranges: place(ix.ranges),
      elementRangeStart: place(ix.elementRangeStart),
      rangesByElement: place(ix.rangesByElement),
    },
  };
  const json = new TextEncoder().encode(JSON.stringify(meta));
  const binStart = Math.ceil((16 + json.byteLength) / 8) * 8;
  const out = new Uint8Array(binStart + cursor);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) out[i] = MAGIC.charCodeAt(i);
  dv.setUint32(8, PROCESSED_MODEL_FORMAT, true);
  dv.setUint32(12, json.byteLength, true);
  out.set(json, 16);
  let w = binStart;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), w);
    w += Math.ceil(a.byteLength / 8) * 8;
  }
  return out;
}

/**
 * Reads what `encodeProcessedModel` wrote. Throws ProcessedModelCodecError naming the field for
 * a damaged or foreign file, or an older format version (callers treat both as a cache miss).
 */
export function decodeProcessedModel(bytes: Uint8Array): ProcessedModel {
  // Typed-array views need aligned offsets; Node may hand us a Buffer at an odd pool offset.
  const buf = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  if (buf.byteLength < 16) throw new ProcessedModelCodecError(`ProcessedModelCodecError: ${buf.byteLength} bytes is too short for a processed model`);
  for (let i = 0; i < 8; i++) {
    if (buf[i] !== MAGIC.charCodeAt(i)) throw new ProcessedModelCodecError('ProcessedModelCodecError: not a processed-model file (bad magic)');
  }
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const version = dv.getUint32(8, true);
  if (version !== PROCESSED_MODEL_FORMAT) {
    throw new ProcessedModelCodecError(`ProcessedModelCodecError: format version ${version}, expected ${PROCESSED_MODEL_FORMAT}`);
  }
  const jsonLen = dv.getUint32(12, true);
  if (16 + jsonLen > buf.byteLength) throw new ProcessedModelCodecError('ProcessedModelCodecError: header JSON runs past the end of the file');
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(buf.subarray(16, 16 + jsonLen)));
  } catch (e) {
    throw new ProcessedModelCodecError(`ProcessedModelCodecError: header JSON: ${(e as Error).message}`);
  }
  const meta = checkMeta(raw);
  const binStart = buf.byteOffset + Math.ceil((16 + jsonLen) / 8) * 8;
  const end = buf.byteOffset + buf.byteLength;
  function view<T extends Typed>(Ctor: { new (b: ArrayBuffer, o: number, l: number): T; BYTES_PER_ELEMENT: number }, span: Span, field: string): T {
    const off = binStart + span[0];
    if (off + span[1] * Ctor.BYTES_PER_ELEMENT > end) throw new ProcessedModelCodecError(`ProcessedModelCodecError: ${field} runs past the end of the file`);
    return new Ctor(buf.buffer as ArrayBuffer, off, span[1]);
  }
  const batches: GeometryBatch[] = meta.batches.map((b, i) => ({
    storey: b.storey,
    color: b.color,
    bounds: b.bounds,
    rangeStart: b.rangeStart,
    rangeCount: b.rangeCount,
    vertices: view(Float32Array, b.vertices, `batches[${i}].vertices`),
    indices: view(Uint32Array, b.indices, `batches[${i}].indices`),
  }));
  const mi = meta.index;
  const index: ElementIndex = {
    typeNames: mi.typeNames,
    globalIds: mi.globalIds,
    names: mi.names,
    expressIDs: view(Uint32Array, mi.expressIDs, 'index.expressIDs'),
    storeys: view(Int32Array, mi.storeys, 'index.storeys'),
    types: view(Uint16Array, mi.types, 'index.types'),
    ranges: view(Uint32Array, mi.ranges, 'index.ranges'),
    elementRangeStart: view(Uint32Array, mi.elementRangeStart, 'index.elementRangeStart'),
    rangesByElement: view(Uint32Array, mi.rangesByElement, 'index.rangesByElement'),
  };
  return { summary: meta.summary, storeys: meta.storeys, structure: meta.structure, batches, index };
}
