import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../common/api.js';
import type { BeaconRegistry, CountRecord, TelemetryRecord } from '../../common/records.js';
import type { Source, SourceCapability, SourceListener, SourceStatus } from '../../common/source.js';
import type { TestbedLayout } from '../../common/testbedLayout.js';
import { TelemetryPipeline } from '../../main/hub/TelemetryPipeline.js';
import { TestbedSimulator } from '../../main/sources/testbed/TestbedSimulator.js';

/**
 * Counts derived from positioned beacon scans against the simulator's ground-truth counts: the
 * testbed's scans go through the pipeline WITHOUT its counts (what an MQTT deployment of phones
 * and beacons gives), and the derived per-space counts are compared with the truth at the same
 * 10 s boundaries.
 */
class ScansOnly implements Source {
  readonly uri = 'mqtt://scans-only';
  readonly capabilities = new Set<SourceCapability>();
  listener: SourceListener | null = null;
  constructor(readonly layout: TestbedLayout, private readonly registry: BeaconRegistry) {}
  beacons() { return this.registry; }
  async start(l: SourceListener) { this.listener = l; }
  async stop() {}
  status(): SourceStatus { return { uri: this.uri, state: 'live', accepted: 0, rejected: 0, rejectReasons: {} }; }
}

const START = Date.UTC(2026, 10, 25, 9, 0, 0);
const SECONDS = 150;

describe('occupancy derived from positioned scans (testbed, 3 storeys, 600 tags)', () => {
  it('per-storey totals match the ground truth within 5 %, and per-space counts are off by under 15 % of the people', async () => {
    const sim = new TestbedSimulator({ robots: 4, tags: 600, beacons: 300, seed: 7, start: START });
    const src = new ScansOnly(sim.layout, sim.beacons());
    const p = new TelemetryPipeline({ source: src, record: null, settings: DEFAULT_SETTINGS, pseudonymise: false });
    const derived: CountRecord[] = [];
    p.hub.onRecords((b) => { for (const r of b) if (r.kind === 'count') derived.push(r.record); });
    await p.start();
    const truth = new Map<string, number>();
    for (let s = 0; s < SECONDS; s++) {
      const batch = sim.step(1);
      const forward: TelemetryRecord[] = [];
      for (const r of batch) {
        if (r.kind === 'count') truth.set(`${r.record.zone}@${r.record.t}`, r.record.count);
        else forward.push(r);
      }
      await src.listener!.onBatch(forward);
    }
    await p.stop();
    const storeyOf = new Map(sim.layout.spaces.map((sp) => [sp.id, sim.layout.storeys[sp.storey]!.name]));
    const byStorey = new Map<string, { derived: number; truth: number }>();
    let absErr = 0, n = 0, truthSum = 0;
    const ts = [...new Set(derived.map((c) => c.t))].filter((t) => t - START >= 40_000); // after the first 30 s window filled
    for (const c of derived) {
      if (!ts.includes(c.t)) continue;
      const tr = truth.get(`${c.zone}@${c.t}`);
      expect(tr, `truth for ${c.zone} at ${c.t}`).toBeDefined();
      absErr += Math.abs(c.count - tr!);
      truthSum += tr!;
      n++;
      const key = `${storeyOf.get(c.zone)}@${c.t}`;
      const s = byStorey.get(key) ?? { derived: 0, truth: 0 };
      s.derived += c.count;
      s.truth += tr!;
      byStorey.set(key, s);
    }
    const storeyErr = [...byStorey.values()].map((s) => Math.abs(s.derived - s.truth) / Math.max(1, s.truth));
    const worstStorey = Math.max(...storeyErr);
    const spaceErrShare = absErr / truthSum; // misplaced people / people, counted twice (out of one space, into another)
    console.log(`occupancy validation: ${ts.length} boundaries × ${sim.layout.spaces.length} spaces; per-space |derived − truth| summed / truth = ${(spaceErrShare * 100).toFixed(1)} %; worst storey total error ${(worstStorey * 100).toFixed(1)} %`);
    expect(ts.length).toBeGreaterThanOrEqual(10);
    expect(worstStorey).toBeLessThan(0.05);
    expect(spaceErrShare).toBeLessThan(0.15);
  }, 120_000);
});
