/**
 * Simulation figures as people read them, the same in the Simulation panel and in `twin simulate`'s
 * summary on standard error: a planner who runs one scenario both ways reads the same numbers.
 * The results JSON keeps its full precision (times to the step, statistics to 3 decimals).
 */
import type { SimulationResults } from './scenario.js';

/**
 * Seconds to two decimals, "78.25 s", "77.05 s", "83.40 s": a time step is 0.05 s, so an evacuation time reads
 * whole, and a statistic (mean 73.975) is rounded as written (73.98), not as its binary double (73.97499…).
 */
export function formatSeconds(s: number): string {
  const r = Math.round(Number(`${s}e2`)) / 100;
  return `${(Number.isFinite(r) ? r : s).toFixed(2)} s`;
}

/**
 * The Monte-Carlo line: mean, p50, p95 and sd of the evacuation times, which cover only the runs where everybody left
 * (summarizeRuns), so it says over how many when some run ended with people inside.
 * "3 runs: mean 73.98 s, p50 73.98 s, p95 77.82 s (sd 6.05 s)".
 */
export function runsSummaryLine(r: Pick<SimulationResults, 'runs' | 'summary'>): string {
  const n = r.summary.runs, done = r.runs.filter((x) => x.evacuationTime !== null).length;
  const { mean, p50, p95, sd } = r.summary;
  if (mean === null || p50 === null || p95 === null || sd === null) return `${n} runs: none with everybody out`;
  const over = done < r.runs.length ? ` over the ${done} with everybody out (${r.runs.length - done} ended with people inside)` : '';
  return `${n} runs: mean ${formatSeconds(mean)}, p50 ${formatSeconds(p50)}, p95 ${formatSeconds(p95)} (sd ${formatSeconds(sd)})${over}`;
}
