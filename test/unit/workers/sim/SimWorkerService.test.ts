import { describe, it, expect, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../../../../common/scenario.js';
import { NavMap } from '../../../../workers/nav/NavMap.js';
import { runScenario } from '../../../../workers/sim/runScenario.js';
import { SimWorkerService, walkableAreas } from '../../../../workers/sim/SimWorkerService.js';

/** A 10 m × 6 m room with one 1.2 m exit in the east wall and 20 people in its west half. */
const room = (count = 20, maxTime = 120): Scenario => ({
  name: 'room', seed: 7, maxTime,
  floors: [{ id: 'F0', walkable: [[[0, 0], [10, 0], [10, 6], [0, 6]]] }],
  exits: [{ id: 'east', floor: 'F0', segment: [[10, 2.4], [10, 3.6]] }],
  agentGroups: [{ id: 'g', floor: 'F0', area: [[0.5, 0.5], [5, 0.5], [5, 5.5], [0.5, 5.5]], count }],
});

describe('SimWorkerService', () => {
  it('checks a scenario as a run would, placement included, without running it', () => {
    const svc = new SimWorkerService('unused/');
    expect(svc.check(JSON.stringify(room(20)))).toEqual({ ok: true, agents: 20 });
    // Structurally valid files that a run refuses: the panel used to load them with a normal summary.
    const cases: [Scenario | string, string, RegExp][] = [
      ['{"floors":', '', /JSON/i],
      [{ ...room(), agentGroups: [{ id: 'g', floor: 'F0', area: [[0.5, 0.5], [5, 0.5], [5, 5.5], [0.5, 5.5]], count: 1e9 }] }, 'agentGroups[0].count', /holds at most \d+/],
      [{ ...room(), floors: [{ id: 'F0', walkable: [[[0, 0], [1e300, 0], [1e300, 6], [0, 6]]] }] }, 'floors[0].walkable', /cells/],
      // An area off the floor is the area's fault (it was reported against the count: "room for 0").
      [{ ...room(), agentGroups: [{ id: 'g', floor: 'F0', area: [[20, 20], [25, 20], [25, 25], [20, 25]], count: 5 }] }, 'agentGroups[0].area', /^lies outside the walkable area of floor "F0"$/],
      [{ ...room(), agentGroups: [{ id: 'g', floor: 'F0', area: [[0.5, 0.5], [5, 0.5], [5, 5.5], [0.5, 5.5]], count: 5, speed: { dist: 'constant', value: 1e6 } }] }, 'agentGroups[0].speed', /≤ 10 m\/s/],
    ];
    for (const [sc, path, problem] of cases) {
      const v = svc.check(typeof sc === 'string' ? sc : JSON.stringify(sc));
      expect(v, JSON.stringify(v)).toMatchObject({ ok: false, path });
      expect(v.ok ? '' : v.problem).toMatch(problem);
    }
  });

  it('returns the same results as runScenario for the same seed, with a playback track', async () => {
    const svc = new SimWorkerService('unused/');
    const calls: [number, number, number][] = [];
    const out = await svc.run(JSON.stringify(room()), { runs: 1, seed: 3 }, (f, t, ev) => calls.push([f, t, ev]));
    const ref = runScenario(room(), { seed: 3 });
    expect(out.results.evacuationTime).toBe(ref.evacuationTime);
    expect(out.results.agents.map((a) => a.exitTime)).toEqual(ref.agents.map((a) => a.exitTime));
    expect(out.results.exitUsage).toEqual({ east: 20 });
    expect(out.results.evacuationTime).toBeGreaterThan(0);
    // progress: called many times, non-decreasing, ending at 1 with everybody out
    expect(calls.length).toBeGreaterThan(5);
    for (let i = 1; i < calls.length; i++) expect(calls[i]![0]).toBeGreaterThanOrEqual(calls[i - 1]![0]);
    expect(calls.at(-1)).toEqual([1, ref.evacuationTime, 20]);
    // track: one frame per 0.5 s up to the end; the first frame has everybody inside the room, the last nobody
    const { track } = out;
    expect(track.agents).toBe(20);
    expect(track.frames).toBeGreaterThanOrEqual(Math.floor(ref.evacuationTime! / 0.5));
    expect(track.x.length).toBe(track.frames * 20);
    for (let i = 0; i < 20; i++) { expect(track.x[i]).toBeGreaterThan(0); expect(track.x[i]).toBeLessThan(5.1); }
    expect(Number.isNaN(track.x[(track.frames - 1) * 20])).toBe(true);
    // max density: somebody stood in some cell; the jam at the exit is denser than 1 P/m²
    const g = out.maxDensity[0]!;
    expect(g.cols * g.rows).toBe(g.density.length);
    expect(Math.max(...g.density)).toBeGreaterThanOrEqual(1);
  });

  it('divides the people in a max-density cell by its walkable area, so a queue along a wall reads its density', async () => {
    // A 3 m × 2 m room: its 2 m cells are x 0–2 (4 m² walkable) and x 2–4 (2 m², the rest beyond the east wall).
    // Four people start in the east strip and walk out west; at the start they stand 4 to 2 m²: 2 P/m², not 1.
    const strip: Scenario = {
      name: 'strip', seed: 1, maxTime: 60,
      floors: [{ id: 'F0', walkable: [[[0, 0], [3, 0], [3, 2], [0, 2]]] }],
      exits: [{ id: 'west', floor: 'F0', segment: [[0, 0.5], [0, 1.5]] }],
      agentGroups: [{ id: 'g', floor: 'F0', area: [[2.2, 0.2], [2.8, 0.2], [2.8, 1.8], [2.2, 1.8]], count: 4 }],
    };
    const g = (await new SimWorkerService('unused/').run(JSON.stringify(strip), { runs: 1, seed: 1 })).maxDensity[0]!;
    expect([g.cols, g.rows]).toEqual([2, 1]);
    expect(Array.from(g.area)).toEqual([4, 2]);
    expect(g.density[1]).toBe(2);
    // A sliver of a cell counts as half a cell: one person there is not a crowd.
    const cells = { minX: 0, minY: 0, cellSize: 2, cols: 2, rows: 1 };
    const grid = NavMap.build({ ...strip, floors: [{ id: 'F0', walkable: [[[0, 0], [2.25, 0], [2.25, 2], [0, 2]]] }] }).grids[0]!;
    expect(Array.from(walkableAreas(cells, grid))).toEqual([4, 2]);
  });

  it('records the robots in the playback track: same frames, moving along their route', async () => {
    const svc = new SimWorkerService('unused/');
    const sc = room(5);
    sc.obstaclesMoving = [{ id: 'r1', floor: 'F0', radius: 0.4, speed: 1, route: [[6, 1], [9, 1]], loop: false }];
    const { track } = await svc.run(JSON.stringify(sc), { runs: 1, seed: 1 });
    expect(track.robots.count).toBe(1);
    expect(track.robots.radius[0]).toBeCloseTo(0.4, 6);
    expect(track.robots.x.length).toBe(track.frames);
    expect(track.robots.x[0]).toBe(6);
    // 1 m/s, frames every 0.5 s: 7 m at t = 1 s (the engine moves robots at the start of a step: one dt behind)
    expect(Math.abs(track.robots.x[2]! - 7)).toBeLessThanOrEqual(0.05 + 1e-6);
    expect(track.robots.x[track.frames - 1]).toBe(9); // stops at the end of a non-looping route
    expect(Array.from(track.robots.y.subarray(0, track.frames)).every((y) => y === 1)).toBe(true);
    expect(track.robots.floor.every((f) => f === 0)).toBe(true);
  });

  it('runs N Monte-Carlo runs sequentially and summarises them', async () => {
    const svc = new SimWorkerService('unused/');
    const out = await svc.run(JSON.stringify(room(10)), { runs: 3, seed: 1 });
    expect(out.results.runs.map((r) => r.seed)).toEqual([1, 2, 3]);
    expect(out.results.runs[1]!.evacuationTime).toBe(runScenario(room(10), { seed: 2 }).evacuationTime);
    expect(out.results.summary.runs).toBe(3);
    expect(out.results.summary.mean).toBeGreaterThan(0);
  });

  it('runBatch runs the given seeds without a track and gives the same evacuation times as run()', async () => {
    const svc = new SimWorkerService('unused/');
    const fractions: number[] = [];
    const t0 = performance.now();
    const batch = await svc.runBatch(JSON.stringify(room(10)), [2, 3], (f) => fractions.push(f));
    const elapsed = performance.now() - t0;
    const seq = await svc.run(JSON.stringify(room(10)), { runs: 3, seed: 1 });
    expect(batch.map((r) => r.seed)).toEqual([2, 3]);
    expect(batch.map((r) => r.evacuationTime)).toEqual(seq.results.runs.slice(1).map((r) => r.evacuationTime));
    expect(batch.every((r) => r.agentsEvacuated === 10 && r.agentSteps > 0 && r.wallSeconds >= 0)).toBe(true);
    // progress of the batch, throttled to one report per 100 ms (short runs would send dozens)
    expect(fractions[0]).toBe(0);
    expect(fractions.length).toBeLessThanOrEqual(Math.floor(elapsed / 100) + 1);
    expect(fractions.every((f) => f >= 0 && f < 1)).toBe(true);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]!);
    expect(svc.status).toBe('idle');
  });

  it('cancel() rejects the run with "cancelled" and the service can run again', async () => {
    const svc = new SimWorkerService('unused/');
    const big = room(150, 600);
    big.floors[0]!.walkable = [[[0, 0], [40, 0], [40, 20], [0, 20]]];
    big.exits = [{ id: 'east', floor: 'F0', segment: [[40, 9.6], [40, 10.4]] }];
    big.agentGroups[0]!.area = [[0.5, 0.5], [20, 0.5], [20, 19.5], [0.5, 19.5]];
    let cancelled = false;
    const p = svc.run(JSON.stringify(big), { runs: 1 }, (f) => { if (f > 0.001 && !cancelled) { cancelled = true; svc.cancel(); } });
    await expect(p).rejects.toThrow(/cancelled/);
    expect(svc.status).toBe('idle');
    const again = await svc.run(JSON.stringify(room(5)), { runs: 1 });
    expect(again.results.agentsEvacuated).toBe(5);
  });

  it('derives a runnable scenario with the requested occupants from the sample IFC building', async () => {
    const root = join(__dirname, '..', '..', '..', '..');
    const svc = new SimWorkerService(join(root, 'node_modules', 'web-ifc') + '/');
    try {
      const bytes = new Uint8Array(readFileSync(join(root, 'samples', 'testbed-complex.ifc')));
      const { scenario, note } = await svc.deriveFromIfc(bytes, 'testbed-complex.ifc', { occupants: 30, seed: 2 });
      expect(note).toBeNull(); // every space of the sample has a way out
      expect(scenario.floors.length).toBe(3);
      expect(scenario.exits.length).toBeGreaterThan(0);
      expect(scenario.agentGroups.reduce((n, g) => n + (g.count ?? 0), 0)).toBe(30);
      const out = await svc.run(JSON.stringify(scenario), { runs: 1 });
      expect(out.results.agentsEvacuated).toBe(30);
    } finally {
      svc.dispose();
    }
  }, 60_000);

  it('builds the navigation map once for runs on the same building and exits, again when an exit closes', async () => {
    const svc = new SimWorkerService('unused/');
    const build = vi.spyOn(NavMap, 'build');
    try {
      const sc: Scenario = { ...room(20), exits: [...room().exits, { id: 'west', floor: 'F0', segment: [[0, 2.4], [0, 3.6]] }] };
      const a = await svc.run(JSON.stringify(sc), { runs: 1 });
      const b = await svc.run(JSON.stringify({ ...sc, seed: 8 }), { runs: 2 }); // other seeds, more runs: the same map
      expect(build).toHaveBeenCalledTimes(1);
      expect(a.results.agentsEvacuated).toBe(20);
      expect(a.results.exitUsage.west).toBeGreaterThan(0);
      expect(b.results.agentsEvacuated).toBe(20);
      const shut = await svc.run(JSON.stringify({ ...sc, exits: [sc.exits[0]!, { ...sc.exits[1]!, open: false }] }), { runs: 1 });
      expect(build).toHaveBeenCalledTimes(2);
      expect(shut.results.exitUsage).toMatchObject({ east: 20, west: 0 });
    } finally {
      build.mockRestore();
      svc.dispose();
    }
  });

  it('leaves a space with no way out empty and says so: duplex\'s roof, which no stair reaches', async () => {
    // Before, 37 of 100 occupants started on the roof and every run ended "not all left", with no evacuation time.
    const root = join(__dirname, '..', '..', '..', '..');
    const svc = new SimWorkerService(join(root, 'node_modules', 'web-ifc') + '/');
    try {
      const bytes = new Uint8Array(readFileSync(join(root, '..', 'shared', 'ifc', 'duplex-apartment-ifc2x3.ifc')));
      const build = vi.spyOn(NavMap, 'build');
      const { scenario, note } = await svc.deriveFromIfc(bytes, 'duplex.ifc', { occupants: 100, seed: 1 });
      expect(note).toBe('1 space left empty, with no way out (no door or stair a body fits through leads from it to an exit): "R301 Roof" on Roof; ' +
        'the 37 people it would have had are in the other spaces');
      expect(scenario.agentGroups.reduce((n, g) => n + (g.count ?? 0), 0)).toBe(100);
      expect(scenario.agentGroups.some((g) => g.floor === 'Roof')).toBe(false);
      const out = await svc.run(JSON.stringify(scenario), { runs: 1 });
      expect(out.results.agentsEvacuated).toBe(100);
      expect(out.results.evacuationTime).not.toBeNull();
      // The map built to find the roof is the run's map.
      expect(build).toHaveBeenCalledTimes(1);
      build.mockRestore();
    } finally {
      svc.dispose();
    }
  }, 60_000);

  it('refuses to derive a scenario from a model with nothing walkable (mini-project), as twin simulate does', async () => {
    const root = join(__dirname, '..', '..', '..', '..');
    const svc = new SimWorkerService(join(root, 'node_modules', 'web-ifc') + '/');
    try {
      const bytes = new Uint8Array(readFileSync(join(root, '..', 'shared', 'ifc', 'mini-project-ifc2x3.ifc')));
      // Before: a scenario of 0 floors, 0 exits and 0 occupants came back, and running it threw in the page.
      await expect(svc.deriveFromIfc(bytes, 'mini-project-ifc2x3.ifc', { occupants: 50 })).rejects.toThrow(/the model has nothing walkable: its one storey has no walkable area/);
    } finally {
      svc.dispose();
    }
  }, 120_000);

  it('rejects a bad scenario naming the field', async () => {
    const svc = new SimWorkerService('unused/');
    const bad = { ...room(), exits: [{ id: 'e', floor: 'F0', segment: [[1, 1]] }] };
    await expect(svc.run(JSON.stringify(bad), { runs: 1 })).rejects.toThrow(/exits\[0\]\.segment/);
  });
});
