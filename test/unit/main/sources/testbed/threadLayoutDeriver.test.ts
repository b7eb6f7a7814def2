/**
 * The testbed layout of a loaded model, derived in a worker thread (dist/workers/testbedLayout.js,
 * built by `npm run build`) and cached next to the structure: the same layout JSON as deriving it
 * in this thread, a cache hit on the second open, a miss when the name or format differs, and the
 * ModelStructureService flow the telemetry service relies on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BuildingStructure } from '../../../../../common/buildingStructure';
import { ModelStructureService, STRUCTURE_CACHE_FORMAT } from '../../../../../main/services/ModelStructureService';
import { threadLayoutDeriver } from '../../../../../main/sources/testbed/threadLayoutDeriver';
import { IfcEngine } from '../../../../../workers/ifc/IfcEngine';
import { extractStructure } from '../../../../../workers/ifc/structure/extractStructure';
import { deriveTestbedLayout, TESTBED_LAYOUT_CACHE_FORMAT, type DerivedTestbedLayout } from '../../../../../workers/testbed/deriveTestbedLayout';

const root = resolve(__dirname, '../../../../..');
const KIT = join(root, '..', 'shared', 'ifc', 'kit-ac20-fzk-haus-ifc4.ifc');
const engine = new IfcEngine();
let kit: BuildingStructure;

beforeAll(async () => {
  await engine.init(join(root, 'node_modules', 'web-ifc') + '/');
  const { modelID } = engine.open(new Uint8Array(readFileSync(KIT)), KIT);
  try {
    kit = extractStructure(engine.api, modelID);
  } finally {
    engine.close(modelID);
  }
});
afterAll(() => engine.dispose());

const derive = threadLayoutDeriver();
const run = (structure: BuildingStructure, name: string, cacheFile: string | null) =>
  derive({ structure, name, hash: 'h-kit', cacheFile, structureFormat: STRUCTURE_CACHE_FORMAT }).promise;
const layoutJson = (r: DerivedTestbedLayout) => (r.ok ? JSON.stringify({ layout: r.layout, notes: r.notes }) : `error: ${r.error}`);

describe('threadLayoutDeriver', () => {
  it('gives the same layout JSON as deriving in this thread, and reads it back from the cache', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'twin-tb-layout-')), 'h-kit.testbed-layout.json');
    const here = deriveTestbedLayout(kit, 'house.ifc');
    expect(here.ok && here.layout?.storeys.map((s) => s.name)).toEqual(['Erdgeschoss', 'Dachgeschoss']);
    const first = await run(kit, 'house.ifc', file);
    expect(first.cached).toBe(false);
    expect(layoutJson(first)).toBe(layoutJson(here));
    const envelope = JSON.parse(readFileSync(file, 'utf8')) as { format: number; hash: string; name: string };
    expect([envelope.format, envelope.hash, envelope.name]).toEqual([TESTBED_LAYOUT_CACHE_FORMAT, 'h-kit', 'house.ifc']);
    const second = await run(kit, 'house.ifc', file);
    expect(second.cached).toBe(true);
    expect(layoutJson(second)).toBe(layoutJson(here));
    // Same content under another file name: a miss (the layout is named after the file), derived again.
    const renamed = await run(kit, 'renamed.ifc', file);
    expect(renamed.cached).toBe(false);
    expect(renamed.ok && renamed.layout?.name).toBe('renamed.ifc');
    // An older format or a corrupt file is a miss, never an error.
    writeFileSync(file, JSON.stringify({ ...envelope, format: TESTBED_LAYOUT_CACHE_FORMAT - 1 }));
    expect((await run(kit, 'house.ifc', file)).cached).toBe(false);
    writeFileSync(file, '{"format": 1, "result": ');
    const rebuilt = await run(kit, 'house.ifc', file);
    expect([rebuilt.cached, layoutJson(rebuilt)]).toEqual([false, layoutJson(here)]);
  });

  it('answers a model with nothing walkable with the reason (cached too), and a missing thread file by name', async () => {
    const empty: BuildingStructure = { ...kit, spaces: [], storeys: kit.storeys.map((s) => ({ ...s, walkable: [], walkableArea: 0, walkableSource: 'none' as const })) };
    const file = join(mkdtempSync(join(tmpdir(), 'twin-tb-layout-')), 'h-void.testbed-layout.json');
    const r = await run(empty, 'void.ifc', file);
    expect(r.ok).toBe(false);
    expect(layoutJson(r)).toMatch(/void\.ifc: no storey has walkable area/);
    expect((await run(empty, 'void.ifc', file)).cached).toBe(true);
    const missing = await threadLayoutDeriver('/nonexistent/testbedLayout.js')({ structure: kit, name: 'x.ifc', hash: 'h', cacheFile: null, structureFormat: 1 }).promise;
    expect(missing.ok ? '' : missing.error).toMatch(/\/nonexistent\/testbedLayout\.js is missing/);
  });
});

describe('ModelStructureService.testbedLayout', () => {
  it('derives on first request in a thread, announces it, then answers from memory; another model cancels it', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'twin-tb-structure-'));
    const service = new ModelStructureService({ cacheDir, log: () => {}, extract: () => ({ promise: Promise.resolve(kit), cancel: () => {} }) });
    try {
      expect(service.testbedLayout('house.ifc')).toBeNull(); // no model
      service.load({ hash: 'h-kit', path: KIT });
      await service.ready();
      const announced = new Promise<[string, DerivedTestbedLayout]>((r) => service.onTestbedLayout((h, d) => r([h, d])));
      expect(service.testbedLayout('house.ifc')).toBeNull(); // being derived
      const [hash, result] = await announced;
      expect(hash).toBe('h-kit');
      expect(layoutJson(result)).toBe(layoutJson(deriveTestbedLayout(kit, 'house.ifc')));
      expect(service.testbedLayout('house.ifc')).toBe(result);
      expect(readFileSync(service.layoutCacheFile('h-kit'), 'utf8')).toContain('"name":"house.ifc"');
      // Another model while its layout is pending: the pending one never announces.
      const seen: string[] = [];
      service.onTestbedLayout((h) => seen.push(h));
      service.load({ hash: 'h-other', path: KIT });
      await service.ready();
      expect(service.testbedLayout('other.ifc')).toBeNull();
      service.load({ hash: 'h-third', path: KIT });
      await service.ready();
      expect(service.testbedLayout('third.ifc')).toBeNull();
      for (let i = 0; i < 500 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(seen).toEqual(['h-third']);
    } finally {
      service.dispose();
    }
  });
});
