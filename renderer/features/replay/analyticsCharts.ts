/**
 * Canvas drawing for the Analytics panel: the timeline strip, line charts over time (occupancy per space, flows
 * through a door in both directions, the compared runs' occupancy on one clock) with a y axis,
 * time labels and a legend; and a window heatmap in Fruin colours (one square per cell, north up).
 * Scaling comes from analyticsModel.ts (pure, unit-tested); these functions only paint.
 */
import type { ReplayInfo, StoreyHeatmap } from '../../../common/replay.js';
import { FRUIN_COLOURS, fruinIndex } from '../../../workers/peopleflow/fruin.js';
import { chartScale, clockLabel, niceMax, seriesMax } from './analyticsModel.js';

export interface ChartSeries {
  label: string;
  values: readonly (number | null)[];
  colour: string;
}

/** Colours of the panel's series, in order. */
export const SERIES_COLOURS = ['#20c997', '#fcc419', '#4dabf7', '#ff8787', '#b197fc'];

const FG = '#c9d1d9';

/**
 * A line chart of `series` over `times` (bucket end times, epoch ms): title top-left, legend
 * top-right, 0 / half / max gridlines, first and last time under the x axis. Step lines when
 * `step` (counts per bucket), else straight segments; nulls break the line. Without data it says
 * `empty` (default: no data in this window).
 */
export function drawLineChart(canvas: HTMLCanvasElement, title: string, times: readonly number[], series: readonly ChartSeries[], o: { step?: boolean; unit?: string; empty?: string } = {}): void {
  const g = canvas.getContext('2d');
  if (!g) return;
  const w = canvas.width;
  const h = canvas.height;
  g.clearRect(0, 0, w, h);
  g.fillStyle = '#161b22';
  g.fillRect(0, 0, w, h);
  g.font = '11px system-ui, sans-serif';
  g.fillStyle = FG;
  g.textAlign = 'left';
  g.fillText(title, 6, 13);
  // The legend goes right of the title, or on a line of its own when they would overlap.
  const legendW = series.reduce((sum, s) => sum + g.measureText(s.label).width + 22, 0);
  const legendY = 6 + g.measureText(title).width + 16 + legendW > w ? 27 : 13;
  const box = { left: 36, top: legendY + 7, right: w - 8, bottom: h - 16 };
  const n = times.length;
  if (n === 0 || series.length === 0) {
    g.fillText(o.empty ?? 'no data in this window', box.left, (box.top + box.bottom) / 2);
    return;
  }
  const top = niceMax(seriesMax(series.map((s) => s.values)));
  const t0 = n > 1 ? times[0]! - (times[1]! - times[0]!) : times[0]! - 1000;
  const t1 = times[n - 1]!;
  const sc = chartScale(box, t0, t1, top);
  g.globalAlpha = 0.3;
  g.strokeStyle = FG;
  g.beginPath();
  for (const v of [0, top / 2, top]) {
    g.moveTo(box.left, sc.y(v));
    g.lineTo(box.right, sc.y(v));
  }
  g.stroke();
  g.globalAlpha = 1;
  g.textAlign = 'right';
  for (const v of [0, top / 2, top]) g.fillText(`${v}${v === top && o.unit ? ' ' + o.unit : ''}`, box.left - 4, sc.y(v) + 4);
  g.textAlign = 'left';
  g.fillText(clockLabel(t0), box.left, h - 3);
  g.textAlign = 'right';
  g.fillText(clockLabel(t1), box.right, h - 3);
  g.lineWidth = 1.5;
  for (const s of series) {
    g.strokeStyle = s.colour;
    g.beginPath();
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) {
        pen = false;
        return;
      }
      const xa = sc.x(i === 0 ? t0 : times[i - 1]!);
      const xb = sc.x(times[i]!);
      const y = sc.y(v);
      if (o.step) {
        if (pen) g.lineTo(xa, y);
        else g.moveTo(xa, y);
        g.lineTo(xb, y);
      } else if (pen) g.lineTo(xb, y);
      else g.moveTo(xb, y);
      pen = true;
    });
    g.stroke();
  }
  // Legend, right-aligned on the title line.
  let x = w - 8;
  g.textAlign = 'right';
  for (const s of [...series].reverse()) {
    g.fillStyle = FG;
    g.fillText(s.label, x, legendY);
    x -= g.measureText(s.label).width + 4;
    g.fillStyle = s.colour;
    g.fillRect(x - 10, legendY - 7, 10, 8);
    x -= 18;
  }
}

const css = (c: readonly number[]) => `rgba(${c[0]},${c[1]},${c[2]},${((c[3] ?? 255) / 255).toFixed(2)})`;

/**
 * A window heatmap on a canvas (dark background, Fruin colour per cell), with a caption. `m` undefined: `empty` says why
 * (no positions on the storey; or, before any heatmap was computed, how to get one).
 */
export function drawHeatmapCanvas(canvas: HTMLCanvasElement, m: StoreyHeatmap | undefined, caption: string, empty = 'no positions on this storey in the window'): void {
  const g = canvas.getContext('2d');
  if (!g) return;
  g.fillStyle = '#111';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.font = '11px system-ui, sans-serif';
  g.fillStyle = FG;
  g.textAlign = 'left';
  if (!m || m.cols === 0 || m.rows === 0) {
    g.fillText(`${caption}: ${empty}`, 6, 14);
    canvas.setAttribute('aria-label', `${caption}: ${empty}`);
    return;
  }
  canvas.setAttribute('aria-label', `${caption}: density heatmap of ${m.floor}, peak ${m.peak.toFixed(2)} P/m²`);
  const top = 18;
  const scale = Math.min(canvas.width / m.cols, (canvas.height - top) / m.rows);
  for (let i = 0; i < m.density.length; i++) {
    const d = m.density[i]!;
    if (!(d > 0)) continue;
    g.fillStyle = css(FRUIN_COLOURS[fruinIndex(d)]!);
    const c = i % m.cols;
    const r = Math.floor(i / m.cols);
    g.fillRect(c * scale, canvas.height - (r + 1) * scale, Math.ceil(scale), Math.ceil(scale));
  }
  g.fillStyle = FG;
  g.fillText(`${caption} · ${m.floor} · peak ${m.peak.toFixed(2)} P/m²`, 6, 13);
}

/** The Fruin legend (level swatches with bounds) as DOM, for under the heatmaps. */
export function fruinLegend(): HTMLElement {
  const bounds = ['≤0.31', '≤0.43', '≤0.72', '≤1.08', '≤2.17', '>2.17'];
  const div = document.createElement('div');
  div.style.cssText = 'display:flex;gap:8px;font-size:11px;align-items:center;flex-wrap:wrap';
  ['A', 'B', 'C', 'D', 'E', 'F'].forEach((l, i) => {
    const s = document.createElement('span');
    const sw = document.createElement('span');
    sw.style.cssText = `display:inline-block;width:10px;height:10px;margin-right:3px;background:${css(FRUIN_COLOURS[i]!)}`;
    s.append(sw, `${l} ${bounds[i]}`);
    div.append(s);
  });
  div.append(' P/m² (Fruin LOS)');
  return div;
}

/**
 * The timeline strip over the whole recording: message rate (bars), people (line), alerts (red
 * marks at the top) and the loop range (shaded).
 */
export function drawTimelineStrip(strip: HTMLCanvasElement, info: ReplayInfo | null, loop: { start: number; end: number } | null): void {
  const g = strip.getContext('2d');
  if (!g) return;
  g.clearRect(0, 0, strip.width, strip.height);
  const tl = info?.timeline;
  if (!tl || !info?.range) return;
  const n = tl.rate.length;
  const maxRate = Math.max(1, ...tl.rate);
  const maxPeople = Math.max(1, ...tl.people.map((p) => p ?? 0));
  const w = strip.width / n;
  g.fillStyle = '#5c7cfa';
  tl.rate.forEach((r, i) => g.fillRect(i * w, strip.height - (r / maxRate) * 40, Math.max(1, w), (r / maxRate) * 40));
  g.strokeStyle = '#20c997';
  g.beginPath();
  tl.people.forEach((p, i) => (i ? g.lineTo : g.moveTo).call(g, i * w, strip.height - 4 - ((p ?? 0) / maxPeople) * (strip.height - 8)));
  g.stroke();
  const span = info.range.end - info.range.start || 1;
  g.fillStyle = '#fa5252';
  for (const a of tl.alerts) g.fillRect(((a.t - info.range.start) / span) * strip.width, 0, 2, 10);
  if (loop) {
    g.fillStyle = 'rgba(255,255,255,0.15)';
    g.fillRect(((loop.start - info.range.start) / span) * strip.width, 0, ((loop.end - loop.start) / span) * strip.width, strip.height);
  }
}
