import { describe, expect, it } from 'vitest';
import type { TelemetryRecord } from '../../../../../common/records.js';
import type { SourceStatus } from '../../../../../common/source.js';
import { buildTestbedLayout, type TestbedLayout } from '../../../../../common/testbedLayout.js';
import { TestbedSource } from '../../../../../main/sources/testbed/TestbedSource.js';
import { TestbedSimulator } from '../../../../../main/sources/testbed/TestbedSimulator.js';
import { createTestbedSourceForModel } from '../../../../../main/sources/testbed/testbedSourceForModel.js';

const START = '2026-11-24T01:00:00Z';
/** A "model" layout: not the built-in one a URI would give (2 storeys, 3 rooms per side, another name). */
const modelLayout = (): TestbedLayout => ({ ...buildTestbedLayout({ storeys: 2, roomsPerSide: 3 }), name: 'model.ifc' });
const listener = (statuses: SourceStatus[] = []) => ({ onBatch: (_b: readonly TelemetryRecord[]) => {}, onStatus: (s: SourceStatus) => { statuses.push(s); } });

describe('simulator built in slices (a loaded model in a session)', () => {
  it('TestbedSimulator.create gives the same records as the in-thread constructor, yielding to the event loop meanwhile', async () => {
    const opts = { robots: 6, tags: 120, beacons: 60, seed: 9, start: Date.parse(START), layout: modelLayout() };
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 0);
    const sliced = await TestbedSimulator.create(opts, 0);
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0); // timers ran while it was being built
    const inThread = new TestbedSimulator(opts);
    const a = sliced!.step(40), b = inThread.step(40);
    expect(a.length).toBeGreaterThan(500);
    expect(a.some((r) => r.kind === 'scan')).toBe(true);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(sliced!.beacons()).toEqual(inThread.beacons());
    expect(sliced!.robotZones()).toEqual(inThread.robotZones());
  });

  it('a session source (layout derived off-thread) builds its simulator in start(): same records as one built in-process', async () => {
    const layout = modelLayout();
    const uri = `testbed:?robots=5&tags=80&beacons=50&seed=4&speed=1&start=${START}`;
    const model = { name: 'model.ifc', hash: 'h1', structure: { storeys: [], spaces: [] } as never, derived: { ok: true as const, layout, notes: [], cached: true, ms: 0 } };
    const session = createTestbedSourceForModel(uri, model);
    if (!(session instanceof TestbedSource)) throw new Error('a model with walkable storeys gets a running testbed');
    expect(session.layout.name).toBe('model.ifc'); // known before the build
    expect(() => session.simulator).toThrow(/built in start/);
    await session.start(listener());
    await session.stop();
    const inProcess = new TestbedSource(uri, { layout });
    expect(inProcess.simulator).toBeDefined();
    const first = session.simulator.step(30).slice(0, 400), expected = inProcess.simulator.step(30).slice(0, 400);
    expect(first.length).toBe(400);
    expect(JSON.stringify(first)).toBe(JSON.stringify(expected));
    expect(session.beacons()).toEqual(inProcess.beacons());
  });

  it('stopping while the simulator is being built ends stopped, never live', async () => {
    const source = new TestbedSource(`testbed:?robots=4&tags=40&beacons=40&start=${START}`, { layout: modelLayout(), sliced: true });
    const statuses: SourceStatus[] = [];
    const started = source.start(listener(statuses));
    await source.stop();
    await started;
    expect(source.status().state).toBe('stopped');
    expect(statuses.map((s) => s.state)).not.toContain('live');
  });

  it('the built-in layout (no model) is still built in the constructor', () => {
    const source = new TestbedSource(`testbed:?robots=2&tags=10&beacons=20&start=${START}`, { sliced: true });
    expect(source.simulator.graph.nodeCount).toBeGreaterThan(0);
  });
});
