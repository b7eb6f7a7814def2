// Stair capacity: a flight that people queue for passes the IMO maximum specific flow for stairs down
// (MSC.1/Circ.1238: 1.1 P/(m·s), ../shared/reference/pedestrian.md), whatever the time step.
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../common/scenario';
import { runScenario } from '../../workers/sim/runScenario';

const rect = (x0: number, y0: number, x1: number, y1: number): [number, number][] => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
const WIDTH = 1.5, IMO_DOWN = 1.1;

/** 250 people on the upper floor queue for a 1.5 m flight down; the landing runs on ahead of its foot. Steady flow = people over a line after the first 50. */
function stairFlow(dt: number): number {
  const s: Scenario = { seed: 7, maxTime: 600, dt,
    floors: [{ id: 'A', elevation: 4, walkable: [rect(0, 0, 10, 10)] }, { id: 'B', elevation: 0, walkable: [rect(0, 0, 20, 10)] }],
    links: [{ id: 'S', kind: 'stairs', from: { floor: 'A', segment: [[10, 4.25], [10, 4.25 + WIDTH]] }, to: { floor: 'B', segment: [[0, 4.25], [0, 4.25 + WIDTH]] }, length: 7.7 }],
    exits: [{ id: 'E', floor: 'B', segment: [[20, 0], [20, 10]] }],
    agentGroups: [{ id: 'G', floor: 'A', area: rect(0.5, 0.5, 9.5, 9.5), count: 250 }],
    measurements: { lines: [{ id: 'L', floor: 'B', segment: [[8, 0], [8, 10]] }] } };
  const r = runScenario(s);
  expect(r.agentsEvacuated).toBe(250);
  const t = r.lines.L!.crossings.map((c) => c.t).sort((a, b) => a - b);
  return (t.length - 51) / (t[t.length - 1]! - t[50]!);
}

describe('stair capacity', () => {
  for (const dt of [0.05, 0.1]) {
    it(`a queued 1.5 m flight down passes 1.1 P/(m·s) ± 10 % at dt ${dt} s`, () => {
      const flow = stairFlow(dt);
      console.log(`stair capacity (dt ${dt} s): ${flow.toFixed(2)} P/s = ${(flow / WIDTH).toFixed(2)} P/(m·s) (IMO stairs down ${IMO_DOWN})`);
      expect(flow / WIDTH).toBeGreaterThanOrEqual(0.9 * IMO_DOWN);
      expect(flow / WIDTH).toBeLessThanOrEqual(1.1 * IMO_DOWN);
    });
  }
});
