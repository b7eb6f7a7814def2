/**
 * SVG charts of the Simulation panel: evacuated persons over time (a step curve, s → people) and
 * the Monte-Carlo histogram of evacuation times (s → runs) with mean / p50 / p95 marks. Each names
 * its axes' units: the y unit above the y axis, the x quantity and unit between the x axis' end
 * figures; the histogram's marks have a legend in the same top row. Plain SVG strings built with
 * numbers and fixed words only (no user text), so they are safe to assign as markup.
 */
import type { RunSummary } from '../../../common/scenario.js';
import { formatSeconds } from '../../../common/simFigures.js';

/** Chart box (viewBox units) and its margins: the top one holds the y unit and the legend, the bottom one the x labels. */
const W = 280, H = 122, PAD = { l: 30, r: 6, t: 18, b: 18 };
const FONT_PX = 10, FONT = `font-size="${FONT_PX}" fill="currentColor"`;

/** The histogram's marks: colour and dash of each line, as drawn and in the legend. */
export const MARKS = [
  { key: 'mean', label: 'mean', color: '#e05a47', dash: '' },
  { key: 'p50', label: 'p50', color: '#f0b429', dash: '3 2' },
  { key: 'p95', label: 'p95', color: '#e84fd1', dash: '1.5 1.5' },
] as const;

/**
 * Axes from (x start, 0) to (x end, yMax): the y axis reads 0 and yMax, with `yUnit` above it; the x axis reads
 * `xStart` (where given) and `xEnd` at its ends and `xTitle` between them.
 */
function axes(o: { xEnd: string; xStart?: string; xTitle: string; yMax: number; yUnit: string }): string {
  const x0 = PAD.l, y0 = H - PAD.b, yText = H - 4;
  return `<line x1="${x0}" y1="${y0}" x2="${W - PAD.r}" y2="${y0}" stroke="currentColor" stroke-opacity="0.5"/>` +
    `<line x1="${x0}" y1="${PAD.t}" x2="${x0}" y2="${y0}" stroke="currentColor" stroke-opacity="0.5"/>` +
    `<text x="2" y="${PAD.t - 6.5}" ${FONT} data-role="y-unit">${o.yUnit}</text>` +
    `<text x="${x0 - 3}" y="${PAD.t + 8}" ${FONT} text-anchor="end">${o.yMax}</text>` +
    `<text x="${x0 - 3}" y="${y0}" ${FONT} text-anchor="end">0</text>` +
    (o.xStart !== undefined ? `<text x="${x0}" y="${yText}" ${FONT} text-anchor="start">${o.xStart}</text>` : '') +
    `<text x="${(x0 + W - PAD.r) / 2}" y="${yText}" ${FONT} fill-opacity="0.75" text-anchor="middle" data-role="x-title">${o.xTitle}</text>` +
    `<text x="${W - PAD.r}" y="${yText}" ${FONT} text-anchor="end">${o.xEnd}</text>`;
}

/** `overTime[s]` = persons out by second s (the results' evacuatedOverTime). */
export function evacuationCurveSvg(overTime: readonly number[], total: number): string {
  const tMax = Math.max(1, overTime.length - 1), yMax = Math.max(1, total);
  const sx = (t: number) => PAD.l + (t / tMax) * (W - PAD.l - PAD.r), sy = (n: number) => H - PAD.b - (n / yMax) * (H - PAD.t - PAD.b);
  let d = `M${sx(0)},${sy(0)}`;
  overTime.forEach((n, t) => { d += ` L${sx(t).toFixed(1)},${sy(n).toFixed(1)}`; });
  return `<svg viewBox="0 0 ${W} ${H}" width="100%" data-testid="sim-curve" role="img" aria-label="People out over time">` +
    `${axes({ xEnd: `${tMax} s`, xTitle: 'time, s', yMax, yUnit: 'people out' })}<path d="${d}" fill="none" stroke="#1e6ee6" stroke-width="1.5"/></svg>`;
}

/** The marks' legend, right-aligned in the top margin: a short line in each mark's style, then its name. */
function legend(): string {
  // Each item: a 12-unit sample, 3 of space, its name (at most 0.62 em a character), 8 before the next.
  const widths = MARKS.map((m) => 12 + 3 + Math.ceil(m.label.length * FONT_PX * 0.62) + 8);
  const y = PAD.t - 10;
  let x = W - PAD.r - widths.reduce((a, b) => a + b, 0) + 8;
  return MARKS.map((m, i) => {
    const at = x;
    x += widths[i]!;
    return `<g data-role="legend-item"><line x1="${at}" y1="${y}" x2="${at + 12}" y2="${y}" stroke="${m.color}" stroke-width="2" stroke-dasharray="${m.dash}"/>` +
      `<text x="${at + 15}" y="${y + 3.5}" ${FONT}>${m.label}</text></g>`;
  }).join('');
}

/**
 * Histogram of finished runs' evacuation times (10 bins) with mean (solid), p50 (dashed) and p95 (dotted), named in a
 * legend; the x axis runs from the shortest to the longest time, each end labelled with its time as the summary line
 * reads it (formatSeconds); the y axis counts runs.
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
  const marks = MARKS.map((m) => {
    const t = s[m.key];
    return t === null ? '' : `<line x1="${sx(t).toFixed(1)}" y1="${PAD.t}" x2="${sx(t).toFixed(1)}" y2="${H - PAD.b}" stroke="${m.color}" stroke-width="2" stroke-dasharray="${m.dash}"><title>${m.label} ${formatSeconds(t)}</title></line>`;
  }).join('');
  return `<svg viewBox="0 0 ${W} ${H}" width="100%" data-testid="sim-histogram" role="img" aria-label="Evacuation time per run">` +
    `${axes({ xEnd: formatSeconds(s.max), xStart: formatSeconds(lo), xTitle: 'evacuation time, s', yMax: cMax, yUnit: 'runs' })}${legend()}${bars}${marks}</svg>`;
}
