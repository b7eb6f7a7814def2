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
import { ApiServer } from '../../../../../main/host/ApiServer';
import { ModelStructureService } from '../../../../../main/services/ModelStructureService';
import { TelemetryService } from '../../../../../main/services/TelemetryService';
import { SourceUriError } from '../../../../../main/sources/sourceUri';
import { layoutCapacity, TestbedSource } from '../../../../../main/sources/testbed/TestbedSource';
import { createTestbedSourceForModel, testbedLayoutChanged, testbedLayoutKey } from '../../../../../main/sources/testbed/testbedSourceForModel';
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

describe('createTestbedSourceForModel', () => {
  it('runs on the model’s building, on the built-in one for the sample or no model, and names a bad URI', () => {
    const onKit = createTestbedSourceForModel(URI, { structure: kit, name: 'house.ifc', hash: 'h-kit' });
    expect(onKit.layout.name).toBe('house.ifc');
    expect(onKit.layout.storeys.map((s) => s.name)).toEqual(['Erdgeschoss', 'Dachgeschoss']);
    expect(onKit.layoutKey).toBe('model:h-kit');
    // The default 60 units do not fit a 200 m² house either: one indoor robot per 15 m², and the bus.
    const cap = layoutCapacity(onKit.layout);
    const defaults = createTestbedSourceForModel('testbed:?tags=10&beacons=10', { structure: kit, name: 'house.ifc', hash: 'h-kit' });
    expect(defaults.robotZones()).toHaveLength(cap.robots);
    expect(cap.robots).toBeLessThan(20);
    expect(defaults.notes.join(' ')).toMatch(/60 mobile units capped/);
    const onSample = createTestbedSourceForModel(URI, { structure: sample, name: 'testbed-complex.ifc', hash: 'h-s' });
    const builtIn = createTestbedSourceForModel(URI, null);
    expect(onSample.layout).toEqual(builtIn.layout);
    expect(onSample.layoutKey).toBe('built-in:3x6');
    expect(builtIn.layoutKey).toBe('built-in:3x6');
    // Not extracted yet: built-in for now, and a restart is due once it is.
    const pending = createTestbedSourceForModel(URI, { structure: null, name: 'house.ifc', hash: 'h-kit' });
    expect(pending.layout.name).toBe('Testbed Complex');
    expect(testbedLayoutChanged(pending, { structure: kit, name: 'house.ifc', hash: 'h-kit' })).toBe(true);
    expect(testbedLayoutChanged(pending, { structure: sample, name: 'testbed-complex.ifc', hash: 'h-s' })).toBe(false);
    expect(testbedLayoutChanged(onKit, { structure: kit, name: 'house.ifc', hash: 'h-kit' })).toBe(false);
    expect(testbedLayoutKey(null, { storeys: 2, rooms: 4 })).toBe('built-in:2x4');
    expect(() => createTestbedSourceForModel('testbed:?robots=lots', null)).toThrow(SourceUriError);
    expect(() => createTestbedSourceForModel('testbed:?robots=lots', null)).toThrow(/robots/);
  });

  it('falls back to the built-in building when nothing in the model is walkable, and says so', () => {
    const empty: BuildingStructure = { ...kit, spaces: [], storeys: kit.storeys.map((s) => ({ ...s, walkable: [], walkableArea: 0, walkableSource: 'none' as const })) };
    const lines: string[] = [];
    const s = createTestbedSourceForModel(URI, { structure: empty, name: 'void.ifc', hash: 'h-void' }, (_l, m) => lines.push(m));
    expect(s.layout.name).toBe('Testbed Complex');
    expect(lines.join('\n')).toMatch(/void\.ifc: no storey has walkable area.*built-in/);
  });
});

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
});
