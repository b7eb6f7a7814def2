import { describe, expect, it } from 'vitest';
import { formatSeconds, runsSummaryLine } from '../../../common/simFigures.js';

describe('simulation figures (Simulation panel and twin simulate)', () => {
  it('seconds read to two decimals: a 0.05 s step time whole, a statistic rounded as written', () => {
    // testbed-complex.ifc, 50 occupants, seed 3: 77.05 s. The panel read '77.0 s' (toFixed(1) of 77.04999…).
    expect(formatSeconds(77.05)).toBe('77.05 s');
    expect(formatSeconds(78.3)).toBe('78.30 s');
    expect(formatSeconds(73.975)).toBe('73.98 s'); // not '73.97 s', the double's 73.97499…
    expect(formatSeconds(0)).toBe('0.00 s');
    expect(formatSeconds(1200)).toBe('1200.00 s');
    expect(formatSeconds(1e-7)).toBe('0.00 s');
  });

  it('the Monte-Carlo line', () => {
    // testbed-complex.ifc, 50 occupants, 4 runs: `twin simulate` printed "4 runs mean 78.25 s", the panel "mean 78.3 s, p50 77.7 s".
    const runs = [78.3, 84.3, 77.05, 73.35].map((t, i) => ({ seed: i + 1, evacuationTime: t, agentsEvacuated: 50 }));
    expect(runsSummaryLine({ runs, summary: { runs: 4, mean: 78.25, sd: 4.548, min: 73.35, p50: 77.675, p95: 83.4, max: 84.3 } }))
      .toBe('4 runs: mean 78.25 s, p50 77.68 s, p95 83.40 s (sd 4.55 s)');
  });
});
