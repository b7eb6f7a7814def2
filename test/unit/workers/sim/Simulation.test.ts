import { describe, it, expect } from 'vitest';
import type { Scenario } from '../../../../common/scenario.js';
import { NavMap } from '../../../../workers/nav/NavMap.js';
import { AgentState, Simulation } from '../../../../workers/sim/Simulation.js';

/** A 30 m × 20 m room, 600 people, two 2 m exits, one robot crossing it: dense enough for queues. */
const scenario = (): Scenario => ({
  seed: 1, maxTime: 300,
  floors: [{ id: 'F0', walkable: [[[0, 0], [30, 0], [30, 20], [0, 20]]] }],
  exits: [{ id: 'W', floor: 'F0', segment: [[0, 9], [0, 11]] }, { id: 'E', floor: 'F0', segment: [[30, 9], [30, 11]] }],
  agentGroups: [{ id: 'G', floor: 'F0', area: [[1, 1], [29, 1], [29, 19], [1, 19]], count: 600 }],
  obstaclesMoving: [{ id: 'r', floor: 'F0', radius: 0.4, speed: 1, route: [[15, 2], [15, 18]], loop: true }],
});

function run(seed: number, steps: number): Simulation {
  const s = scenario();
  const sim = new Simulation(s, NavMap.build(s), seed);
  for (let i = 0; i < steps; i++) sim.step();
  return sim;
}

describe('Simulation', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = run(3, 200), b = run(3, 200), c = run(4, 200);
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(Array.from(a.y)).toEqual(Array.from(b.y));
    expect(a.agentSteps).toBe(b.agentSteps);
    expect(Array.from(c.x)).not.toEqual(Array.from(a.x));
  });

  it('keeps bodies apart in the queues (collision-free model) and people out of the robot', () => {
    const sim = run(1, 300);
    expect(sim.agents - sim.remaining).toBeGreaterThan(0); // some left already
    let worst = Infinity;
    const robot = sim.agents;
    for (let i = 0; i < sim.agents; i++) {
      if (sim.state[i] !== AgentState.Walking) continue;
      for (let j = i + 1; j <= robot; j++) {
        if (j < sim.agents && sim.state[j] !== AgentState.Walking) continue;
        const d = Math.hypot(sim.x[i]! - sim.x[j]!, sim.y[i]! - sim.y[j]!) - sim.radius[i]! - sim.radius[j]!;
        if (d < worst) worst = d;
      }
    }
    // first order, velocity set from the gap: overlaps stay a small fraction of a body radius
    expect(worst).toBeGreaterThan(-0.05);
  });
});
