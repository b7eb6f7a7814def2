// RiMEA verification tests 1, 2/3, 5, 6, 7, 10 (reference/pedestrian.md), run through the real engine.
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../common/scenario';
import { pointInPolygon, distanceToSegment } from '../../workers/nav/planarGeometry';
import { runScenario } from '../../workers/sim/runScenario';

const rect = (x0: number, y0: number, x1: number, y1: number): [number, number][] => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];

describe('RiMEA verification (single agents and small groups)', () => {
  it('RiMEA 1: one person covers a 40 m × 2 m corridor at 1.33 m/s in 26–34 s', () => {
    const s: Scenario = { maxTime: 100, floors: [{ id: 'F0', walkable: [rect(0, 0, 40, 2)] }],
      exits: [{ id: 'E', floor: 'F0', segment: [[40, 0], [40, 2]] }],
      agentGroups: [{ id: 'G', floor: 'F0', positions: [[0.25, 1]], speed: { dist: 'constant', value: 1.33 } }] };
    const r = runScenario(s);
    console.log(`RiMEA 1: 40 m corridor in ${r.evacuationTime} s (criterion 26–34 s)`);
    expect(r.evacuationTime).toBeGreaterThanOrEqual(26);
    expect(r.evacuationTime).toBeLessThanOrEqual(34);
  });

  for (const dir of ['down', 'up'] as const) {
    it(`RiMEA ${dir === 'up' ? 2 : 3}: 10 m stair ${dir} takes length / stair speed within 5 %`, () => {
      const v0 = 1.2, factor = dir === 'up' ? 0.5 : 0.6; // project defaults for stairs by elevation
      const s: Scenario = { maxTime: 120,
        floors: [{ id: 'A', elevation: dir === 'down' ? 3 : 0, walkable: [rect(0, 0, 5, 2)] }, { id: 'B', elevation: dir === 'down' ? 0 : 3, walkable: [rect(0, 0, 5, 2)] }],
        links: [{ id: 'S', kind: 'stairs', from: { floor: 'A', segment: [[5, 0], [5, 2]] }, to: { floor: 'B', segment: [[0, 0], [0, 2]] }, length: 10 }],
        exits: [{ id: 'E', floor: 'B', segment: [[5, 0], [5, 2]] }],
        agentGroups: [{ id: 'G', floor: 'A', positions: [[1, 1]], speed: { dist: 'constant', value: v0 } }],
        measurements: { trajectories: true } };
      const r = runScenario(s);
      const rows = r.trajectories!['0']!;
      const leftA = Math.max(...rows.filter((p) => p[3] === 'A').map((p) => p[0] as number));
      const onB = Math.min(...rows.filter((p) => p[3] === 'B').map((p) => p[0] as number));
      const expected = 10 / (v0 * factor), measured = onB - leftA;
      console.log(`RiMEA ${dir === 'up' ? 2 : 3}: stair ${dir} ${measured.toFixed(2)} s, expected ${expected.toFixed(2)} s (±5 %)`);
      expect(Math.abs(measured - expected) / expected).toBeLessThanOrEqual(0.05);
      expect(r.agentsEvacuated).toBe(1);
    });
  }

  it('RiMEA 5: each of 10 persons starts moving at its pre-movement time (10–100 s)', () => {
    const s: Scenario = { seed: 5, maxTime: 200, floors: [{ id: 'F0', walkable: [rect(0, 0, 8, 5)] }],
      exits: [{ id: 'E', floor: 'F0', segment: [[8, 2], [8, 3]] }],
      agentGroups: [{ id: 'G', floor: 'F0', area: rect(0.5, 0.5, 6, 4.5), count: 10, premovement: { dist: 'uniform', min: 10, max: 100 } }],
      measurements: { trajectories: true } };
    const r = runScenario(s);
    let worst = 0;
    for (const a of r.agents) {
      const rows = r.trajectories![String(a.id)]!;
      const [, x0, y0] = rows[0] as number[];
      const moved = rows.find((p) => Math.hypot((p[1] as number) - x0!, (p[2] as number) - y0!) > 0.005)!;
      const lag = (moved[0] as number) - a.startTime;
      worst = Math.max(worst, Math.abs(lag));
      expect(a.startTime).toBeGreaterThanOrEqual(10);
      expect(a.startTime).toBeLessThanOrEqual(100);
      expect(lag).toBeGreaterThanOrEqual(-1e-6); // never before its time
      expect(lag).toBeLessThanOrEqual(0.2); // and within a few steps after
    }
    console.log(`RiMEA 5: 10 persons, start lag vs pre-movement time ≤ ${worst.toFixed(3)} s; all out by ${r.evacuationTime} s`);
    expect(r.agentsEvacuated).toBe(10);
  });

  it('RiMEA 6: 20 persons round a left-hand corner never pass through walls', () => {
    const walk: [number, number][] = [[0, 0], [12, 0], [12, 12], [10, 12], [10, 2], [0, 2]];
    const s: Scenario = { seed: 6, maxTime: 120, floors: [{ id: 'F0', walkable: [walk] }],
      exits: [{ id: 'E', floor: 'F0', segment: [[10, 12], [12, 12]] }],
      agentGroups: [{ id: 'G', floor: 'F0', area: rect(0, 0, 5, 2), count: 20 }], measurements: { trajectories: true } };
    const r = runScenario(s);
    let minClear = Infinity, points = 0;
    for (const rows of Object.values(r.trajectories!)) for (const p of rows) {
      const x = p[1] as number, y = p[2] as number;
      points++;
      expect(pointInPolygon(x, y, walk)).toBe(true);
      for (let i = 0; i < walk.length; i++) {
        const a = walk[i]!, b = walk[(i + 1) % walk.length]!;
        if (a[1] === 12 && b[1] === 12) continue; // the exit edge
        minClear = Math.min(minClear, distanceToSegment(x, y, a[0], a[1], b[0], b[1]));
      }
    }
    console.log(`RiMEA 6: ${points} trajectory points, all inside; smallest centre–wall distance ${minClear.toFixed(3)} m (radius 0.2 m); out by ${r.evacuationTime} s`);
    expect(minClear).toBeGreaterThanOrEqual(0.1); // radius 0.2 minus 0.1 m tolerance
    expect(r.agentsEvacuated).toBe(20);
  });

  it('RiMEA 7: measured free speeds stay within each demographic group\'s range', () => {
    const groups = [['<30', 0.58, 1.61], ['30-50', 1.41, 1.54], ['>50', 0.68, 1.41], ['impaired', 0.46, 0.76]] as const;
    const s: Scenario = { seed: 7, maxTime: 200, floors: [{ id: 'F0', walkable: [rect(0, 0, 30, 41)] }],
      exits: [{ id: 'E', floor: 'F0', segment: [[30, 0], [30, 41]] }],
      agentGroups: groups.map(([id, min, max], g) => ({ id, floor: 'F0', speed: { dist: 'uniform' as const, min, max },
        positions: Array.from({ length: 10 }, (_, k) => [1, 0.5 + g * 10 + k] as [number, number]) })) };
    const r = runScenario(s);
    const parts = groups.map(([id, min, max]) => {
      const v = r.agents.filter((a) => a.group === id).map((a) => a.distance / (a.exitTime! - a.startTime));
      for (const x of v) { expect(x).toBeGreaterThanOrEqual(min * 0.98); expect(x).toBeLessThanOrEqual(max * 1.001); }
      return `${id} ${Math.min(...v).toFixed(2)}–${Math.max(...v).toFixed(2)} (range ${min}–${max})`;
    });
    console.log(`RiMEA 7: measured free speeds m/s: ${parts.join('; ')}`);
  });

  it('RiMEA 10: every person uses its assigned exit, even the farther one', () => {
    const s: Scenario = { seed: 10, maxTime: 200, floors: [{ id: 'F0', walkable: [rect(0, 0, 20, 10)], obstacles: [rect(9.8, 0, 10.2, 4), rect(9.8, 6, 10.2, 10)] }],
      exits: [{ id: 'W', floor: 'F0', segment: [[0, 4], [0, 6]] }, { id: 'E', floor: 'F0', segment: [[20, 4], [20, 6]] }],
      agentGroups: [
        { id: 'toEast', floor: 'F0', area: rect(1, 1, 8, 9), count: 15, exits: ['E'] },
        { id: 'toWest', floor: 'F0', area: rect(12, 1, 19, 9), count: 15, exits: ['W'] },
      ] };
    const r = runScenario(s);
    const ok = r.agents.filter((a) => a.exit === (a.group === 'toEast' ? 'E' : 'W')).length;
    console.log(`RiMEA 10: ${ok}/30 persons left by their assigned exit; out by ${r.evacuationTime} s`);
    expect(ok).toBe(30);
  });
});
