/**
 * `testbed:` on the session model: the source runs on the model's building (the sample and "no
 * model" on the built-in one), and the telemetry service restarts it there when the model's
 * structure arrives after the source started.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../../../common/api';
import type { BuildingStructure } from '../../../../../common/buildingStructure';
import type { SourceStatus } from '../../../../../common/source';
import { ApiServer } from '../../../../../main/host/ApiServer';
import { ModelStructureService } from '../../../../../main/services/ModelStructureService';
import { TelemetryService } from '../../../../../main/services/TelemetryService';
import { SourceUriError } from '../../../../../main/sources/sourceUri';
import { layoutCapacity, TestbedSource } from '../../../../../main/sources/testbed/TestbedSource';
import { createTestbedSourceForModel, testbedLayoutChanged, testbedLayoutKey, type TestbedModel } from '../../../../../main/sources/testbed/testbedSourceForModel';
import { UnavailableTestbedSource } from '../../../../../main/sources/testbed/UnavailableTestbedSource';
import { IfcEngine } from '../../../../../workers/ifc/IfcEngine';
import { extractStructure } from '../../../../../workers/ifc/structure/extractStructure';

const root = resolve(__dirname, '../../../../..');
const KIT = join(root, '..', 'shared', 'ifc', 'kit-ac20-fzk-haus-ifc4.ifc');
const SAMPLE = join(root, 'samples', 'testbed-complex.ifc');
const engine = new IfcEngine();
let kit: BuildingStructure;
let sample: BuildingStructure;

function load(path: string): BuildingStructure {
  const { modelID } = engine.open(new Uint8Array(readFileSync(path)), path);
  try {
    return extractStructure(engine.api, modelID);
  } finally {
    engine.close(modelID);
  }
}

beforeAll(async () => {
  await engine.init(join(root, 'node_modules', 'web-ifc') + '/');
  kit = load(KIT);
  sample = load(SAMPLE);
});
afterAll(() => engine.dispose());

const URI = 'testbed:?robots=6&tags=30&beacons=40&seed=2&speed=1';

/** createTestbedSourceForModel where there is a building to run on: the simulator itself. */
function testbedOn(uri: string, model: TestbedModel | null): TestbedSource {
  const s = createTestbedSourceForModel(uri, model);
  if (!(s instanceof TestbedSource)) throw new Error(`expected a running testbed, got ${s.layoutKey}`);
  return s;
}

describe('createTestbedSourceForModel', () => {
  it('runs on the model’s building, on the built-in one for the sample or no model, and names a bad URI', () => {
    const onKit = testbedOn(URI, { structure: kit, name: 'house.ifc', hash: 'h-kit' });
    expect(onKit.layout.name).toBe('house.ifc');
    expect(onKit.layout.storeys.map((s) => s.name)).toEqual(['Erdgeschoss', 'Dachgeschoss']);
    expect(onKit.layoutKey).toBe('model:h-kit');
    // The default 60 units do not fit a 200 m² house either: one indoor robot per 15 m², and the bus.
    const cap = layoutCapacity(onKit.layout);
    const defaults = testbedOn('testbed:?tags=10&beacons=10', { structure: kit, name: 'house.ifc', hash: 'h-kit' });
    expect(defaults.robotZones()).toHaveLength(cap.robots);
    expect(cap.robots).toBeLessThan(20);
    expect(defaults.notes.join(' ')).toMatch(/60 mobile units capped/);
    const onSample = testbedOn(URI, { structure: sample, name: 'testbed-complex.ifc', hash: 'h-s' });
    const builtIn = testbedOn(URI, null);
    expect(onSample.layout).toEqual(builtIn.layout);
    expect(onSample.layoutKey).toBe('built-in:3x6');
    expect(builtIn.layoutKey).toBe('built-in:3x6');
    // Not extracted yet: built-in for now, and a restart is due once it is.
    const pending = testbedOn(URI, { structure: null, name: 'house.ifc', hash: 'h-kit' });
    expect(pending.layout.name).toBe('Testbed Complex');
    expect(testbedLayoutChanged(pending, { structure: kit, name: 'house.ifc', hash: 'h-kit' })).toBe(true);
    expect(testbedLayoutChanged(pending, { structure: sample, name: 'testbed-complex.ifc', hash: 'h-s' })).toBe(false);
    expect(testbedLayoutChanged(onKit, { structure: kit, name: 'house.ifc', hash: 'h-kit' })).toBe(false);
    expect(testbedLayoutKey(null, { storeys: 2, rooms: 4 })).toBe('built-in:2x4');
    expect(() => createTestbedSourceForModel('testbed:?robots=lots', null)).toThrow(SourceUriError);
    expect(() => createTestbedSourceForModel('testbed:?robots=lots', null)).toThrow(/robots/);
  });

  it('runs no testbed (and no built-in crowd) on a model with nothing walkable: the source is in error saying why, until a walkable model opens', async () => {
    const empty: BuildingStructure = { ...kit, spaces: [], storeys: kit.storeys.map((s) => ({ ...s, walkable: [], walkableArea: 0, walkableSource: 'none' as const })) };
    const voidModel: TestbedModel = { structure: empty, name: 'void.ifc', hash: 'h-void' };
    const lines: string[] = [];
    const s = createTestbedSourceForModel(URI, voidModel, (_l, m) => lines.push(m));
    expect(s).toBeInstanceOf(UnavailableTestbedSource);
    expect(s.layoutKey).toBe('unavailable:h-void');
    expect('layout' in s).toBe(false); // no building: the pipeline places nobody
    const statuses: SourceStatus[] = [];
    const batches: number[] = [];
    await s.start({ onBatch: (b) => void batches.push(b.length), onStatus: (st) => void statuses.push(st) });
    expect(statuses.map((st) => st.state)).toEqual(['error']);
    expect(s.status().detail).toMatch(/^cannot run on void\.ifc: it has no walkable structure — no storey has walkable area.*; open a model with walkable storeys, or the sample/);
    expect(lines.join('\n')).toMatch(/testbed: cannot run on void\.ifc/);
    await new Promise((r) => setTimeout(r, 250));
    expect(batches).toEqual([]);
    // Still the same void model: nothing to restart; the sample or a walkable model: restart on it.
    expect(testbedLayoutChanged(s, voidModel)).toBe(false);
    expect(testbedLayoutChanged(s, { structure: sample, name: 'testbed-complex.ifc', hash: 'h-s' })).toBe(true);
    expect(testbedLayoutChanged(s, { structure: kit, name: 'house.ifc', hash: 'h-kit' })).toBe(true);
    await s.stop();
    expect(s.status().state).toBe('stopped');
  });
});

/** Waits up to 10 s for `ok`, naming `what` if it never comes. */
async function until(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!ok()) throw new Error(`timed out waiting for ${what}`);
}

describe('TelemetryService with a model', () => {
  it('starts testbed: before the structure is ready, then restarts it on the model’s building', async () => {
    let release!: (s: BuildingStructure) => void;
    const structure = new ModelStructureService({
      cacheDir: mkdtempSync(join(tmpdir(), 'twin-tb-structure-')),
      log: () => {},
      extract: () => ({ promise: new Promise<BuildingStructure>((r) => (release = r)), cancel: () => {} }),
    });
    const api = new ApiServer(() => {});
    const logs: string[] = [];
    const service = new TelemetryService({
      api, log: (_l, m) => logs.push(m), settings: () => ({ ...DEFAULT_SETTINGS }), model: () => ({ name: 'house.ifc', hash: 'h-kit' }),
      recordDir: null, structure,
    });
    try {
      structure.load({ hash: 'h-kit', path: KIT });
      await service.connect(URI);
      const first = service.current()!.source as TestbedSource;
      expect(first.layout.name).toBe('Testbed Complex');
      release(kit);
      let now: TestbedSource = first;
      for (let i = 0; i < 400 && now === first; i++) {
        await new Promise((r) => setTimeout(r, 10));
        now = (service.current()?.source as TestbedSource | undefined) ?? first;
      }
      expect(now).not.toBe(first);
      expect(now.layout.name).toBe('house.ifc');
      expect(now.layout.storeys.map((s) => s.name)).toEqual(['Erdgeschoss', 'Dachgeschoss']);
      expect(now.uri).toBe(URI);
      // The service swaps the pipeline in before the new source has started: wait for it to go live.
      for (let i = 0; i < 400 && now.status().state !== 'live'; i++) await new Promise((r) => setTimeout(r, 10));
      expect(now.status().state).toBe('live');
      expect(logs.join('\n')).toMatch(/testbed: running on house\.ifc: 2 storeys/);
    } finally {
      await service.dispose();
      structure.dispose();
    }
  });

  it('on a model with nothing walkable runs no testbed and raises one source alert saying why; a walkable model brings the testbed back', async () => {
    const empty: BuildingStructure = { ...kit, spaces: [], doors: [], storeys: kit.storeys.map((s) => ({ ...s, walkable: [], walkableArea: 0, walkableSource: 'none' as const })) };
    const structures = new Map<string, BuildingStructure>([['void.ifc', empty], ['house.ifc', kit]]);
    const structure = new ModelStructureService({
      cacheDir: mkdtempSync(join(tmpdir(), 'twin-tb-void-')),
      log: () => {},
      extract: (path) => ({ promise: Promise.resolve(structures.get(path)!), cancel: () => {} }),
    });
    const api = new ApiServer(() => {});
    let model = { name: 'void.ifc', hash: 'h-void' };
    const service = new TelemetryService({ api, log: () => {}, settings: () => ({ ...DEFAULT_SETTINGS }), model: () => model, recordDir: null, structure });
    try {
      structure.load({ hash: 'h-void', path: 'void.ifc' });
      await service.connect(URI);
      // The built-in building runs only until the model's layout is known to be impossible.
      await until(() => service.current()?.source instanceof UnavailableTestbedSource, 'the testbed to give up on void.ifc');
      const p = service.current()!;
      await until(() => p.sourceStatus().state === 'error', 'the error state');
      expect(p.sourceStatus().detail).toMatch(/cannot run on void\.ifc: it has no walkable structure/);
      p.hub.tick();
      expect(p.hub.alerts.list().map((a) => [a.code, a.severity, a.message])).toEqual([
        ['connection-lost', 'critical', expect.stringMatching(/^testbed:\?.*: cannot run on void\.ifc: it has no walkable structure/)],
      ]);
      await new Promise((r) => setTimeout(r, 300));
      p.hub.tick();
      expect(p.sourceStatus().accepted).toBe(0); // nobody placed over the model
      // The user opens a model with walkable storeys: the testbed runs on it.
      model = { name: 'house.ifc', hash: 'h-kit' };
      structure.load({ hash: 'h-kit', path: 'house.ifc' });
      await until(() => service.current()?.source instanceof TestbedSource && (service.current()!.source as TestbedSource).layoutKey === 'model:h-kit', 'the testbed on house.ifc');
      const now = service.current()!;
      await until(() => now.sourceStatus().state === 'live', 'the testbed to go live');
      expect((now.source as TestbedSource).layout.name).toBe('house.ifc');
    } finally {
      await service.dispose();
      structure.dispose();
    }
  });
  it('on a model whose structure cannot be read runs no testbed (it kept the previous model’s building), saying why', async () => {
    const structure = new ModelStructureService({
      cacheDir: mkdtempSync(join(tmpdir(), 'twin-tb-broken-')),
      log: () => {},
      extract: (path) => ({ promise: path === 'house.ifc' ? Promise.resolve(kit) : Promise.reject(new Error('mislabelled.ifc: web-ifc could not read its spatial structure (the file says IFC2X3)')), cancel: () => {} }),
    });
    const api = new ApiServer(() => {});
    let model = { name: 'house.ifc', hash: 'h-kit' };
    const service = new TelemetryService({ api, log: () => {}, settings: () => ({ ...DEFAULT_SETTINGS }), model: () => model, recordDir: null, structure });
    try {
      structure.load({ hash: 'h-kit', path: 'house.ifc' });
      await service.connect(URI);
      await until(() => (service.current()?.source as TestbedSource | undefined)?.layoutKey === 'model:h-kit', 'the testbed on house.ifc');
      model = { name: 'mislabelled.ifc', hash: 'h-bad' };
      structure.load({ hash: 'h-bad', path: 'mislabelled.ifc' });
      await until(() => service.current()?.source instanceof UnavailableTestbedSource, 'the testbed to give up on mislabelled.ifc');
      const p = service.current()!;
      await until(() => p.sourceStatus().state === 'error', 'the error state');
      expect(p.sourceStatus().detail).toBe('cannot run on mislabelled.ifc: its building structure could not be read — web-ifc could not read its spatial structure (the file says IFC2X3); open a model with walkable storeys, or the sample, to run it');
      // Back on a readable model: the testbed runs on it again.
      model = { name: 'house.ifc', hash: 'h-kit' };
      structure.load({ hash: 'h-kit', path: 'house.ifc' });
      await until(() => (service.current()?.source as TestbedSource | undefined)?.layoutKey === 'model:h-kit', 'the testbed back on house.ifc');
    } finally {
      await service.dispose();
      structure.dispose();
    }
  });
});
