// Crowd validation: fundamental diagram (RiMEA 4, Weidmann), exit choice (RiMEA 11),
// bottleneck chain (RiMEA 12) and stairs jam (RiMEA 13). Figures are printed one line each.
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../common/scenario';
import { runScenario } from '../../workers/sim/runScenario';

const rect = (x0: number, y0: number, x1: number, y1: number): [number, number][] => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
/** Weidmann (1993): v0 1.34 m/s, γ 1.913 P/m², ρmax 5.4 P/m². */
const weidmann = (rho: number) => 1.34 * (1 - Math.exp(-1.913 * (1 / rho - 1 / 5.4)));

describe('crowd validation', () => {
  it('RiMEA 4: speed falls with density along a Weidmann-shaped fundamental diagram', () => {
    // 60 m × 4 m corridor filled at density ρ, open at its end; a 6 × 3 m area 26 m upstream of the exit is
    // measured for t ∈ [2, 10] s, before the rarefaction from the exit reaches it. Tolerance: ±0.3 m/s. (A 2 × 2 m
    // area held about two people at 0.5 P/m², too few for the speed to fall reliably from one density to the next.)
    const rows: string[] = [];
    let previous = Infinity;
    for (const rho of [0.5, 1, 2, 3]) {
      const s: Scenario = { seed: 4, maxTime: 10, floors: [{ id: 'F0', walkable: [rect(0, 0, 60, 4)] }],
        exits: [{ id: 'E', floor: 'F0', segment: [[60, 0], [60, 4]] }],
        agentGroups: [{ id: 'G', floor: 'F0', area: rect(0, 0, 60, 4), count: Math.round(rho * 240), radius: 0.18 }],
        measurements: { areas: [{ id: 'A', floor: 'F0', polygon: rect(28, 0.5, 34, 3.5) }], areaInterval: 0.5 } };
      const a = runScenario(s).areas.A!;
      const idx = a.t.map((t, i) => [t, i] as const).filter(([t]) => t >= 2 && t <= 10).map(([, i]) => i);
      const v = idx.reduce((sum, i) => sum + a.speed[i]!, 0) / idx.length;
      const d = idx.reduce((sum, i) => sum + a.density[i]!, 0) / idx.length;
      rows.push(`ρ ${rho} (measured ${d.toFixed(2)}): v ${v.toFixed(2)} vs Weidmann ${weidmann(rho).toFixed(2)}`);
      expect(Math.abs(v - weidmann(rho))).toBeLessThanOrEqual(0.3);
      expect(v).toBeLessThan(previous);
      previous = v;
    }
    console.log(`RiMEA 4 fundamental diagram (tolerance ±0.3 m/s): ${rows.join('; ')}`);
  });

  it('RiMEA 11: most use the nearer exit, some switch to the farther one under congestion', () => {
    const s: Scenario = { seed: 11, maxTime: 300, floors: [{ id: 'F0', walkable: [rect(0, 0, 20, 10)] }],
      exits: [{ id: 'near', floor: 'F0', segment: [[0, 4.5], [0, 5.5]] }, { id: 'far', floor: 'F0', segment: [[20, 4.5], [20, 5.5]] }],
      agentGroups: [{ id: 'G', floor: 'F0', area: rect(0.5, 0.5, 7, 9.5), count: 150 }] };
    const r = runScenario(s);
    console.log(`RiMEA 11: near exit ${r.exitUsage.near}, far exit ${r.exitUsage.far} of 150; out by ${r.evacuationTime} s`);
    expect(r.exitUsage.near!).toBeGreaterThan(r.exitUsage.far!);
    expect(r.exitUsage.far!).toBeGreaterThan(0);
    const shortest = runScenario({ ...s, routing: 'shortest' });
    expect(shortest.exitUsage.far).toBe(0);
  });

  it('RiMEA 12: bottleneck chain jams only before the corridor, not in the second room', () => {
    const walk: [number, number][] = [[0, 0], [10, 0], [10, 4.5], [15, 4.5], [15, 0], [25, 0], [25, 10], [15, 10], [15, 5.5], [10, 5.5], [10, 10], [0, 10]];
    const s: Scenario = { seed: 12, maxTime: 400, floors: [{ id: 'F0', walkable: [walk] }],
      exits: [{ id: 'E', floor: 'F0', segment: [[25, 4], [25, 6]] }],
      agentGroups: [{ id: 'G', floor: 'F0', area: rect(0.5, 0.5, 9, 9.5), count: 150 }],
      measurements: { areas: [{ id: 'beforeCorridor', floor: 'F0', polygon: rect(8, 4, 10, 6) }, { id: 'room2', floor: 'F0', polygon: rect(15, 4, 17, 6) },
        { id: 'room2exit', floor: 'F0', polygon: rect(23, 4, 25, 6) }] } };
    const r = runScenario(s);
    const peak = (id: string) => Math.max(...r.areas[id]!.density);
    console.log(`RiMEA 12: peak density before corridor ${peak('beforeCorridor').toFixed(2)}, after corridor ${peak('room2').toFixed(2)}, at room-2 exit ${peak('room2exit').toFixed(2)} P/m² (jam = Fruin F > 2.17); out by ${r.evacuationTime} s`);
    // "Jam" = Fruin level of service F (> 2.17 P/m², reference/pedestrian.md, provisional).
    expect(peak('beforeCorridor')).toBeGreaterThan(2.17);
    expect(peak('room2')).toBeLessThan(2.17);
    expect(peak('room2exit')).toBeLessThan(2.17);
    expect(r.agentsEvacuated).toBe(150);
  });

  it('RiMEA 13: flow onto an upward stair is lower than corridor flow; a queue forms at its foot', () => {
    const s: Scenario = { seed: 13, maxTime: 400, floors: [{ id: 'F0', walkable: [rect(0, 0, 40, 2)] }],
      zones: [{ id: 'stair', floor: 'F0', polygon: rect(25, 0, 35, 2), speedFactor: 0.35 }],
      exits: [{ id: 'E', floor: 'F0', segment: [[40, 0], [40, 2]] }],
      agentGroups: [{ id: 'G', floor: 'F0', area: rect(0, 0, 12, 2), count: 60 }],
      measurements: { lines: [{ id: 'corridor', floor: 'F0', segment: [[15, 0], [15, 2]] }, { id: 'stair', floor: 'F0', segment: [[30, 0], [30, 2]] }],
        areas: [{ id: 'foot', floor: 'F0', polygon: rect(23, 0, 25, 2) }] } };
    const r = runScenario(s);
    const flow = (id: string) => { const t = r.lines[id]!.crossings.filter((c) => c.dir === 1).map((c) => c.t).sort((a, b) => a - b); return (t.length - 11) / (t[t.length - 1]! - t[10]!); };
    const jc = flow('corridor'), js = flow('stair'), foot = Math.max(...r.areas.foot!.density);
    console.log(`RiMEA 13: corridor flow ${jc.toFixed(2)} P/s, stair flow ${js.toFixed(2)} P/s, peak density at the stair foot ${foot.toFixed(2)} P/m²`);
    expect(js).toBeLessThan(jc);
    expect(foot).toBeGreaterThan(1.5);
  });
});
