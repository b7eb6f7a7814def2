import { describe, expect, it } from 'vitest';
import { evacuationCurveSvg, histogramSvg } from '../../../../../renderer/features/simulation/resultCharts.js';

/** The labels a user reads on a chart, in document order. */
const labels = (svg: string): string[] => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
/** The stroke and dash of each line with a `<title>` (the histogram's marks), and of each legend sample, by name. */
const markStyles = (svg: string) => [...svg.matchAll(/<line [^>]*stroke="(#[0-9a-f]+)"[^>]*stroke-dasharray="([^"]*)"><title>(\w+) /g)].map((m) => `${m[3]} ${m[1]} ${m[2]}`);
const legendStyles = (svg: string) => [...svg.matchAll(/<g data-role="legend-item"><line [^>]*stroke="(#[0-9a-f]+)"[^>]*stroke-dasharray="([^"]*)"\/><text[^>]*>(\w+)</g)].map((m) => `${m[3]} ${m[1]} ${m[2]}`);

// room.json (10 × 5 m, 50 people, 2 exits), 5 runs, seed 42: 17.35, 19.65, 24.05, 16.85, 16.2 s.
const times = [17.35, 19.65, 24.05, 16.85, 16.2];
const summary = { runs: 5, mean: 18.82, sd: 3.2, min: 16.2, p50: 17.35, p95: 23.17, max: 24.05 };

describe('Simulation result charts', () => {
  it('Monte-Carlo histogram: the y axis counts runs, the x axis is the evacuation time in s from the shortest to the longest run', () => {
    // Before: '2', '0', '16.2 s', '24.1 s': the y axis without a unit, and the longest run 24.05 s read '24.1 s'
    // while the summary line and `twin simulate` give times to two decimals.
    expect(labels(histogramSvg(times, summary)).slice(0, 6)).toEqual(['runs', '2', '0', '16.20 s', 'evacuation time, s', '24.05 s']);
  });

  it('Monte-Carlo histogram: a legend names the mean, p50 and p95 lines in the style each is drawn in', () => {
    // Before: three vertical lines (solid, dashed, dotted) and nothing to say which is which.
    const svg = histogramSvg(times, summary);
    expect(labels(svg).slice(6)).toEqual(['mean', 'p50', 'p95']);
    expect(legendStyles(svg)).toEqual(markStyles(svg));
    expect(markStyles(svg)).toHaveLength(3);
    expect(svg).toContain('<title>p95 23.17 s</title>');
  });

  it('evacuation curve: people out on the y axis, time in s on the x axis from 0 to the last second', () => {
    // Before: '10', '0', '4 s': the y axis without a unit.
    expect(labels(evacuationCurveSvg([0, 0, 3, 8, 10], 10))).toEqual(['people out', '10', '0', 'time, s', '4 s']);
  });
});
