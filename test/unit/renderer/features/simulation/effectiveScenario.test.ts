import { describe, it, expect } from 'vitest';
import type { Scenario } from '../../../../../common/scenario.js';
import { effectiveScenario, LIVE_ROBOT_RADIUS, liveRobotObstacles, PREMOVEMENT, SPEED } from '../../../../../renderer/features/simulation/effectiveScenario.js';
import { fruinColor } from '../../../../../renderer/features/simulation/fruinColor.js';
import { playbackFrame, robotFrame } from '../../../../../renderer/features/simulation/PlaybackFrame.js';

const noRobots = { count: 0, ids: [], radius: new Float32Array(0), x: new Float32Array(0), y: new Float32Array(0), floor: new Uint8Array(0) };
import { initialSimulationState } from '../../../../../renderer/stores/simulationStore.js';
import { runScenario } from '../../../../../workers/sim/runScenario.js';

const base: Scenario = {
  maxTime: 200, seed: 1,
  floors: [{ id: 'F0', walkable: [[[0, 0], [20, 0], [20, 6], [0, 6]]] }],
  exits: [{ id: 'east', floor: 'F0', segment: [[20, 2], [20, 4]] }, { id: 'west', floor: 'F0', segment: [[0, 2], [0, 4]] }],
  agentGroups: [{ id: 'g', floor: 'F0', area: [[8, 1], [12, 1], [12, 5], [8, 5]], count: 10 }],
};
const opts = initialSimulationState.options;

describe('effectiveScenario', () => {
  it('a closed exit is not used by anybody', () => {
    const r = runScenario(effectiveScenario(base, { ...opts, exitsOpen: { west: false } }));
    expect(r.exitUsage).toEqual({ east: 10, west: 0 });
    expect(base.exits[1]!.open).toBeUndefined(); // the loaded scenario is not mutated
  });

  it('occupants per space: the count set in the panel replaces the group count, and that many people leave', () => {
    const two: Scenario = { ...base, agentGroups: [...base.agentGroups, { id: 'h', floor: 'F0', area: [[2, 1], [6, 1], [6, 5], [2, 5]], count: 5 }] };
    const r = runScenario(effectiveScenario(two, { ...opts, groupCounts: { g: 3, h: 0 } }));
    expect(r.agentsTotal).toBe(3);
    expect(r.agentsEvacuated).toBe(3);
    expect(two.agentGroups.map((g) => g.count)).toEqual([10, 5]); // the loaded scenario is not mutated
  });

  it('live robots halted where they are: on the floor of their storey, in the way of the people; a scenario\'s own robots win', () => {
    const storeys: Scenario = { ...base, floors: [{ ...base.floors[0]!, id: '1F' }, { id: '2F#2', walkable: base.floors[0]!.walkable }], exits: base.exits.map((e) => ({ ...e, floor: '1F' })), agentGroups: base.agentGroups.map((g) => ({ ...g, floor: '1F' })) };
    const live = [{ id: 'robot-01', floor: '1F', x: 15, y: 3 }, { id: 'robot-02', floor: '2F', x: 4, y: 2 }, { id: 'robot-03', floor: 'B1', x: 1, y: 1 }];
    const { obstacles, elsewhere } = liveRobotObstacles(storeys, live);
    expect(obstacles).toEqual([
      { id: 'robot-01', floor: '1F', radius: LIVE_ROBOT_RADIUS, speed: 0, route: [[15, 3], [15, 3]] },
      { id: 'robot-02', floor: '2F#2', radius: LIVE_ROBOT_RADIUS, speed: 0, route: [[4, 2], [4, 2]] },
    ]);
    expect(elsewhere).toBe(1); // B1 is not in the scenario
    const sc = effectiveScenario(storeys, { ...opts, robotSource: 'live', liveRobots: live });
    expect(sc.obstaclesMoving).toEqual(obstacles);
    // They stay put for the whole run (a robot parked in the corridor to the east exit).
    const r = runScenario({ ...sc, measurements: { trajectories: false } });
    expect(r.agentsEvacuated).toBe(10);
    expect(effectiveScenario(storeys, { ...opts, robotSource: 'live', liveRobots: live, robots: false }).obstaclesMoving).toEqual([]);
    const own: Scenario = { ...storeys, obstaclesMoving: [{ id: 'R', floor: '1F', radius: 0.3, speed: 1, route: [[1, 1], [5, 1]] }] };
    expect(effectiveScenario(own, { ...opts, robotSource: 'live', liveRobots: live }).obstaclesMoving).toEqual(own.obstaclesMoving);
    expect(effectiveScenario(storeys, { ...opts, robotCount: 2 }).obstaclesMoving).toHaveLength(2); // generated, the default
  });

  it('RiMEA pre-movement makes the evacuation take at least 10 s longer than none', () => {
    const none = runScenario(effectiveScenario(base, { ...opts, premovement: 'none' })).evacuationTime!;
    const rimea = runScenario(effectiveScenario(base, { ...opts, premovement: 'rimea10-100' })).evacuationTime!;
    expect(rimea).toBeGreaterThan(none + 10);
    expect(effectiveScenario(base, { ...opts, premovement: 'rimea10-100', speed: 'slow' }).agentGroups[0]).toMatchObject({ premovement: PREMOVEMENT['rimea10-100'], speed: SPEED.slow });
  });

  it('robots: generated ones inside the floor when the scenario has none; off removes them', () => {
    const on = effectiveScenario(base, { ...opts, robots: true, robotCount: 2 });
    expect(on.obstaclesMoving).toHaveLength(2);
    for (const r of on.obstaclesMoving!) for (const [x, y] of r.route) { expect(x).toBeGreaterThan(0); expect(x).toBeLessThan(20); expect(y).toBeGreaterThan(0); expect(y).toBeLessThan(6); }
    expect(effectiveScenario({ ...base, obstaclesMoving: on.obstaclesMoving }, { ...opts, robots: false }).obstaclesMoving).toEqual([]);
  });

  it('robots on with a scenario that has no floor, or 0 robots asked for: none generated, nothing thrown', () => {
    // Before: "Cannot read properties of undefined (reading 'walkable')" in the page when Run was pressed.
    expect(effectiveScenario({ ...base, floors: [], agentGroups: [] }, { ...opts, robots: true, robotCount: 0 }).obstaclesMoving).toEqual([]);
    expect(effectiveScenario({ ...base, floors: [], agentGroups: [] }, { ...opts, robots: true, robotCount: 3 }).obstaclesMoving).toEqual([]);
    expect(effectiveScenario(base, { ...opts, robots: true, robotCount: 0 }).obstaclesMoving).toEqual([]);
  });
});

describe('fruinColor', () => {
  it('uses the Fruin walkway boundaries (inclusive upper bounds)', () => {
    expect([0.31, 0.32, 0.43, 0.72, 1.08, 2.17, 2.18].map((d) => fruinColor(d).los)).toEqual(['A', 'B', 'B', 'C', 'D', 'E', 'F']);
  });
});

describe('playbackFrame', () => {
  it('interpolates between samples and hides agents gone or on another floor', () => {
    const track = { interval: 0.5, frames: 2, agents: 3, x: Float32Array.of(0, 5, 1, 2, NaN, 1), y: Float32Array.of(0, 5, 1, 4, NaN, 1), floor: Uint8Array.of(0, 0, 1, 0, 0, 1), robots: noRobots };
    const out = new Float32Array(6);
    expect(playbackFrame(track, 0.25, 0, out)).toBe(2);
    expect([out[0], out[1]]).toEqual([1, 2]);
    expect([out[2], out[3]]).toEqual([5, 5]); // leaves at the next sample: stays where last seen
    expect(Number.isNaN(out[4]!)).toBe(true);
  });

  it('robotFrame interpolates the robots of the same frames, per floor', () => {
    // two robots, two frames: robot 0 on floor 0 moves (2,2) → (4,2); robot 1 stays on floor 1
    const robots = { count: 2, ids: ["R0", "R1"], radius: Float32Array.of(0.4, 0.5), x: Float32Array.of(2, 9, 4, 9), y: Float32Array.of(2, 9, 2, 9), floor: Uint8Array.of(0, 1, 0, 1) };
    const track = { interval: 0.5, frames: 2, agents: 1, x: Float32Array.of(1, 1), y: Float32Array.of(1, 1), floor: Uint8Array.of(0, 0), robots };
    const out = new Float32Array(4);
    expect(robotFrame(track, 0.25, 0, out)).toBe(1);
    expect([out[0], out[1]]).toEqual([3, 2]);
    expect(Number.isNaN(out[2]!)).toBe(true);
    expect(robotFrame(track, 0.5, 1, out)).toBe(1);
    expect([out[2], out[3]]).toEqual([9, 9]);
    expect(robotFrame({ ...track, robots: noRobots }, 0.25, 0, new Float32Array(0))).toBe(0);
  });
});
