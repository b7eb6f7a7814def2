/**
 * The processed-model cache: a round trip reproduces every array byte for byte, a re-open of the
 * same file comes from the cache without web-ifc, and damaged or stale entries are rebuilt.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { IfcService } from '../../../../../workers/ifc/IfcService';
import { FileModelCache, defaultModelCacheDir } from '../../../../../workers/ifc/cache/node/FileModelCache';
import { decodeProcessedModel, encodeProcessedModel, ProcessedModelCodecError } from '../../../../../workers/ifc/cache/processedModelCodec';
import type { ProcessedModel } from '../../../../../workers/ifc/geometry/ProcessedModel';
import type { ModelCache } from '../../../../../workers/ifc/cache/ModelCache';

const root = resolve(__dirname, '../../../../..');
const ifcDir = resolve(root, '../shared/ifc');
const wasm = join(root, 'node_modules/web-ifc/');
const dir = mkdtempSync(join(tmpdir(), 'twin-model-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function expectSameModel(a: ProcessedModel, b: ProcessedModel): void {
  expect(b.storeys).toEqual(a.storeys);
  expect(b.structure).toEqual(a.structure);
  expect(b.batches.length).toBe(a.batches.length);
  a.batches.forEach((ba, i) => {
    const bb = b.batches[i]!;
    expect(bb.storey).toBe(ba.storey);
    expect(bb.color).toEqual(ba.color);
    expect(bb.bounds).toEqual(ba.bounds);
    expect([bb.rangeStart, bb.rangeCount]).toEqual([ba.rangeStart, ba.rangeCount]);
    expect(Buffer.from(bytesOf(bb.vertices)).equals(Buffer.from(bytesOf(ba.vertices)))).toBe(true);
    expect(Buffer.from(bytesOf(bb.indices)).equals(Buffer.from(bytesOf(ba.indices)))).toBe(true);
  });
  for (const k of ['expressIDs', 'storeys', 'types', 'ranges', 'elementRangeStart', 'rangesByElement'] as const) {
    expect(b.index[k].constructor).toBe(a.index[k].constructor);
    expect(Buffer.from(bytesOf(b.index[k])).equals(Buffer.from(bytesOf(a.index[k])))).toBe(true);
  }
  expect(b.index.globalIds).toEqual(a.index.globalIds);
  expect(b.index.names).toEqual(a.index.names);
  expect(b.index.typeNames).toEqual(a.index.typeNames);
}

describe('processed-model cache', () => {
  const file = 'duplex-apartment-ifc2x3.ifc';
  const ifc = new Uint8Array(readFileSync(join(ifcDir, file)));

  it('encode → decode reproduces every array byte for byte', async () => {
    const service = new IfcService({ wasmLocation: wasm, cache: null });
    try {
      const m = await service.open(ifc, { fileName: file });
      m.structure = { storeys: [{ name: 'Level 1' }], note: 'structure blob passed in' };
      const back = decodeProcessedModel(encodeProcessedModel(m));
      expectSameModel(m, back);
      expect(back.summary).toEqual(m.summary);
    } finally {
      service.dispose();
    }
  });

  it('second open of the same bytes comes from the file cache without web-ifc', async () => {
    const cache = new FileModelCache(dir);
    const first = new IfcService({ wasmLocation: wasm, cache });
    const a = await first.open(ifc, { fileName: file });
    await first.flush(); // the cache entry is written in the background
    first.dispose();
    expect(a.summary.fromCache).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.twinmodel'))).toEqual([`${a.summary.hash}.twinmodel`]);

    // A wasm folder that does not exist: any web-ifc use would fail, so success proves it was skipped.
    const second = new IfcService({ wasmLocation: join(dir, 'no-wasm-here/'), cache });
    const b = await second.open(ifc, { fileName: file });
    expect(b.summary.fromCache).toBe(true);
    expectSameModel(a, b);
    // Properties still work: web-ifc is loaded lazily, here it cannot be, and says so.
    await expect(second.properties(b.index.expressIDs[0]!)).rejects.toThrow(/IfcEngine: cannot load web-ifc WASM/);
    second.dispose();

    const third = new IfcService({ wasmLocation: wasm, cache });
    const c = await third.open(ifc, { fileName: file });
    const props = await third.properties(c.index.expressIDs[0]!);
    expect(props.globalId).toBe(c.index.globalIds[0]);
    third.dispose();
  });

  it('a damaged cache entry is rebuilt from the IFC, not served', async () => {
    const cache = new FileModelCache(dir);
    const service = new IfcService({ wasmLocation: wasm, cache });
    const a = await service.open(ifc, { fileName: file });
    await service.flush();
    const path = cache.pathOf(a.summary.hash);
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 3)));
    const b = await service.open(ifc, { fileName: file });
    expect(b.summary.fromCache).toBe(false);
    await service.flush();
    // The rewritten entry is whole again (its JSON part holds timings, so its length may differ by a few bytes)
    // and the next open is served from it.
    expect(Math.abs(readFileSync(path).length - bytes.length)).toBeLessThan(64);
    const c = await service.open(ifc, { fileName: file });
    expect(c.summary.fromCache).toBe(true);
    expect(c.summary.triangleCount).toBe(a.summary.triangleCount);
    expect(c.summary.triangleCount).toBeGreaterThan(0);
    service.dispose();
  });

  it('a slow cache write does not hold the model back; flush waits for it', async () => {
    let release: () => void = () => undefined;
    const stored = new Map<string, Uint8Array>();
    const slow: ModelCache = {
      get: async (h) => stored.get(h) ?? null,
      put: (h, b) =>
        new Promise<void>((resolve) => {
          release = () => {
            stored.set(h, b);
            resolve();
          };
        }),
      delete: async (h) => void stored.delete(h),
    };
    const service = new IfcService({ wasmLocation: wasm, cache: slow });
    const a = await service.open(ifc, { fileName: file });
    expect(a.summary.fromCache).toBe(false);
    expect(stored.size).toBe(0); // still writing, yet the model is here
    let flushed = false;
    const f = service.flush().then(() => (flushed = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(flushed).toBe(false);
    release();
    await f;
    expect(stored.has(a.summary.hash)).toBe(true);
    const b = await service.open(ifc, { fileName: file });
    expect(b.summary.fromCache).toBe(true);
    service.dispose();
  });

  it('decode names what is wrong', () => {
    expect(() => decodeProcessedModel(new TextEncoder().encode('ISO-10303-21; not a cache'))).toThrow(ProcessedModelCodecError);
    expect(() => decodeProcessedModel(new Uint8Array(4))).toThrow(/too short/);
  });

  it('decode names the first wrong header field of a damaged entry', () => {
    const model: ProcessedModel = {
      summary: { fileName: 'a.ifc', hash: 'h', schema: 'IFC4', projectName: 'P', sites: [{ expressID: 1, type: 'IfcSite', name: 'S' }], buildings: [], elementCount: 1, triangleCount: 1, vertexCount: 3, bounds: [0, 0, 0, 1, 1, 1], loadMs: 1, fromCache: false },
      storeys: [{ expressID: 2, globalId: 'g', name: 'L0', elevation: 0 }],
      structure: { spaces: 3 },
      batches: [{ storey: 0, color: [1, 1, 1, 1], bounds: [0, 0, 0, 1, 1, 1], rangeStart: 0, rangeCount: 1, vertices: new Float32Array(18), indices: new Uint32Array([0, 1, 2]) }],
      index: {
        expressIDs: new Uint32Array([5]), storeys: new Int32Array([0]), types: new Uint16Array([0]), typeNames: ['IfcWall'], globalIds: ['gid'], names: ['W'],
        ranges: new Uint32Array([0, 0, 0, 3, 0]), elementRangeStart: new Uint32Array([0, 1]), rangesByElement: new Uint32Array([0]),
      },
    };
    const good = encodeProcessedModel(model);
    expectSameModel(model, decodeProcessedModel(good));
    // Rewrite the header JSON (the binary section moves with it; its spans are relative to it).
    const damaged = (edit: (meta: Record<string, any>) => void): Uint8Array => {
      const len = new DataView(good.buffer).getUint32(12, true);
      const meta = JSON.parse(new TextDecoder().decode(good.subarray(16, 16 + len))) as Record<string, any>;
      edit(meta);
      const json = new TextEncoder().encode(JSON.stringify(meta));
      const bin = good.subarray(Math.ceil((16 + len) / 8) * 8);
      const start = Math.ceil((16 + json.byteLength) / 8) * 8;
      const out = new Uint8Array(start + bin.byteLength);
      out.set(good.subarray(0, 12));
      new DataView(out.buffer).setUint32(12, json.byteLength, true);
      out.set(json, 16);
      out.set(bin, start);
      return out;
    };
    expectSameModel(model, decodeProcessedModel(damaged(() => undefined)));
    const cases: [(m: Record<string, any>) => void, RegExp][] = [
      [(m) => (m.batches[0].vertices = 'x'), /header field batches\.0\.vertices: expected an array/],
      [(m) => (m.batches[0].indices = [-8, 3]), /header field batches\.0\.indices: expected \[offset, length\]/],
      [(m) => (m.batches[0].color = [1, 1, 1]), /header field batches\.0\.color: expected 4 numbers, got 3/],
      [(m) => (m.index.globalIds = ['a', 7]), /header field index\.globalIds\.1: expected a string/],
      [(m) => delete m.summary.hash, /header field summary\.hash: expected a string/],
      [(m) => (m.summary.sites[0].expressID = 1.5), /header field summary\.sites\.0\.expressID: expected an integer/],
      [(m) => (m.summary.fromCache = 'no'), /header field summary\.fromCache: expected true or false/],
      [(m) => (m.storeys[0].elevation = null), /header field storeys\.0\.elevation: expected a number/],
      [(m) => delete m.index, /header field index: expected an object/],
      [(m) => (m.index.ranges = [0, 1e9]), /index\.ranges runs past the end of the file/],
    ];
    for (const [edit, message] of cases) {
      expect(() => decodeProcessedModel(damaged(edit))).toThrow(ProcessedModelCodecError);
      expect(() => decodeProcessedModel(damaged(edit))).toThrow(message);
    }
  });

  it('cache folder: TWIN_CACHE_DIR overrides the user cache default', () => {
    expect(defaultModelCacheDir({ TWIN_CACHE_DIR: '/data/models' })).toBe('/data/models');
    expect(defaultModelCacheDir({})).toMatch(/\.cache[\\/]twin-workbench[\\/]models$/);
    expect(() => new FileModelCache(dir).pathOf('../../etc/passwd')).toThrow(/not a sha256/);
  });
});
