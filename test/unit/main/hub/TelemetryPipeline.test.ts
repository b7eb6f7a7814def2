import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../../common/api.js';
import type { BuildingStructure, PlanMultiPolygon } from '../../../../common/buildingStructure.js';
import { buildingToWgs84 } from '../../../../common/georeference.js';
import type { AlertRecord, PositionRecord, TelemetryRecord } from '../../../../common/records.js';
import type { Source } from '../../../../common/source.js';
import { ApiServer } from '../../../../main/host/ApiServer.js';
import { TelemetryPipeline } from '../../../../main/hub/TelemetryPipeline.js';
import { ModelStructureService, type StructureExtractor } from '../../../../main/services/ModelStructureService.js';
import { TelemetryService } from '../../../../main/services/TelemetryService.js';
import { inMultiPolygon } from '../../../../main/sources/placeBeaconsOnStructure.js';
import { registerSourceFactory } from '../../../../main/sources/sourceUri.js';
import { extractStructureFromFile } from '../../../../workers/ifc/node/extractStructureFromFile.js';
import { layoutFromStructure } from '../../../../workers/testbed/layoutFromStructure.js';
import type { TestbedLayout } from '../../../../common/testbedLayout.js';
import { expectedRssi } from '../../../../workers/positioning/pathLoss.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScriptedSource } from '../../../helpers/scriptedSource.js';

const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);


let kit: BuildingStructure;
let house: BuildingStructure;
beforeAll(async () => {
  kit = await extractStructureFromFile(resolve('../shared/ifc/kit-ac20-fzk-haus-ifc4.ifc'));
  house = await extractStructureFromFile(resolve('../shared/ifc/ifcopenhouse-ifc4.ifc'));
});

const pipelines: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const p of pipelines.splice(0)) await p.stop();
});
function pipeline(source: Source, structure: BuildingStructure | null) {
  const p = new TelemetryPipeline({ source, record: null, structure, settings: DEFAULT_SETTINGS, pseudonymise: false });
  pipelines.push(p);
  return p;
}
const activeCrowding = (p: TelemetryPipeline) => p.hub.alerts.list().filter((a) => a.code === 'crowding').map((a) => a.entity).sort();

/** Deterministic points inside a storey's walkable area (a Halton sequence over its bounds). */
function walkablePoints(walkable: PlanMultiPolygon, n: number): [number, number][] {
  const xs = walkable.flatMap((p) => p[0]!.map((q) => q[0]));
  const ys = walkable.flatMap((p) => p[0]!.map((q) => q[1]));
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const halton = (i: number, b: number) => { let f = 1, r = 0; for (; i > 0; i = Math.floor(i / b)) { f /= b; r += f * (i % b); } return r; };
  const out: [number, number][] = [];
  for (let i = 1; out.length < n && i < 10_000; i++) {
    const x = minX + (maxX - minX) * halton(i, 2), y = minY + (maxY - minY) * halton(i, 3);
    if (inMultiPolygon(x, y, walkable)) out.push([x, y]);
  }
  return out;
}

/** Distance from (x, y) to the walkable area (0 inside). */
function distanceToWalkable(x: number, y: number, walkable: PlanMultiPolygon): number {
  if (inMultiPolygon(x, y, walkable)) return 0;
  let best = Infinity;
  for (const poly of walkable) for (const ring of poly) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [ax, ay] = ring[j]!, [bx, by] = ring[i]!;
      const dx = bx - ax, dy = by - ay;
      const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy || 1)));
      best = Math.min(best, Math.hypot(x - ax - t * dx, y - ay - t * dy));
    }
  }
  return best;
}

describe('TelemetryPipeline on a loaded model (no source layout)', () => {
  it('raises a crowding alert in an IFC space named as counters name it (LongName, storey-LongName, GlobalId), not below the threshold', async () => {
    const src = new ScriptedSource();
    const p = pipeline(src, kit);
    await p.start();
    const kitchen = kit.spaces.find((s) => s.longName === 'Küche')!;
    const bath = kit.spaces.find((s) => s.longName === 'Bad')!;
    // 2.17 P/m² is the limit: the 16.3 m² kitchen with 40 people is over, the 12.5 m² bath with 2 is not.
    await src.send([
      { kind: 'count', record: { zone: 'Erdgeschoss-Küche', t: T0, count: 40 } },
      { kind: 'count', record: { zone: 'Bad', t: T0, count: 2 } },
      { kind: 'count', record: { zone: kit.spaces.find((s) => s.longName === 'Galerie')!.globalId, t: T0, count: 300 } },
    ]);
    expect(activeCrowding(p)).toEqual(['Erdgeschoss-Küche', kit.spaces.find((s) => s.longName === 'Galerie')!.globalId].sort());
    const alert = p.hub.alerts.list().find((a) => a.entity === 'Erdgeschoss-Küche')!;
    expect(alert.message).toContain(`${kitchen.area.toFixed(0)} m²`);
    // a zone counted by GlobalId is named in the message by its room and storey, not by the 22-character id
    const galerie = kit.spaces.find((s) => s.longName === 'Galerie')!;
    const byId = p.hub.alerts.list().find((a) => a.entity === galerie.globalId)!;
    expect(byId.message).toMatch(new RegExp(`^${galerie.name} Galerie \\(Dachgeschoss\\): \\d+\\.\\d\\d P/m²`));
    expect(bath.area).toBeGreaterThan(10);
    await src.send([{ kind: 'count', record: { zone: 'Erdgeschoss-Küche', t: T0 + 60_000, count: 3 } }]);
    expect(activeCrowding(p)).not.toContain('Erdgeschoss-Küche');
  });

  it('places WGS84 records in the building frame with the model georeference (true north 50°), on the entrance storey', async () => {
    const src = new ScriptedSource('ngsi-ld:http://scripted');
    const p = pipeline(src, kit);
    const recorded: TelemetryRecord[] = [];
    p.hub.onRecords((b) => recorded.push(...b));
    await p.start();
    const [lat, lon] = buildingToWgs84(kit.georeference!, 5, 3);
    await src.send([
      { kind: 'state', record: { id: 'bus-1', kind: 'bus', t: T0, lat, lon } },
      { kind: 'state', record: { id: 'robot-1', kind: 'robot', t: T0, floor: 'Dachgeschoss', x: 1, y: 2, lat, lon } },
    ]);
    const bus = p.hub.entity('bus-1')!.latest;
    expect(bus.x).toBeCloseTo(5, 2);
    expect(bus.y).toBeCloseTo(3, 2);
    expect(bus.floor).toBe('Erdgeschoss');
    expect(bus.lat).toBe(lat);
    expect(p.hub.entity('robot-1')!.latest).toMatchObject({ x: 1, y: 2, floor: 'Dachgeschoss' });
    // What the recorder gets carries x/y too.
    expect(recorded.find((r) => r.kind === 'state' && r.record.id === 'bus-1')).toMatchObject({ record: { x: expect.closeTo(5, 2), y: expect.closeTo(3, 2) } });
  });

  it('a structure that arrives after the source started applies from then on: model beacons position scans inside the walkable map, the storey is a crowding zone, nothing is lost', async () => {
    const src = new ScriptedSource();
    const p = pipeline(src, null);
    const positions: PositionRecord[] = [];
    const recorded: TelemetryRecord[] = [];
    p.hub.onRecords((b) => {
      recorded.push(...b);
      for (const r of b) if (r.kind === 'position') positions.push(r.record);
    });
    await p.start();
    const storey = house.storeys[0]!;
    expect(house.spaces).toEqual([]); // ifcopenhouse has no IfcSpace: its storey is the zone
    await src.send([{ kind: 'count', record: { zone: storey.name, t: T0, count: 500 } }]);
    expect(p.beacons()).toBeNull();
    expect(activeCrowding(p)).toEqual([]);

    p.setStructure(house);
    const registry = p.beacons()!;
    expect(registry.beacons.length).toBeGreaterThanOrEqual(1);
    const truth = walkablePoints(storey.walkable, 12);
    expect(truth.length).toBe(12);
    const scans = (k: number): TelemetryRecord[] =>
      truth.map(([x, y], d) => ({
        kind: 'scan',
        record: {
          device: `tag-${d}`,
          t: T0 + 1000 * (k + 1),
          rssi: Object.fromEntries(registry.beacons.map((b) => [b.id, Math.round(expectedRssi(b.txPower, Math.hypot(b.x - x, b.y - y, 1.6), 2.5))])),
        },
      }));
    for (let k = 0; k < 8; k++) await src.send(scans(k));
    expect(positions.length).toBeGreaterThanOrEqual(12 * 6);
    for (const pos of positions) {
      expect(pos.floor).toBe(storey.name);
      expect(distanceToWalkable(pos.x!, pos.y!, storey.walkable)).toBeLessThanOrEqual(0.5);
    }
    // Crowding: 500 people on the storey's walkable area is far over 2.17 P/m².
    await src.send([{ kind: 'count', record: { zone: storey.name, t: T0 + 20_000, count: Math.ceil(storey.walkableArea * 3) } }]);
    expect(activeCrowding(p)).toEqual([storey.name]);
    expect(recorded.filter((r) => r.kind === 'count').length).toBe(2);
    expect(recorded.filter((r) => r.kind === 'scan').length).toBe(12 * 8);
    // Another model: its beacons and walkable map replace the first model's.
    p.setStructure(kit);
    expect(p.beacons()!.beacons.map((b) => b.floor)).toContain('Erdgeschoss');
    const before = positions.length;
    const [x, y] = walkablePoints(kit.storeys[0]!.walkable, 1)[0]!;
    await src.send([{ kind: 'scan', record: { device: 'tag-kit', t: T0 + 30_000, rssi: Object.fromEntries(p.beacons()!.beacons.map((b) => [b.id, Math.round(expectedRssi(-59, Math.hypot(b.x - x, b.y - y, 1.6), 2.5))])) } }]);
    expect(positions.slice(before).map((q) => q.floor)).toEqual(['Erdgeschoss']);
  });

  it('positions people from scans with the beacons placed on a model with rooms (KIT FZK-Haus), on the right storey and near the truth', async () => {
    const src = new ScriptedSource();
    const p = pipeline(src, kit);
    await p.start();
    const registry = p.beacons()!;
    const ground = kit.storeys[0]!;
    expect(registry.beacons.filter((b) => b.floor === ground.name).length).toBeGreaterThanOrEqual(6);
    const truth = walkablePoints(ground.walkable, 10);
    for (let k = 0; k < 10; k++) {
      await src.send(truth.map(([x, y], d) => ({
        kind: 'scan' as const,
        record: {
          device: `tag-${d}`,
          t: T0 + 1000 * (k + 1),
          // Beacons of the floor above are heard through the slab, 15 dB weaker.
          rssi: Object.fromEntries(registry.beacons.map((b) => [b.id, Math.round(expectedRssi(b.txPower, Math.hypot(b.x - x, b.y - y, b.floor === ground.name ? 1.6 : 4.3), 2.5) - (b.floor === ground.name ? 0 : 15))]).filter(([, r]) => (r as number) > -95)),
        },
      })));
    }
    const errors = truth.map(([x, y], d) => {
      const pos = p.hub.position(`tag-${d}`)!;
      expect(pos.floor).toBe(ground.name);
      expect(distanceToWalkable(pos.x!, pos.y!, ground.walkable)).toBeLessThanOrEqual(0.5);
      return Math.hypot(pos.x! - x, pos.y! - y);
    });
    const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
    expect(mean).toBeLessThan(2.5);
  });
});

describe('TelemetryPipeline with the testbed running on a loaded model (its layout from the model)', () => {
  it('a crowding alert in a space the testbed counts under its GlobalId names the room and storey, not the id', async () => {
    const layout: TestbedLayout = layoutFromStructure(kit, 'kit');
    // The testbed as the pipeline sees it: a source with its own layout.
    const src = Object.assign(new ScriptedSource('testbed:'), { layout });
    const p = pipeline(src, kit);
    await p.start();
    const galerie = kit.spaces.find((s) => s.longName === 'Galerie')!;
    expect(layout.spaces.some((sp) => sp.id === galerie.globalId)).toBe(true);
    await src.send([{ kind: 'count', record: { zone: galerie.globalId, t: T0, count: 300 } }]);
    const alert = p.hub.alerts.list().find((a) => a.code === 'crowding' && a.entity === galerie.globalId)!;
    // Before: "3Ep…: 5.12 P/m² (…)", the 22-character GlobalId (office-a, duplex, FZK-Haus with the default testbed source).
    expect(alert.message).toMatch(new RegExp(`^${galerie.name} Galerie \\(Dachgeschoss\\): \\d+\\.\\d\\d P/m²`));
    expect(alert.message).not.toContain(galerie.globalId);
  });
});

describe('TelemetryService + ModelStructureService', () => {
  it('hands a structure that becomes ready after connect to the running pipeline, and takes it away when another model opens', async () => {
    let last: ScriptedSource | null = null;
    registerSourceFactory('ngsi-ld', (uri) => (last = new ScriptedSource(uri)));
    const jobs: ((s: BuildingStructure) => void)[] = [];
    const extract: StructureExtractor = () => ({ promise: new Promise((r) => jobs.push(r)), cancel: () => {} });
    const structure = new ModelStructureService({ cacheDir: mkdtempSync(join(tmpdir(), 'twin-ps-')), log: () => {}, extract });
    const api = new ApiServer();
    const alerts: AlertRecord[] = [];
    const service = new TelemetryService({ api, log: () => {}, settings: () => DEFAULT_SETTINGS, model: () => null, recordDir: null, structure });
    try {
      structure.load({ hash: 'kit', path: '/kit.ifc' });
      await service.connect('ngsi-ld:http://scripted');
      service.current()!.hub.onAlert((a) => alerts.push(a));
      const src = last!;
      await src.send([{ kind: 'count', record: { zone: 'Küche', t: T0, count: 40 } }]);
      expect(alerts).toEqual([]);
      jobs[0]!(kit);
      await structure.ready();
      await src.send([{ kind: 'count', record: { zone: 'Küche', t: T0 + 1000, count: 41 } }]);
      expect(alerts.map((a) => `${a.code}:${a.entity}:${a.active}`)).toEqual(['crowding:Küche:true']);
      expect(service.current()!.beacons()!.beacons.length).toBeGreaterThan(0);
      structure.load({ hash: 'other', path: '/other.ifc' });
      expect(service.current()!.beacons()).toBeNull();
    } finally {
      await service.dispose();
      structure.dispose();
    }
  });
});
