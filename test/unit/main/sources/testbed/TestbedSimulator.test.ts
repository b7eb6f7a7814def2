import { describe, expect, it } from 'vitest';
import { CountSchema, ScanSchema, StateSchema, type StateRecord, type TelemetryRecord } from '../../../../../common/records.js';
import { TestbedSimulator } from '../../../../../main/sources/testbed/TestbedSimulator.js';
import { ROBOT_KINDS } from '../../../../../main/sources/testbed/RobotFleet.js';
import { pointInRing } from '../../../../../workers/testbed/planGeometry.js';

const START = Date.parse('2026-11-24T01:00:00Z');

function run(sim: TestbedSimulator, seconds: number, dt = 1): TelemetryRecord[] {
  const out: TelemetryRecord[] = [];
  for (let s = 0; s < seconds; s += dt) for (const r of sim.step(dt)) out.push(r);
  return out;
}
const states = (recs: TelemetryRecord[]) => recs.flatMap((r) => (r.kind === 'state' ? [r.record] : []));

describe('TestbedSimulator', () => {
  it('is deterministic for a seed, whatever the time split, and differs between seeds', () => {
    const a = run(new TestbedSimulator({ seed: 7, tags: 150, start: START }), 40, 1);
    const b = run(new TestbedSimulator({ seed: 7, tags: 150, start: START }), 40, 0.1);
    const c = run(new TestbedSimulator({ seed: 8, tags: 150, start: START }), 40, 1);
    expect(a.length).toBeGreaterThan(1000);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));
  });

  it('emits valid State, Scan and Count records in simulated time from the start', () => {
    const sim = new TestbedSimulator({ seed: 3, tags: 300, start: START });
    const recs = run(sim, 30);
    const seen = { state: 0, scan: 0, count: 0 };
    for (const r of recs) {
      if (r.kind === 'state') { expect(StateSchema.safeParse(r.record).success).toBe(true); seen.state++; }
      else if (r.kind === 'scan') { expect(ScanSchema.safeParse(r.record).success).toBe(true); seen.scan++; }
      else if (r.kind === 'count') { expect(CountSchema.safeParse(r.record).success).toBe(true); seen.count++; }
      else throw new Error(`unexpected record kind ${r.kind}`);
      const t = r.record.t as number;
      expect(t).toBeGreaterThanOrEqual(START);
      expect(t).toBeLessThanOrEqual(START + 30_000);
    }
    // ~1 Hz states for 60 units, ~1 Hz scans for 300 phones (some hear nothing), counts every 10 s.
    expect(seen.state).toBeGreaterThan(60 * 30 * 0.85);
    expect(seen.scan).toBeGreaterThan(300 * 30 * 0.9);
    expect(seen.count).toBe(4 * sim.graph.spaces.length); // at +0, +10, +20 and +30 s
    expect(sim.now).toBe(START + 30_000);
  });

  it('has 59 robots of the seven kinds and one bus, each reporting about once a second', () => {
    const recs = states(run(new TestbedSimulator({ seed: 1, tags: 0, start: START }), 60));
    const mobile = recs.filter((r) => r.kind === 'robot' || r.kind === 'bus');
    const byId = new Map<string, StateRecord[]>();
    for (const r of mobile) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
    expect(byId.size).toBe(60);
    expect(new Set(mobile.filter((r) => r.kind === 'robot').map((r) => r.type))).toEqual(new Set(ROBOT_KINDS));
    expect(mobile.filter((r) => r.kind === 'bus').every((r) => r.type === 'autonomous-bus' && r.id === 'bus-01')).toBe(true);
    const perUnit = [...byId.values()].map((l) => l.length).sort((x, y) => x - y);
    // 60 s at ~1 Hz; a unit that went silent (fault) may have fewer.
    expect(perUnit[Math.floor(perUnit.length / 2)]).toBeGreaterThanOrEqual(57);
    expect(perUnit[perUnit.length - 1]).toBeLessThanOrEqual(62);
    for (const r of mobile) {
      expect(r.heading).toBeGreaterThanOrEqual(0);
      expect(r.heading).toBeLessThan(360);
      expect(r.battery).toBeGreaterThanOrEqual(0);
    }
  });

  it('keeps people inside the building: every tag is in a space or on a stair flight', () => {
    const sim = new TestbedSimulator({ seed: 5, tags: 400, robots: 0, start: START });
    const stairsOf = (storey: number) => sim.layout.stairs.filter((s) => s.fromStorey === storey || s.toStorey === storey);
    let moved = 0;
    const first = sim.trueTagPositions();
    for (let k = 0; k < 20; k++) {
      sim.step(30);
      const truth = sim.trueTagPositions();
      for (let i = 0; i < truth.ids.length; i++) {
        const x = truth.x[i]!, y = truth.y[i]!, s = truth.storey[i]!;
        if (sim.graph.spaceAt(s, x, y) >= 0) continue;
        // Door thresholds sit on a wall line (0.35 m either side of it is inside a space).
        const onStair = stairsOf(s).some((st) => pointInRing(st.polygon, x, y) || Math.hypot(st.bottom[0] - x, st.bottom[1] - y) < 0.5 || Math.hypot(st.top[0] - x, st.top[1] - y) < 0.5);
        const nearDoor = sim.layout.doors.some((d) => d.storey === s && Math.hypot(d.x - x, d.y - y) < 0.5);
        if (!onStair && !nearDoor) throw new Error(`${truth.ids[i]} at ${x.toFixed(2)},${y.toFixed(2)} on storey ${s} is outside every space`);
      }
    }
    const last = sim.trueTagPositions();
    for (let i = 0; i < last.ids.length; i++) if (Math.hypot(last.x[i]! - first.x[i]!, last.y[i]! - first.y[i]!) > 1) moved++;
    expect(moved).toBeGreaterThan(200);
    // Some people changed storey over 10 minutes.
    let changed = 0;
    for (let i = 0; i < last.ids.length; i++) if (last.storey[i] !== first.storey[i]) changed++;
    expect(changed).toBeGreaterThan(10);
  });

  it('counts every tag in exactly one space every 10 s', () => {
    const sim = new TestbedSimulator({ seed: 2, tags: 500, robots: 0, start: START });
    const recs = run(sim, 25);
    const byT = new Map<number, number>();
    for (const r of recs) if (r.kind === 'count') byT.set(r.record.t as number, (byT.get(r.record.t as number) ?? 0) + r.record.count);
    expect([...byT.keys()]).toEqual([START, START + 10_000, START + 20_000]);
    for (const total of byT.values()) expect(total).toBeGreaterThanOrEqual(495); // a few may be on a door threshold
    const zones = new Set(recs.flatMap((r) => (r.kind === 'count' ? [r.record.zone] : [])));
    expect(zones).toEqual(new Set(sim.layout.spaces.map((s) => s.id)));
  });

  it('synthesises scans with the published statistics: n≈2.2 path loss, σ≈4 dB, ~20 % dropouts, ≥ −95 dBm', () => {
    const sim = new TestbedSimulator({ seed: 11, tags: 300, robots: 0, start: START });
    const reg = new Map(sim.beacons().beacons.map((b) => [b.id, b]));
    const residuals: number[] = [];
    let expectedAudible = 0, heard = 0;
    for (let k = 0; k < 10; k++) {
      const recs = sim.step(1);
      const truth = sim.trueTagPositions();
      const slot = new Map(truth.ids.map((id, i) => [id, i]));
      for (const r of recs) {
        if (r.kind !== 'scan') continue;
        const i = slot.get(r.record.device)!;
        const floor = truth.floors[truth.scanStorey[i]!]!;
        for (const [id, rssi] of Object.entries(r.record.rssi)) {
          expect(Number.isInteger(rssi)).toBe(true);
          expect(rssi).toBeGreaterThanOrEqual(-95);
          expect(reg.get(id)!.floor).toBe(floor); // only own-storey beacons are heard
        }
        // Strong beacons (mean ≥ −80 dBm: noise cannot push them under −95) measure noise and dropouts.
        for (const b of reg.values()) {
          if (b.floor !== floor) continue;
          const mean = sim.meanRssi(floor, b.id, truth.scanX[i]!, truth.scanY[i]!);
          if (mean < -80) continue;
          expectedAudible++;
          const v = r.record.rssi[b.id];
          if (v !== undefined) { heard++; residuals.push(v - mean); }
        }
      }
    }
    const dropout = 1 - heard / expectedAudible;
    const mean = residuals.reduce((a, b) => a + b, 0) / residuals.length;
    const sd = Math.sqrt(residuals.reduce((a, b) => a + (b - mean) ** 2, 0) / residuals.length);
    expect(dropout).toBeGreaterThan(0.17);
    expect(dropout).toBeLessThan(0.23);
    expect(Math.abs(mean)).toBeLessThan(0.3);
    expect(sd).toBeGreaterThan(3.6);
    expect(sd).toBeLessThan(4.4);
  });

  it('attenuates through walls and with distance', () => {
    const sim = new TestbedSimulator({ seed: 1, tags: 0, robots: 0, start: START });
    // A beacon in an office on the south side; the same 6 m east inside the room vs. 6 m north (through the corridor wall).
    const b = sim.beacons().beacons.find((x) => x.floor === '1F' && sim.graph.spaces[sim.graph.spaceAt(0, x.x, x.y)]?.usage === 'office' && x.y < 5)!;
    const near = sim.meanRssi('1F', b.id, b.x + 1, b.y);
    const far = sim.meanRssi('1F', b.id, b.x + 10, b.y);
    expect(near - far).toBeGreaterThan(10 * 2.2 * Math.log10(10 / 3) - 0.5); // ≥ path loss alone (3-D distance)
    const sameRoom = sim.meanRssi('1F', b.id, b.x, Math.min(7.5, b.y + 3));
    const throughWall = sim.meanRssi('1F', b.id, b.x, b.y + 3 + (8.5 - Math.min(7.5, b.y + 3)));
    expect(sameRoom - throughWall).toBeGreaterThan(3);
  });

  it('lives a believable day: errors, stalls, silences, low batteries, charging, zone breaches, bus dwells', () => {
    const sim = new TestbedSimulator({ seed: 4, tags: 0, start: START });
    const zones = new Map(sim.robotZones().map((z) => [z.id, new Set(z.spaces)]));
    const last = new Map<string, StateRecord>();
    const seen = { error: 0, manual: 0, charging: 0, stall: 0, silent: 0, lowBattery: 0, outside: 0, busDwell: 0, tasks: new Set<string>() };
    const stallSince = new Map<string, number>();
    for (let k = 0; k < 8 * 3600; k += 10) {
      for (const r of sim.step(10)) {
        if (r.kind !== 'state' || r.record.kind === 'sensor') continue;
        const s = r.record;
        const t = s.t as number;
        const prev = last.get(s.id);
        if (prev && t - (prev.t as number) > 30_000) seen.silent++;
        last.set(s.id, s);
        if (s.state === 'error') { seen.error++; expect(s.error).toBeTruthy(); }
        if (s.state === 'manual') seen.manual++;
        if (s.state === 'charging') seen.charging++;
        if ((s.battery ?? 1) < 0.15) seen.lowBattery++;
        if (s.kind === 'bus' && s.state === 'idle' && s.task?.startsWith('dwell at')) seen.busDwell++;
        if (s.task) seen.tasks.add(s.task.split(' ')[0]!);
        if (s.kind === 'robot') {
          const sp = sim.graph.spaceAt(sim.floors.indexOf(s.floor!), s.x!, s.y!);
          if (sp >= 0 && !zones.get(s.id)!.has(sim.graph.spaces[sp]!.id)) seen.outside++;
          if (s.state === 'moving' && s.speed === 0) {
            const since = stallSince.get(s.id) ?? t;
            stallSince.set(s.id, since);
            if (t - since > 30_000) seen.stall++;
          } else stallSince.delete(s.id);
        }
      }
    }
    expect(seen.error).toBeGreaterThan(0);
    expect(seen.manual).toBeGreaterThan(0);
    expect(seen.charging).toBeGreaterThan(0);
    expect(seen.stall).toBeGreaterThan(0);
    expect(seen.silent).toBeGreaterThan(0);
    expect(seen.lowBattery).toBeGreaterThan(0);
    expect(seen.outside).toBeGreaterThan(0);
    expect(seen.busDwell).toBeGreaterThan(0);
    for (const verb of ['deliver', 'clean', 'patrol', 'call', 'transport', 'charge']) expect(seen.tasks).toContain(verb);
  });

  it('keeps the bus on the road loop and stops at its stops', () => {
    const sim = new TestbedSimulator({ seed: 9, tags: 0, robots: 1, start: START });
    const loop = sim.layout.site.roadLoop;
    const stops = sim.layout.site.busStops;
    const onLoop = (x: number, y: number) => loop.some((a, i) => {
      const b = loop[(i + 1) % loop.length]!;
      const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
      const t = Math.max(0, Math.min(1, ((x - a[0]) * (b[0] - a[0]) + (y - a[1]) * (b[1] - a[1])) / (len * len)));
      return Math.hypot(a[0] + t * (b[0] - a[0]) - x, a[1] + t * (b[1] - a[1]) - y) < 0.05;
    });
    const dwellStops = new Set<string>();
    const bus = states(run(sim, 1800, 5)).filter((s) => s.kind !== 'sensor');
    expect(bus.length).toBeGreaterThan(1700);
    for (const s of bus) {
      expect(s.kind).toBe('bus');
      expect(onLoop(s.x!, s.y!)).toBe(true);
      expect(s.speed).toBeLessThanOrEqual(5.01);
      if (s.state === 'idle') {
        const stop = stops.find((st) => Math.hypot(st.x - s.x!, st.y - s.y!) < 0.2);
        expect(stop).toBeDefined();
        dwellStops.add(stop!.id);
      }
    }
    expect(dwellStops).toEqual(new Set(stops.map((s) => s.id)));
  });
});
