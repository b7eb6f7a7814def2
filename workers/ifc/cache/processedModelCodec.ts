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
import { z } from 'zod';
import type { ElementIndex, GeometryBatch, ProcessedModel } from '../geometry/ProcessedModel.js';

/** Bump whenever ProcessedModel or the batching changes meaning: older entries then read as misses. */
export const PROCESSED_MODEL_FORMAT = 2;
const MAGIC = 'TWINMDL\0';

const Span = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]);
const Bounds = z.tuple([z.number(), z.number(), z.number(), z.number(), z.number(), z.number()]);
const Node = z.object({ expressID: z.number().int(), type: z.string(), name: z.string() });

const MetaSchema = z.object({
  summary: z.object({
    fileName: z.string(),
    hash: z.string(),
    schema: z.string(),
    projectName: z.string(),
    sites: z.array(Node),
    buildings: z.array(Node),
    elementCount: z.number().int(),
    triangleCount: z.number().int(),
    vertexCount: z.number().int(),
    bounds: Bounds,
    loadMs: z.number(),
    fromCache: z.boolean(),
  }),
  storeys: z.array(z.object({ expressID: z.number().int(), globalId: z.string(), name: z.string(), elevation: z.number() })),
  structure: z.unknown(),
  batches: z.array(
    z.object({
      storey: z.number().int(),
      color: z.tuple([z.number(), z.number(), z.number(), z.number()]),
      bounds: Bounds,
      rangeStart: z.number().int(),
      rangeCount: z.number().int(),
      vertices: Span,
      indices: Span,
    }),
  ),
  index: z.object({
    typeNames: z.array(z.string()),
    globalIds: z.array(z.string()),
    names: z.array(z.string()),
    expressIDs: Span,
    storeys: Span,
    types: Span,
    ranges: Span,
    elementRangeStart: Span,
    rangesByElement: Span,
  }),
});

export class ProcessedModelCodecError extends Error {
  override name = 'ProcessedModelCodecError';
}

type Typed = Float32Array | Uint32Array | Int32Array | Uint16Array;

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
  const parsed = MetaSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProcessedModelCodecError(`ProcessedModelCodecError: header field ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`);
  }
  const meta = parsed.data;
  const binStart = buf.byteOffset + Math.ceil((16 + jsonLen) / 8) * 8;
  const end = buf.byteOffset + buf.byteLength;
  function view<T extends Typed>(Ctor: { new (b: ArrayBuffer, o: number, l: number): T; BYTES_PER_ELEMENT: number }, span: [number, number], field: string): T {
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
