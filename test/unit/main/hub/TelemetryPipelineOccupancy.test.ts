import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../../common/api.js';
import type { BuildingStructure, PlanRing } from '../../../../common/buildingStructure.js';
import type { CountRecord, TelemetryRecord } from '../../../../common/records.js';
import { buildTestbedLayout, type TestbedLayout } from '../../../../common/testbedLayout.js';
import { TelemetryPipeline } from '../../../../main/hub/TelemetryPipeline.js';
import { readMcapFile } from '../../../../main/recording/McapMessageReader.js';
import { ScriptedSource } from '../../../helpers/scriptedSource.js';

const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);


/** The testbed's shape: a layout of its own and per-space counts from ground truth. */
class LayoutSource extends ScriptedSource {
  constructor(readonly layout: TestbedLayout) {
    super('testbed:scripted');
  }
}

const rect = (x0: number, y0: number, x1: number, y1: number): PlanRing => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];

/** One storey "EG" (20 m × 10 m walkable) with room "101" / "Lab" of 2.5 m × 4 m = 10 m². */
const STRUCTURE: BuildingStructure = {
  schema: 'IFC4', lengthUnit: 1,
  storeys: [{ index: 0, expressID: 1, globalId: 'gid-EG', name: 'EG', elevation: 0, walkable: [[rect(0, 0, 20, 10)]], walkableArea: 200, obstacles: [], walkableSource: 'spaces' }],
  spaces: [
    { expressID: 2, globalId: 'gid-101', name: '101', longName: 'Lab', storey: 0, footprint: [[rect(0, 0, 2.5, 4)]], area: 10 },
    { expressID: 3, globalId: 'gid-102', name: '102', longName: 'Hall', storey: 0, footprint: [[rect(2.5, 0, 20, 10)]], area: 175 },
  ],
  doors: [], stairs: [], counts: {}, elements: 0, georeference: null, timings: { structureMs: 0, geometryMs: 0 },
};

const pipelines: TelemetryPipeline[] = [];
afterEach(async () => {
  for (const p of pipelines.splice(0)) await p.stop();
});

const pos = (id: string, t: number, x: number, y: number, floor = 'EG'): TelemetryRecord => ({ kind: 'position', record: { id, t, floor, x, y } });
const inLab = (n: number, t: number) => Array.from({ length: n }, (_, i) => pos(`tag-${i}`, t, 0.2 + (i % 5) * 0.5, 0.2 + Math.floor(i / 5) * 0.6));
const inHall = (ids: number[], t: number) => ids.map((i) => pos(`tag-${i}`, t, 5 + (i % 10), 2 + Math.floor(i / 10)));
const crowded = (p: TelemetryPipeline) => p.hub.alerts.list().filter((a) => a.code === 'crowding').map((a) => a.entity);

describe('TelemetryPipeline: counts derived from positions', () => {
  it('30 devices in a 10 m² IfcSpace: count 30 through the hub, crowding alert on, recorded on /count; they leave → count drops and the alert clears', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'occupancy-')), 'rec.mcap');
    const src = new ScriptedSource();
    const p = new TelemetryPipeline({ source: src, record: { file }, structure: STRUCTURE, settings: DEFAULT_SETTINGS, pseudonymise: false });
    pipelines.push(p);
    await p.start();
    await src.send(inLab(30, T0 + 1000));
    expect(p.hub.count('EG-Lab')).toBeUndefined(); // no complete period yet
    await src.send(inLab(30, T0 + 10_200));
    expect(p.hub.count('EG-Lab')).toEqual({ zone: 'EG-Lab', t: T0 + 10_000, count: 30 });
    expect(p.hub.count('EG')).toEqual({ zone: 'EG', t: T0 + 10_000, count: 30 }); // 0.15 P/m²: no alert
    expect(crowded(p)).toEqual(['EG-Lab']);
    expect(p.hub.alerts.list()[0]!.message).toContain('3.00 P/m²');

    // 25 walk into the hall: 5 in the lab.
    await src.send([...inLab(5, T0 + 15_000), ...inHall(Array.from({ length: 25 }, (_, i) => 5 + i), T0 + 15_000)]);
    await src.send(inLab(5, T0 + 20_100));
    expect(p.hub.count('EG-Lab')!.count).toBe(5);
    expect(p.hub.count('EG-Hall')!.count).toBe(25);
    expect(crowded(p)).toEqual([]);

    // The hall people stop reporting: 30 s later they are no longer counted.
    for (let s = 30; s <= 50; s += 10) await src.send(inLab(5, T0 + s * 1000 + 100));
    expect(p.hub.count('EG-Hall')).toEqual({ zone: 'EG-Hall', t: T0 + 50_000, count: 0 });
    expect(p.hub.count('EG')!.count).toBe(5);

    await p.stop();
    const counts: CountRecord[] = [];
    const alerts: { entity: string; active: boolean }[] = [];
    for await (const ev of readMcapFile(file)) {
      if (ev.type !== 'message') continue;
      const rec = JSON.parse(new TextDecoder().decode(ev.message.data));
      if (ev.message.channel.topic === '/count') counts.push(rec);
      if (ev.message.channel.topic === '/alert' && rec.code === 'crowding') alerts.push({ entity: rec.entity, active: rec.active });
    }
    const lab = counts.filter((c) => c.zone === 'EG-Lab');
    expect(lab.map((c) => [c.t - T0, c.count])).toEqual([[10_000, 30], [20_000, 5], [30_000, 5], [40_000, 5], [50_000, 5]]);
    expect(new Set(counts.map((c) => c.zone))).toEqual(new Set(['EG-Lab', 'EG-Hall', 'EG']));
    expect(alerts).toEqual([{ entity: 'EG-Lab', active: true }, { entity: 'EG-Lab', active: false }]);
  });

  it('a testbed-like source that counts its own spaces gets no derived duplicates; only the spaces it does not count are derived', async () => {
    const layout = buildTestbedLayout({ storeys: 1, roomsPerSide: 2 });
    const src = new LayoutSource(layout);
    const p = new TelemetryPipeline({ source: src, record: null, settings: DEFAULT_SETTINGS, pseudonymise: false });
    pipelines.push(p);
    const seen: CountRecord[] = [];
    p.hub.onRecords((b) => { for (const r of b) if (r.kind === 'count') seen.push(r.record); });
    await p.start();
    const [counted, ...others] = layout.spaces;
    const uncounted = others[0]!;
    const inside = (sp: typeof counted, n: number, t: number) => {
      const xs = sp!.polygon.map((q) => q[0]), ys = sp!.polygon.map((q) => q[1]);
      const cx = (Math.min(...xs) + Math.max(...xs)) / 2, cy = (Math.min(...ys) + Math.max(...ys)) / 2;
      return Array.from({ length: n }, (_, i) => pos(`${sp!.id}-p${i}`, t, cx + (i % 3) * 0.1, cy + Math.floor(i / 3) * 0.1, '1F'));
    };
    for (let s = 0; s <= 30; s += 10) {
      await src.send([
        ...inside(counted, 6, T0 + s * 1000 + 500),
        ...inside(uncounted, 4, T0 + s * 1000 + 500),
        // The source counts every space but `uncounted` (the simulator counts them all: all would be its),
        // on its own clock (not on the 10 s boundaries: the hub's duplicate check would hide a derived twin).
        ...others.slice(1).concat([counted!]).map((sp): TelemetryRecord => ({ kind: 'count', record: { zone: sp.id, t: T0 + s * 1000 + 300, count: 7 } })),
      ]);
    }
    const derived = seen.filter((c) => c.count !== 7);
    expect(new Set(derived.map((c) => c.zone))).toEqual(new Set([uncounted.id]));
    expect(derived.map((c) => [c.t - T0, c.count])).toEqual([[10_000, 4], [20_000, 4], [30_000, 4]]);
    expect(seen.filter((c) => c.zone === counted!.id).every((c) => c.count === 7)).toBe(true);
  });

  it('can be turned off', async () => {
    const src = new ScriptedSource();
    const p = new TelemetryPipeline({ source: src, record: null, structure: STRUCTURE, settings: DEFAULT_SETTINGS, pseudonymise: false, occupancy: false });
    pipelines.push(p);
    await p.start();
    await src.send(inLab(30, T0 + 1000));
    await src.send(inLab(30, T0 + 10_200));
    expect(p.hub.count('EG-Lab')).toBeUndefined();
    expect(crowded(p)).toEqual([]);
  });
});
