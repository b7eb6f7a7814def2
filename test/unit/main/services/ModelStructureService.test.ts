import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ApiMessage, ModelStructureInfo } from '../../../../common/api.js';
import type { BuildingStructure } from '../../../../common/buildingStructure.js';
import type { ApiConnection } from '../../../../main/host/ApiServer.js';
import { sha256File } from '../../../../main/services/ModelService.js';
import {
  ModelStructureService,
  STRUCTURE_CACHE_FORMAT,
  threadExtractor,
  type StructureExtractor,
} from '../../../../main/services/ModelStructureService.js';
import { Workbench } from '../../../../main/services/Workbench.js';
import { extractStructureFromFile } from '../../../../workers/ifc/node/extractStructureFromFile.js';

const KIT = resolve('../shared/ifc/kit-ac20-fzk-haus-ifc4.ifc');
const HOUSE = resolve('../shared/ifc/ifcopenhouse-ifc4.ifc');
const SAMPLE = resolve('samples/testbed-complex.ifc');

/** In-process extraction (the thread entry needs the build), counting calls. */
function inProcess(): { extract: StructureExtractor; calls: string[] } {
  const calls: string[] = [];
  return { calls, extract: (path) => ((calls.push(path)), { promise: extractStructureFromFile(path), cancel: () => {} }) };
}

/** An extraction the test finishes by hand. */
function manual() {
  const jobs: { path: string; resolve: (s: BuildingStructure) => void; reject: (e: Error) => void; cancelled: boolean }[] = [];
  const extract: StructureExtractor = (path) => {
    let job!: (typeof jobs)[number];
    const promise = new Promise<BuildingStructure>((res, rej) => (job = { path, resolve: res, reject: rej, cancelled: false }));
    jobs.push(job);
    return { promise, cancel: () => { job.cancelled = true; job.reject(new Error('cancelled')); } };
  };
  return { extract, jobs };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'twin-structure-'));
const services: { dispose(): unknown }[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.dispose();
});
function service(opts: { cacheDir?: string; extract: StructureExtractor; log?: string[] }) {
  const s = new ModelStructureService({ cacheDir: opts.cacheDir ?? tmp(), extract: opts.extract, log: (_l, m) => opts.log?.push(m) });
  services.push(s);
  return s;
}

describe('ModelStructureService', () => {
  it('extracts the opened model (pending → ready), caches it by content hash, and a second session reads the cache without extracting', async () => {
    const cacheDir = tmp();
    const hash = await sha256File(KIT);
    const first = inProcess();
    const a = service({ cacheDir, extract: first.extract });
    const events: ModelStructureInfo[] = [];
    a.onChange((i) => events.push(i));
    expect(a.get()).toBeNull();
    expect(await a.ready()).toBeNull();
    a.load({ hash, path: KIT });
    expect(a.get()).toEqual({ hash, status: 'pending' });
    const s = await a.ready();
    expect(s?.storeys.map((x) => x.name)).toEqual(['Erdgeschoss', 'Dachgeschoss']);
    expect(s?.spaces.length).toBe(7);
    expect(events.map((e) => e.status)).toEqual(['pending', 'ready']);
    expect(a.get()).toMatchObject({ hash, status: 'ready', cached: false });
    const file = join(cacheDir, `${hash}.json`);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ format: STRUCTURE_CACHE_FORMAT, hash });

    const second = inProcess();
    const b = service({ cacheDir, extract: second.extract });
    b.load({ hash, path: KIT });
    expect(b.get()).toMatchObject({ status: 'ready', cached: true });
    expect((await b.ready())?.spaces.map((x) => x.longName)).toEqual(s?.spaces.map((x) => x.longName));
    expect(second.calls).toEqual([]);
    // Opening the same model again is not a new extraction.
    a.load({ hash, path: KIT });
    expect(first.calls).toEqual([KIT]);
  });

  it('treats a corrupt or older-format cache entry as a miss and rewrites it', async () => {
    const cacheDir = tmp();
    const hash = await sha256File(HOUSE);
    writeFileSync(join(cacheDir, `${hash}.json`), '{"format":1,"hash":"' + hash + '","structure":{}}');
    const log: string[] = [];
    const x = inProcess();
    const s = service({ cacheDir, extract: x.extract, log });
    s.load({ hash, path: HOUSE });
    expect(s.get()?.status).toBe('pending');
    expect((await s.ready())?.storeys.length).toBe(1);
    expect(x.calls).toEqual([HOUSE]);
    expect(log.some((l) => l.includes('not a current cache entry'))).toBe(true);
    expect(JSON.parse(readFileSync(join(cacheDir, `${hash}.json`), 'utf8')).format).toBe(STRUCTURE_CACHE_FORMAT);
  });

  it('a failing extraction is status "failed" naming the file; ready() resolves null; nothing is cached', async () => {
    const cacheDir = tmp();
    const bad = join(tmp(), 'broken.ifc');
    writeFileSync(bad, 'ISO-10303-21;\nHEADER;\nFILE_SCHEMA((\'IFC4\'));\nENDSEC;\nDATA;\n#1=IFCWALL(');
    const s = service({ cacheDir, extract: inProcess().extract });
    const events: ModelStructureInfo[] = [];
    s.onChange((e) => events.push(e));
    s.load({ hash: 'badhash', path: bad });
    expect(await s.ready()).toBeNull();
    const info = s.get();
    expect(info?.status).toBe('failed');
    expect(info?.status === 'failed' && info.error).toContain('broken.ifc');
    expect(events.map((e) => e.status)).toEqual(['pending', 'failed']);
    expect(existsSync(join(cacheDir, 'badhash.json'))).toBe(false);
  });

  it('opening another model while one is extracting cancels it; ready() waits for the newest', async () => {
    const m = manual();
    const s = service({ extract: m.extract });
    const events: ModelStructureInfo[] = [];
    s.onChange((e) => events.push(e));
    s.load({ hash: 'h1', path: '/a.ifc' });
    const waiting = s.ready();
    s.load({ hash: 'h2', path: '/b.ifc' });
    expect(m.jobs[0]!.cancelled).toBe(true);
    const structure = { storeys: [], spaces: [], doors: [] } as unknown as BuildingStructure;
    m.jobs[1]!.resolve(structure);
    expect(await waiting).toBe(structure);
    expect(events.map((e) => `${e.hash}:${e.status}`)).toEqual(['h1:pending', 'h2:pending', 'h2:ready']);
  });

  it('the worker-thread extractor reports a missing build and a crashing thread as failures, not exceptions', async () => {
    const missing = service({ extract: threadExtractor('/nonexistent/structure.js') });
    missing.load({ hash: 'h', path: KIT });
    expect(await missing.ready()).toBeNull();
    expect(missing.get()).toMatchObject({ status: 'failed', error: expect.stringContaining('npm run build') });

    const crashing = join(tmp(), 'crash.mjs');
    writeFileSync(crashing, 'throw new Error("wasm exploded");');
    const crash = service({ extract: threadExtractor(crashing) });
    crash.load({ hash: 'h', path: KIT });
    expect(await crash.ready()).toBeNull();
    expect(crash.get()).toMatchObject({ status: 'failed', error: expect.stringContaining('wasm exploded') });
  });

  it('keeps IfcMapConversion (eastings, northings, axis, CRS name) in the georeference', async () => {
    const s = await extractStructureFromFile(SAMPLE);
    expect(s.georeference).toMatchObject({ lat: expect.closeTo(35.5494, 4), lon: expect.closeTo(139.7798, 4) });
    expect(s.georeference?.mapConversion).toEqual({
      crs: 'EPSG:6677', eastings: -4853.585987, northings: -49989.929164, orthogonalHeight: 0, xAxisAbscissa: 1, xAxisOrdinate: -0.000538, scale: 1,
    });
    // No IfcMapConversion in this file: the georeference is IfcSite's alone.
    const kit = await extractStructureFromFile(KIT);
    expect(kit.georeference).toMatchObject({ lat: expect.closeTo(49.1004, 3), trueNorth: 50 });
    expect(kit.georeference?.mapConversion).toBeUndefined();
  });
});

describe('Workbench model.structure', () => {
  it('extracts when a model opens, broadcasts the model.structure event and answers the model.structure method', async () => {
    const wb = new Workbench({ mode: 'web', userData: tmp(), model: KIT, extractStructure: inProcess().extract });
    services.push(wb);
    const texts: ApiMessage[] = [];
    const conn: ApiConnection = { id: 'p', send: (d) => { if (typeof d === 'string') texts.push(JSON.parse(d)); }, bufferedBytes: () => 0, close: () => {} };
    const page = wb.api.attach(conn);
    await wb.start();
    await wb.structure.ready();
    const events = texts.filter((m) => m.type === 'event' && m.channel === 'model.structure').map((m) => (m as { payload: ModelStructureInfo }).payload);
    expect(events.map((e) => e.status)).toEqual(['pending', 'ready']);
    expect(events[1]!.hash).toBe(wb.models.current()!.hash);
    page.onMessage(JSON.stringify({ type: 'req', id: 1, method: 'model.structure', params: {} }));
    for (let i = 0; i < 100 && !texts.some((m) => m.type === 'res'); i++) await new Promise((r) => setTimeout(r, 5));
    const res = texts.find((m) => m.type === 'res') as { ok: boolean; result: ModelStructureInfo };
    expect(res.ok).toBe(true);
    expect(res.result.status).toBe('ready');
    expect(res.result.status === 'ready' && res.result.structure.spaces.length).toBe(7);
  });
});
