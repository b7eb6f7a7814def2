import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../../../common/scenario.js';
import { runScenario } from '../../../../workers/sim/runScenario.js';

/**
 * Two rooms on one floor, each a 1.2 m wide corridor to its own exit; a robot stands in the north corridor, so the
 * people behind it cannot pass. The run's results must say who is still inside and which robot holds them.
 */
const scenario = (robot: boolean, maxTime = 60): Scenario => ({
  seed: 2, maxTime,
  floors: [{ id: 'L1', walkable: [[[0, 0], [14, 0], [14, 1.2], [0, 1.2]], [[0, 5], [14, 5], [14, 6.2], [0, 6.2]]] }],
  exits: [{ id: 'S', floor: 'L1', segment: [[14, 0], [14, 1.2]] }, { id: 'N', floor: 'L1', segment: [[14, 5], [14, 6.2]] }],
  agentGroups: [
    { id: 'south', floor: 'L1', area: [[0.3, 0.2], [5, 0.2], [5, 1.0], [0.3, 1.0]], count: 8 },
    { id: 'north', floor: 'L1', area: [[0.3, 5.2], [5, 5.2], [5, 6.0], [0.3, 6.0]], count: 8 },
  ],
  ...(robot ? { obstaclesMoving: [{ id: 'amr-07', floor: 'L1', radius: 0.55, speed: 0, route: [[9, 5.6], [9, 5.6]] as [number, number][] }] } : {}),
});

describe('who is still inside at the end, and what holds them', () => {
  it('names the robot standing in the way and counts the queue behind it', () => {
    const r = runScenario(scenario(true));
    // South corridor: free, everybody out. North: a 1.1 m robot in a 1.2 m corridor, nobody passes.
    expect(r.agentsEvacuated).toBe(8);
    const north = r.agents.filter((a) => a.group === 'north');
    expect(north.every((a) => a.exitTime === null)).toBe(true);
    const held = north.filter((a) => a.heldBy === 'amr-07').length;
    // The queue is pressed together against the robot: all 8, or nearly (one straggler may stand off the queue).
    expect(held).toBeGreaterThanOrEqual(7);
    expect(r.agents.filter((a) => a.group === 'south').every((a) => a.heldBy === undefined)).toBe(true);
    const w = r.warnings.find((s) => s.includes('still inside'));
    expect(w).toContain(`${held} held up behind robot amr-07 (at (9.0, 5.6) on L1)`);
    // The curve of people out runs to the end of the run, its flat tail at 8: not only to the last one out (~15 s).
    expect(r.evacuatedOverTime).toHaveLength(61);
    expect(r.evacuatedOverTime.slice(30)).toEqual(new Array(31).fill(8));
    if (held < 8) expect(w).toContain(`${8 - held} elsewhere (L1: ${8 - held})`);
  });

  it('blames a robot only for people it stands in front of, and not for people who have not started yet', () => {
    // The north group starts just east of the robot (so within reach of it) and walks east, away from it: the robot is
    // behind them. Old attribution: everyone pressed against it, and the crowd pressed against them, "held up".
    const sc = scenario(true, 0.5);
    sc.agentGroups[1] = { ...sc.agentGroups[1]!, area: [[9.7, 5.2], [12, 5.2], [12, 6.0], [9.7, 6.0]] };
    const r = runScenario(sc);
    expect(r.agents.some((a) => a.heldBy !== undefined)).toBe(false);
    expect(r.warnings.find((s) => s.includes('still inside'))).not.toContain('held up');
    // Nobody has moved yet (pre-movement 100 s): they are waiting, not held up, though the robot stands among them.
    const waiting = scenario(true, 3);
    waiting.agentGroups = waiting.agentGroups.map((g) => ({ ...g, premovement: { dist: 'constant', value: 100 } }));
    waiting.agentGroups[1] = { ...waiting.agentGroups[1]!, area: [[7.5, 5.2], [10.5, 5.2], [10.5, 6.0], [7.5, 6.0]] };
    const w = runScenario(waiting);
    expect(w.agents.some((a) => a.heldBy !== undefined)).toBe(false);
    expect(w.warnings.find((s) => s.includes('still inside'))).toMatch(/: 16 not started yet \(pre-movement\)$/);
  });

  it('without a robot, people still inside when time runs out are counted per floor', () => {
    const r = runScenario(scenario(false, 4));
    const inside = r.agentsTotal - r.agentsEvacuated;
    expect(inside).toBeGreaterThan(0);
    expect(r.agents.some((a) => a.heldBy !== undefined)).toBe(false);
    expect(r.warnings.find((s) => s.includes('still inside'))).toMatch(new RegExp(`^${inside} agent\\(s\\) .*: by floor: L1: ${inside}$`));
    expect(r.evacuatedOverTime).toHaveLength(5);
    expect(r.evacuatedOverTime[4]).toBe(r.agentsEvacuated);
  });
});
