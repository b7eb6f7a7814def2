// Bottleneck flow against width (Jülich HERMES-style: 4 m long bottleneck, 150 persons) and RiMEA 9.
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../common/scenario';
import { runScenario } from '../../workers/sim/runScenario';

const rect = (x0: number, y0: number, x1: number, y1: number): [number, number][] => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];

describe('bottleneck validation', () => {
  it('specific flow is 1.0–2.0 P/(m·s) and total flow grows with width (provisional reference: HERMES 1.3–2.0)', () => {
    const rows: string[] = [];
    let previous = 0;
    for (const b of [0.8, 1.2, 1.8]) {
      const s: Scenario = { seed: 3, maxTime: 300, floors: [{ id: 'F0', walkable: [[[0, 0], [10, 0], [10, 5 - b / 2], [14, 5 - b / 2], [14, 5 + b / 2], [10, 5 + b / 2], [10, 10], [0, 10]]] }],
        exits: [{ id: 'E', floor: 'F0', segment: [[14, 5 - b / 2], [14, 5 + b / 2]] }],
        agentGroups: [{ id: 'G', floor: 'F0', area: rect(0, 0, 8, 10), count: 150 }],
        measurements: { lines: [{ id: 'L', floor: 'F0', segment: [[12, 5 - b / 2], [12, 5 + b / 2]] }] } };
      const r = runScenario(s);
      const t = r.lines.L!.crossings.filter((c) => c.dir === 1).map((c) => c.t).sort((x, y) => x - y);
      const J = (120 - 20) / (t[120]! - t[20]!); // steady part: crossings 20..120
      rows.push(`b ${b} m: J ${J.toFixed(2)} P/s, Js ${(J / b).toFixed(2)} P/(m·s)`);
      expect(J / b).toBeGreaterThanOrEqual(1.0);
      expect(J / b).toBeLessThanOrEqual(2.0);
      expect(J).toBeGreaterThan(previous);
      previous = J;
    }
    console.log(`bottleneck flow vs width: ${rows.join('; ')}`);
  });

  it('RiMEA 9: closing two of four exits of a 30 × 20 m room with 1000 persons multiplies the time by 1.6–2.4', () => {
    const base: Scenario = { seed: 9, dt: 0.1, maxTime: 900, floors: [{ id: 'F0', walkable: [rect(0, 0, 30, 20)] }],
      exits: [
        { id: 'S1', floor: 'F0', segment: [[7, 0], [8, 0]] }, { id: 'S2', floor: 'F0', segment: [[22, 0], [23, 0]] },
        { id: 'N1', floor: 'F0', segment: [[7, 20], [8, 20]] }, { id: 'N2', floor: 'F0', segment: [[22, 20], [23, 20]] }],
      agentGroups: [{ id: 'G', floor: 'F0', area: rect(1, 1, 29, 19), count: 1000 }] };
    const open = runScenario(base);
    const closed = runScenario({ ...base, exits: base.exits.map((e) => (e.id.startsWith('N') ? { ...e, open: false } : e)) });
    const ratio = closed.evacuationTime! / open.evacuationTime!;
    console.log(`RiMEA 9: four exits ${open.evacuationTime} s, two exits ${closed.evacuationTime} s, ratio ${ratio.toFixed(2)} (criterion 1.6–2.4); usage ${JSON.stringify(open.exitUsage)}`);
    expect(ratio).toBeGreaterThanOrEqual(1.6);
    expect(ratio).toBeLessThanOrEqual(2.4);
  });
});
