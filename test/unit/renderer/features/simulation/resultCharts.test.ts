import { describe, expect, it } from 'vitest';
import { evacuationCurveSvg, histogramSvg } from '../../../../../renderer/features/simulation/resultCharts.js';

/** The labels a user reads on a chart, in document order. */
const labels = (svg: string): string[] => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

describe('Simulation result charts', () => {
  it('Monte-Carlo histogram: the x axis ends read the shortest and the longest evacuation time', () => {
    // room.json (10 × 5 m, 50 people, 2 exits), 5 runs, seed 42: 17.35, 19.65, 24.05, 16.85, 16.2 s.
    // Before: the axis end read '7.9 s (from 16.2 s)', the spread, where a user reads the longest time.
    const svg = histogramSvg([17.35, 19.65, 24.05, 16.85, 16.2], { runs: 5, mean: 18.82, sd: 3.2, min: 16.2, p50: 17.35, p95: 23.17, max: 24.05 });
    // Then '24.1 s' for the longest run, 24.05 s in the results and in `twin simulate`: now as the summary line reads times.
    expect(labels(svg)).toEqual(['2', '0', '16.20 s', '24.05 s']);
  });

  it('evacuation curve: from 0, its end is the last second, its top the occupants', () => {
    expect(labels(evacuationCurveSvg([0, 0, 3, 8, 10], 10))).toEqual(['10', '0', '4 s']);
  });
});
