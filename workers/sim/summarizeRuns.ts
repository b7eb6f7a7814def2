import type { RunSummary, SimulationResults } from '../../common/scenario.js';

/**
 * Statistics of evacuation times over Monte-Carlo runs (spec: mean, sd, min, p50, p95, max).
 * Runs where not everybody left (null) are excluded; all null when no run finished.
 * sd is the sample standard deviation (n − 1); percentiles interpolate linearly between ranks.
 */
export function summarizeRuns(times: readonly (number | null)[]): RunSummary {
  const v = times.filter((t): t is number => t !== null).sort((a, b) => a - b);
  if (v.length === 0) return { runs: times.length, mean: null, sd: null, min: null, p50: null, p95: null, max: null };
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (v.length - 1)) : 0;
  const q = (p: number) => { const r = p * (v.length - 1), lo = Math.floor(r), hi = Math.ceil(r); return v[lo]! + (v[hi]! - v[lo]!) * (r - lo); };
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { runs: times.length, mean: round(mean), sd: round(sd), min: v[0]!, p50: round(q(0.5)), p95: round(q(0.95)), max: v[v.length - 1]! };
}

/**
 * When not everybody left only because some start where no exit can be reached (a doorless room, a storey no
 * stair reaches): the time the last of the others left, s. null when everybody left, or when people who
 * could have left were still inside at the end, or when nobody could reach an exit (there are no others).
 */
export function reachableOutTime(r: Pick<SimulationResults, 'evacuationTime' | 'agentsEvacuated' | 'agentsUnreachable' | 'agentsTotal' | 'agents'>): number | null {
  if (r.evacuationTime !== null || r.agentsUnreachable === 0 || r.agentsEvacuated === 0 || r.agentsEvacuated + r.agentsUnreachable !== r.agentsTotal) return null;
  let last = 0;
  for (const a of r.agents) if (a.exitTime !== null && a.exitTime > last) last = a.exitTime;
  return last;
}
