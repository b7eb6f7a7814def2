import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../../../common/scenario.js';
import { NavMap } from '../../../../workers/nav/NavMap.js';
import { reachableWithClearance } from '../../../../workers/nav/clearance.js';
import { runScenario } from '../../../../workers/sim/runScenario.js';

const rect = (x0: number, y0: number, x1: number, y1: number): [number, number][] => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];

/**
 * A 10 × 6 m room with its exit on the west wall; a 0.2 m partition at x = 6.8–7 closes off a 3 m deep nook in the
 * east but for a gap of `gap` m at y = 3. The grid (0.1 m) keeps a 0.15 m gap open, so the exit field runs through it.
 */
const room = (gap: number, agents: Partial<Scenario['agentGroups'][number]>): Scenario => ({
  seed: 1, maxTime: 120, cellSize: 0.1,
  floors: [{ id: 'F0', walkable: [rect(0, 0, 10, 6)], obstacles: [rect(6.8, 0, 7, 3 - gap / 2), rect(6.8, 3 + gap / 2, 7, 6)] }],
  exits: [{ id: 'W', floor: 'F0', segment: [[0, 2], [0, 4]] }],
  agentGroups: [{ id: 'G', floor: 'F0', ...agents } as Scenario['agentGroups'][number]],
});

describe('people shut in behind gaps narrower than a body', () => {
  it('the exit field runs through a 0.15 m gap, the clearance map does not; a 0.6 m gap is a way out', () => {
    const narrow = NavMap.build(room(0.15, { positions: [[1, 1]] }));
    expect(narrow.value(narrow.fields[0]!, 0, 8.5, 3)).toBeLessThan(Infinity); // what the run used to go by
    const m = reachableWithClearance(narrow, [0], { clearance: 0.1, linkReach: 0.3 })[0]!;
    const at = (nav: NavMap, x: number, y: number) => nav.grids[0]!.cellIndex(x, y);
    expect(m[at(narrow, 3, 3)]).toBe(1);
    expect(m[at(narrow, 8.5, 3)]).toBe(0);
    const wide = NavMap.build(room(0.6, { positions: [[1, 1]] }));
    expect(reachableWithClearance(wide, [0], { clearance: 0.1, linkReach: 0.3 })[0]![at(wide, 8.5, 3)]).toBe(1);
  });

  it('someone placed in the nook is reported as unable to get out, and the run ends when the others are out', () => {
    const r = runScenario(room(0.15, { positions: [[3, 3], [8.5, 3]] }));
    expect(r.agentsEvacuated).toBe(1);
    expect(r.agentsUnreachable).toBe(1);
    expect(r.agents[1]!.reachable).toBe(false);
    expect(r.warnings.join(' ')).toMatch(/1 agent\(s\) cannot reach any allowed open exit from where they start: G on F0: 1 \(all only through gaps narrower than their body\)/);
    // The run stops once the one who can leave is out, instead of walking the other on the spot until maxTime.
    expect(r.evacuatedOverTime.length).toBeLessThan(20);
    expect(r.warnings.join(' ')).not.toMatch(/still inside at the end/);
  });

  it('spreads a group over its area only where people can get out from, while that room lasts', () => {
    const r = runScenario(room(0.15, { area: rect(0.5, 0.5, 9.5, 5.5), count: 40 }));
    expect(r.agents.every((a) => a.start[0] < 6.8)).toBe(true);
    expect(r.agentsEvacuated).toBe(40);
    expect(r.evacuationTime).not.toBeNull();
    // More than the room west of the partition holds (≈ 6.3 × 5 m at 0.41 m spacing): the rest fit in the nook, shut in.
    const full = runScenario({ ...room(0.15, { area: rect(0.5, 0.5, 9.5, 5.5), count: 160 }), maxTime: 5 });
    const east = full.agents.filter((a) => a.start[0] > 7);
    expect(east.length).toBeGreaterThan(0);
    expect(east.every((a) => !a.reachable)).toBe(true);
    expect(full.agentsUnreachable).toBe(east.length);
  });

  it('goes up and down stairs whose head lies along a wall, and not against a one-way flight', () => {
    const two = (oneWay: boolean): Scenario => ({
      seed: 1, maxTime: 60, cellSize: 0.1,
      floors: [{ id: 'A', walkable: [rect(0, 0, 6, 3)] }, { id: 'B', walkable: [rect(0, 0, 6, 3)] }],
      // The flight's ends are on the rooms' east walls (x = 6): no cell centre there has a body's clearance.
      links: [{ id: 'S', kind: 'stairs', from: { floor: 'B', segment: [[6, 1], [6, 2]] }, to: { floor: 'A', segment: [[6, 1], [6, 2]] }, length: 6, oneWay }],
      exits: [{ id: 'E', floor: 'A', segment: [[0, 1], [0, 2]] }],
      agentGroups: [{ id: 'G', floor: 'B', positions: [[3, 1.5]] }],
    });
    const down = reachableWithClearance(NavMap.build(two(true)), [0], { clearance: 0.1, linkReach: 0.3 });
    const nav = NavMap.build(two(true));
    expect(down[1]![nav.grids[1]!.cellIndex(3, 1.5)]).toBe(1);
    expect(runScenario(two(false)).agentsEvacuated).toBe(1);
    // The same flight one-way up (A → B): from B nobody may walk it down.
    const up = two(true);
    up.links![0] = { ...up.links![0]!, from: { floor: 'A', segment: [[6, 1], [6, 2]] }, to: { floor: 'B', segment: [[6, 1], [6, 2]] } };
    expect(reachableWithClearance(NavMap.build(up), [0], { clearance: 0.1, linkReach: 0.3 })[1]![nav.grids[1]!.cellIndex(3, 1.5)]).toBe(0);
  });
});

describe('an exit narrower than a body', () => {
  it('lets nobody of that body out: they are counted as unable to reach it, not left to stand at it until the end', () => {
    // 0.3 m exit, bodies of radius 0.2 (0.4 m). Before: 0 of 20 out, all 20 "still inside" at the end of the run.
    const narrow = (w: number): Scenario => ({
      seed: 3, maxTime: 60,
      floors: [{ id: 'F0', walkable: [rect(0, 0, 10, 5)] }],
      exits: [{ id: 'E1', floor: 'F0', segment: [[10, 2], [10, 2 + w]] }],
      agentGroups: [{ id: 'G1', floor: 'F0', area: rect(0.5, 0.5, 4, 4.5), count: 20, radius: 0.2 }],
    });
    const progress: number[] = [];
    const r = runScenario(narrow(0.3), { onProgress: (_f, ev) => progress.push(ev) });
    expect(r.agentsUnreachable).toBe(20);
    expect(r.warnings.join('\n')).toMatch(/20 agent\(s\) cannot reach any allowed open exit from where they start: G1 on F0: 20 \(all only through gaps narrower than their body\)/);
    expect(r.warnings.join('\n')).not.toMatch(/still inside/);
    // The progress counts people out, not people who cannot get out (it read "20/20 out").
    expect(Math.max(...progress)).toBe(0);
    // As wide as a body (0.4 m, the segment's length a hair under it in floating point) is an exit for it.
    expect(runScenario(narrow(0.4)).agentsUnreachable).toBe(0);
  });
});

describe('scenarios accepted with a word of warning', () => {
  const base: Scenario = {
    seed: 1, maxTime: 30,
    floors: [{ id: 'F0', walkable: [rect(0, 0, 10, 5)] }],
    exits: [{ id: 'E', floor: 'F0', segment: [[10, 2], [10, 3]] }],
    agentGroups: [{ id: 'G', floor: 'F0', area: rect(1, 1, 4, 4), count: 5 }],
  };
  it('says when nobody is placed and when the time step hint is clamped', () => {
    expect(runScenario({ ...base, agentGroups: [] }).warnings).toContain('nobody to evacuate: the scenario places 0 people (agentGroups)');
    expect(runScenario({ ...base, dt: 100 }).warnings).toContain("dt 100 s is outside the engine's 0.005–0.1 s: the run used 0.1 s");
    expect(runScenario({ ...base, dt: 0.05 }).warnings).toEqual([]);
  });
});
