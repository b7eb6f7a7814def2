import { describe, expect, it } from 'vitest';
import { BeaconRegistrySchema, type TelemetryRecord } from '../../../../../common/records.js';
import type { SourceStatus } from '../../../../../common/source.js';
import { createSource, SourceUriError } from '../../../../../main/sources/sourceUri.js';
import { TestbedSource } from '../../../../../main/sources/testbed/TestbedSource.js';
import { TestbedSimulator } from '../../../../../main/sources/testbed/TestbedSimulator.js';
import { parseTestbedUri, TestbedOptionsError } from '../../../../../main/sources/testbed/testbedOptions.js';

const START = '2026-11-24T01:00:00Z';

describe('testbed URI options', () => {
  it('parses defaults and options', () => {
    const d = parseTestbedUri('testbed:', Date.parse('2026-11-24T01:02:03.456Z'));
    expect(d).toMatchObject({ robots: 60, buses: 1, tags: 2000, beacons: 400, seed: 1, speed: 1, duration: null });
    expect(d.start).toBe(Date.parse('2026-11-24T01:02:03Z')); // now, rounded down to the second
    const o = parseTestbedUri(`testbed:?robots=12&tags=50&seed=7&speed=60&beacons=100&start=${START}&duration=90`);
    expect(o).toMatchObject({ robots: 12, tags: 50, seed: 7, speed: 60, beacons: 100, start: Date.parse(START), duration: 90 });
  });

  it('names the bad option', () => {
    // Said as a person reads it: it echoed the validator ("robots: Invalid input: expected number, received NaN").
    expect(() => parseTestbedUri('testbed:?robots=-1')).toThrow('testbed: robots must be a whole number from 0 to 2000, got "-1" (in "testbed:?robots=-1")');
    expect(() => parseTestbedUri('testbed:?robots=x')).toThrow('testbed: robots must be a whole number from 0 to 2000, got "x" (in "testbed:?robots=x")');
    expect(() => parseTestbedUri('testbed:?speed=fast')).toThrow('testbed: speed must be a number above 0, at most 10000, got "fast"');
    expect(() => parseTestbedUri('testbed:?robtos=5')).toThrow(/unknown option "robtos"/);
    expect(() => parseTestbedUri('testbed:?start=yesterday')).toThrow(/start/);
    expect(() => parseTestbedUri('testbed:robots=5')).toThrow(TestbedOptionsError);
  });

  it('is registered with the source URI factory', () => {
    const s = createSource('testbed:?robots=3&tags=5&beacons=20');
    expect(s).toBeInstanceOf(TestbedSource);
    expect([...s.capabilities]).toEqual(['speed']);
    expect(() => createSource('testbed:?tags=lots')).toThrow(SourceUriError);
  });
});

describe('TestbedSource', () => {
  it('runs faster than real time, ends after its duration with exactly the simulator’s records', async () => {
    const uri = `testbed:?robots=8&tags=40&beacons=60&seed=5&speed=200&start=${START}&duration=20`;
    const source = new TestbedSource(uri);
    const got: TelemetryRecord[] = [];
    const statuses: SourceStatus[] = [];
    let ended!: () => void;
    const done = new Promise<void>((r) => (ended = r));
    await source.start({
      onBatch: (b) => void got.push(...b),
      onStatus: (s) => { statuses.push(s); if (s.state === 'ended') ended(); },
    });
    await done;
    await source.stop();
    expect(statuses.map((s) => s.state)).toEqual(expect.arrayContaining(['live', 'ended', 'stopped']));
    const expected = new TestbedSimulator({ robots: 8, tags: 40, beacons: 60, seed: 5, start: Date.parse(START) }).step(20);
    expect(got.length).toBe(expected.length);
    expect(JSON.stringify(got)).toBe(JSON.stringify(expected));
    const st = source.status();
    expect(st.accepted).toBe(got.length);
    expect(st.now).toBe(Date.parse(START) + 20_000);
    expect(st.range).toEqual({ start: Date.parse(START), end: Date.parse(START) + 20_000 });
  });

  it('waits for the listener before the next batch (backpressure) and stops cleanly mid-run', async () => {
    const source = new TestbedSource(`testbed:?robots=4&tags=10&beacons=30&speed=100&start=${START}`);
    let inFlight = 0, maxInFlight = 0, batches = 0;
    await source.start({
      onBatch: async () => {
        inFlight++; maxInFlight = Math.max(maxInFlight, inFlight); batches++;
        await new Promise((r) => setTimeout(r, 150)); // slower than the 100 ms tick
        inFlight--;
      },
      onStatus: () => {},
    });
    await new Promise((r) => setTimeout(r, 800));
    await source.stop();
    expect(batches).toBeGreaterThan(1);
    expect(maxInFlight).toBe(1);
    expect(inFlight).toBe(0); // stop() waited for the batch in flight
    expect(source.status().state).toBe('stopped');
    const n = batches;
    await new Promise((r) => setTimeout(r, 300));
    expect(batches).toBe(n);
    await expect(source.start({ onBatch: () => {}, onStatus: () => {} })).rejects.toThrow(/start\(\) while stopped/);
  });

  it('changes speed on request and rejects nonsense', async () => {
    const source = new TestbedSource(`testbed:?robots=2&tags=0&beacons=10&speed=1&start=${START}`);
    await source.start({ onBatch: () => {}, onStatus: () => {} });
    source.setSpeed(500);
    await new Promise((r) => setTimeout(r, 500));
    await source.stop();
    expect(source.status().speed).toBe(500);
    expect(source.simulator.elapsed).toBeGreaterThan(60); // ≥ ~0.4 s real × 500 would be 200; allow slow CI
    expect(() => source.setSpeed(0)).toThrow(/speed/);
  });

  it('exposes its beacon registry, layout and robot zones for positioning and alerts', () => {
    const source = new TestbedSource('testbed:?robots=10&tags=0');
    const reg = source.beacons();
    expect(BeaconRegistrySchema.safeParse(reg).success).toBe(true);
    expect(reg.beacons).toHaveLength(400);
    expect(new Set(reg.beacons.map((b) => b.id)).size).toBe(400);
    const floors = new Set(source.layout.storeys.map((s) => s.name));
    for (const b of reg.beacons) expect(floors.has(b.floor)).toBe(true);
    // Every space has at least one beacon.
    for (const sp of source.layout.spaces) {
      expect(reg.beacons.some((b) => source.simulator.graph.spaceAt(sp.storey, b.x, b.y) === source.simulator.graph.spaces.findIndex((s) => s.id === sp.id))).toBe(true);
    }
    const zones = source.robotZones();
    expect(zones).toHaveLength(9);
    for (const z of zones) expect(z.spaces.every((id) => id.startsWith(z.floor + '-'))).toBe(true);
  });
});
