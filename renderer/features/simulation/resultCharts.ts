/**
 * SVG charts of the Simulation panel: evacuated persons over time (a step curve, s → persons) and
 * the Monte-Carlo histogram of evacuation times (s) with mean / p50 / p95 marks. Plain SVG
 * strings built with numbers only (no user text), so they are safe to assign as markup.
 */
import type { RunSummary } from '../../../common/scenario.js';
import { formatSeconds } from '../../../common/simFigures.js';

const W = 280, H = 110, PAD = { l: 30, r: 6, t: 6, b: 18 };

/** Axes from (x start, 0) to (x end, yMax); the x end reads `xEnd`, and `xStart`, where given, the start. */
function axes(xEnd: string, yMax: number, xStart: string | null = null): string {
  const x0 = PAD.l, y0 = H - PAD.b;
  return `<line x1="${x0}" y1="${y0}" x2="${W - PAD.r}" y2="${y0}" stroke="currentColor" stroke-opacity="0.5"/>` +
    `<line x1="${x0}" y1="${PAD.t}" x2="${x0}" y2="${y0}" stroke="currentColor" stroke-opacity="0.5"/>` +
    `<text x="${x0 - 3}" y="${PAD.t + 8}" font-size="9" text-anchor="end" fill="currentColor">${yMax}</text>` +
    `<text x="${x0 - 3}" y="${y0}" font-size="9" text-anchor="end" fill="currentColor">0</text>` +
    (xStart !== null ? `<text x="${x0}" y="${H - 4}" font-size="9" text-anchor="start" fill="currentColor">${xStart}</text>` : '') +
    `<text x="${W - PAD.r}" y="${H - 4}" font-size="9" text-anchor="end" fill="currentColor">${xEnd}</text>`;
}

/** `overTime[s]` = persons out by second s (the results' evacuatedOverTime). */
export function evacuationCurveSvg(overTime: readonly number[], total: number): string {
  const tMax = Math.max(1, overTime.length - 1), yMax = Math.max(1, total);
  const sx = (t: number) => PAD.l + (t / tMax) * (W - PAD.l - PAD.r), sy = (n: number) => H - PAD.b - (n / yMax) * (H - PAD.t - PAD.b);
  let d = `M${sx(0)},${sy(0)}`;
  overTime.forEach((n, t) => { d += ` L${sx(t).toFixed(1)},${sy(n).toFixed(1)}`; });
  return `<svg viewBox="0 0 ${W} ${H}" width="100%" data-testid="sim-curve">${axes(`${tMax} s`, yMax)}<path d="${d}" fill="none" stroke="#1e6ee6" stroke-width="1.5"/></svg>`;
}

/**
 * Histogram of finished runs' evacuation times (10 bins) with mean (solid), p50 and p95 (dashed); the x axis runs from
 * the shortest to the longest time, each end labelled with its time as the summary line reads it (formatSeconds).
 */
export function histogramSvg(times: readonly number[], s: RunSummary): string {
  if (times.length === 0 || s.min === null || s.max === null) return '';
  const bins = 10, lo = s.min, span = Math.max(s.max - s.min, 1e-6);
  const counts = new Array<number>(bins).fill(0);
  for (const t of times) counts[Math.min(bins - 1, Math.floor(((t - lo) / span) * bins))]!++;
  const cMax = Math.max(...counts);
  const bw = (W - PAD.l - PAD.r) / bins, sx = (t: number) => PAD.l + ((t - lo) / span) * (W - PAD.l - PAD.r);
  const bars = counts.map((c, i) => {
    const h = (c / cMax) * (H - PAD.t - PAD.b);
    return `<rect x="${(PAD.l + i * bw + 1).toFixed(1)}" y="${(H - PAD.b - h).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="#7a9cc6"/>`;
  }).join('');
  const mark = (t: number | null, dash: string, color: string) => (t === null ? '' : `<line x1="${sx(t).toFixed(1)}" y1="${PAD.t}" x2="${sx(t).toFixed(1)}" y2="${H - PAD.b}" stroke="${color}" stroke-dasharray="${dash}"/>`);
  return `<svg viewBox="0 0 ${W} ${H}" width="100%" data-testid="sim-histogram">${axes(formatSeconds(s.max), cMax, formatSeconds(lo))}${bars}` +
    `${mark(s.mean, '', '#c0392b')}${mark(s.p50, '3 2', '#2c3e50')}${mark(s.p95, '1 2', '#8e44ad')}</svg>`;
}
