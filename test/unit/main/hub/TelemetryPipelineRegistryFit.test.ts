/**
 * An operator connects a broker whose scans come from a deployment the workbench has no registry for: the
 * beacons it places on the model share the deployment's ids (b-001, b-002, …) but not their places, so every
 * position is wrong. The pipeline says so (SourceStatus.positioning.warning, a `beacon-registry` alert), and
 * loading the deployment's registry ends it. Scans that fit the model's beacons raise nothing.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../../common/api.js';
import type { BuildingStructure } from '../../../../common/buildingStructure.js';
import type { AlertRecord, Beacon, TelemetryRecord } from '../../../../common/records.js';
import { TelemetryPipeline } from '../../../../main/hub/TelemetryPipeline.js';
import { TestbedSimulator } from '../../../../main/sources/testbed/TestbedSimulator.js';
import { extractStructureFromFile } from '../../../../workers/ifc/node/extractStructureFromFile.js';
import { expectedRssi } from '../../../../workers/positioning/pathLoss.js';
import { ScriptedSource } from '../../../helpers/scriptedSource.js';


let sample: BuildingStructure;
beforeAll(async () => {
  sample = await extractStructureFromFile(resolve('samples/testbed-complex.ifc'));
}, 120_000);

const pipelines: TelemetryPipeline[] = [];
afterEach(async () => {
  for (const p of pipelines.splice(0)) await p.stop();
});

function start(structure: BuildingStructure) {
  const src = new ScriptedSource('mqtt://broker.example');
  const p = new TelemetryPipeline({ source: src, record: null, structure, settings: DEFAULT_SETTINGS, pseudonymise: false });
  pipelines.push(p);
  const alerts: AlertRecord[] = [];
  p.hub.onAlert((a) => alerts.push(a));
  return { src, p, alerts };
}

/** One scan a second of up to 40 tags standing at `spots`, hearing `heard` (path loss, 1.3 m below the beacons) above −95 dBm. */
function scansAt(spots: readonly { x: number; y: number }[], heard: readonly Beacon[], k: number): TelemetryRecord[] {
  return spots.slice(0, 40).map((b, d) => ({
    kind: 'scan',
    record: {
      device: `tag-${d}`,
      t: Date.UTC(2026, 11, 6, 9) + 1000 * k,
      rssi: Object.fromEntries(heard.map((q) => [q.id, Math.round(expectedRssi(q.txPower, Math.hypot(q.x - b.x, q.y - b.y, 1.3), 2.5))] as const).filter(([, r]) => r > -95)),
    },
  }));
}

/** The beacons the pipeline placed on the model's first storey that has any. */
function firstFloorBeacons(p: TelemetryPipeline): Beacon[] {
  const placed = p.beacons()!;
  return placed.beacons.filter((b) => b.floor === placed.beacons[0]!.floor);
}

describe('TelemetryPipeline: does the beacon registry fit the scans?', () => {
  it('warns when the scans come from beacons placed elsewhere, and the deployment\'s registry loaded in the app ends the warning', async () => {
    const { src, p, alerts } = start(sample);
    await p.start();
    const testbed = new TestbedSimulator({ seed: 5, tags: 300, robots: 4 });
    const scans = () => testbed.step(1).filter((r) => r.kind === 'scan');
    for (let s = 0; s < 3; s++) await src.send(scans());
    p.hub.tick();
    const before = p.sourceStatus().positioning!;
    expect(before.registry).toBe('model');
    expect(before.beacons).toBe(p.beacons()!.beacons.length);
    expect(before.scans).toBeGreaterThanOrEqual(100);
    // The sample building gets ~100 placed beacons; the testbed's scans name its 400.
    expect(before.unknownShare).toBeGreaterThan(0.5);
    expect(before.warning).toMatch(/^People positions are unreliable: \d+ % of the beacons the scans name are not in the registry/);
    expect(before.warning).toContain('Load beacon registry');
    const raised = alerts.filter((a) => a.code === 'beacon-registry');
    expect(raised.map((a) => [a.entity, a.severity, a.active])).toEqual([['mqtt://broker.example', 'warning', true]]);
    expect(raised[0]!.message).toMatch(/^mqtt:\/\/broker\.example: People positions are unreliable/);

    p.setBeacons(testbed.beacons());
    p.hub.tick();
    expect(alerts.filter((a) => a.code === 'beacon-registry').map((a) => a.active)).toEqual([true, false]);
    for (let s = 0; s < 3; s++) await src.send(scans());
    p.hub.tick();
    const after = p.sourceStatus().positioning!;
    expect(after).toMatchObject({ registry: 'file', beacons: 400, unknownShare: 0 });
    expect(after.scans).toBeGreaterThanOrEqual(100);
    expect(after.misfitShare).toBeLessThan(0.02);
    expect(after.warning).toBeUndefined();
    expect(alerts.filter((a) => a.code === 'beacon-registry')).toHaveLength(2);
  }, 60_000);

  it('warns about a registry with the right ids in the wrong places (every entry known, the strongest beacons far apart)', async () => {
    const { src, p, alerts } = start(sample);
    await p.start();
    const here = firstFloorBeacons(p);
    // The deployment's beacons on this floor carry the same ids, shuffled over the places: a registry that names them all.
    const shuffled = here.map((b, i) => ({ ...b, id: here[(i * 13 + 5) % here.length]!.id }));
    expect(new Set(shuffled.map((b) => b.id)).size).toBe(here.length);
    // Standing under each beacon of the deployment: its scans hear the shuffled registry's beacons by their real places.
    const batch = (k: number) => scansAt(here, shuffled, k);
    for (let k = 0; k < 4; k++) await src.send(batch(k));
    p.hub.tick();
    const s = p.sourceStatus().positioning!;
    expect(s.unknownShare).toBe(0);
    expect(s.misfitShare).toBeGreaterThan(0.2);
    expect(s.warning).toMatch(/in \d+ % of the scans the two strongest beacons are too far apart in the registry for their signals/);
    expect(alerts.filter((a) => a.code === 'beacon-registry' && a.active)).toHaveLength(1);
  }, 60_000);

  it('raises nothing when the scans fit the beacons placed on the model', async () => {
    const { src, p, alerts } = start(sample);
    await p.start();
    const here = firstFloorBeacons(p);
    // 1 m west of each beacon, hearing the beacons placed on the model.
    const batch = (k: number) => scansAt(here.map((b) => ({ x: b.x - 1, y: b.y })), here, k);
    for (let k = 0; k < 4; k++) await src.send(batch(k));
    p.hub.tick();
    const s = p.sourceStatus().positioning!;
    expect(s).toMatchObject({ registry: 'model', unknownShare: 0, misfitShare: 0 });
    expect(s.scans).toBe(4 * Math.min(40, here.length));
    expect(s.warning).toBeUndefined();
    expect(alerts.filter((a) => a.code === 'beacon-registry')).toEqual([]);
  }, 60_000);
});
