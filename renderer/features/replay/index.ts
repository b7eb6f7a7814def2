/**
 * The replay feature: an "Analytics" panel (bottom tab) for the recording being replayed.
 *  - Timeline strip over the whole recording: message rate (bars), people (line), alerts (red
 *    marks); a click seeks there (source.seek), shift+drag sets a loop range (replay.setLoop).
 *  - Heatmap of the chosen window (the loop range, else the whole recording) for one storey:
 *    mean density with Fruin colours; "PNG" saves the canvas (toDataURL).
 *  - Exports (counts, flows, dwell, KPIs, heatmap; CSV/JSON, people counts below k suppressed)
 *    downloaded from 'replay.export'.
 *  - Compare: occupancy of this recording and another (`file:` URI of e.g. a simulation run)
 *    on one clock, with the offset the user sets (seconds), from 'replay.compare'.
 * Shows a hint when the session's source is not a recording.
 */
import type { Disposable } from '../../../common/source.js';
import type { ReplayInfo, StoreyHeatmap } from '../../../common/replay.js';
import type { Feature, WorkbenchContext } from '../../shell/WorkbenchContext.js';

const FRUIN_COLOURS: [number, string][] = [[0.31, '#2e7d32'], [0.43, '#7cb342'], [0.72, '#fdd835'], [1.08, '#fb8c00'], [2.17, '#e53935'], [Infinity, '#6a1b9a']];

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text = ''): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}

function download(name: string, mime: string, data: string, isDataUrl = false): void {
  const a = el('a', { download: name, href: isDataUrl ? data : URL.createObjectURL(new Blob([data], { type: mime })) });
  document.body.append(a);
  a.click();
  a.remove();
}

function mountAnalyticsPanel(root: HTMLElement, ctx: WorkbenchContext): Disposable {
  root.classList.add('replay-analytics');
  const status = el('div', { 'data-testid': 'replay-status' }, 'No recording is being replayed. Open one with --source file:X.mcap or the Connect dialog.');
  const strip = el('canvas', { width: '900', height: '70', 'data-testid': 'replay-timeline', title: 'click: seek · shift+drag: loop range' });
  const controls = el('div');
  const storey = el('select', { 'data-testid': 'replay-storey' });
  const heatBtn = el('button', { 'data-testid': 'replay-heatmap' }, 'Heatmap');
  const pngBtn = el('button', {}, 'PNG');
  const what = el('select');
  for (const w of ['counts', 'flows', 'dwell', 'kpis', 'heatmap']) what.append(el('option', { value: w }, w));
  const format = el('select');
  for (const f of ['csv', 'json']) format.append(el('option', { value: f }, f));
  const exportBtn = el('button', {}, 'Export');
  const other = el('input', { placeholder: 'file:/path/sim.mcap', size: '28' });
  const offset = el('input', { type: 'number', value: '', placeholder: 'offset s', size: '8' });
  const compareBtn = el('button', {}, 'Compare');
  controls.append(storey, heatBtn, pngBtn, ' ', what, format, exportBtn, ' ', other, offset, compareBtn);
  const heat = el('canvas', { width: '560', height: '300', 'data-testid': 'replay-heatmap-canvas' });
  const chart = el('canvas', { width: '560', height: '160' });
  const legend = el('div');
  root.append(status, strip, controls, heat, chart, legend);
  let info: ReplayInfo | null = null;
  let loop: { start: number; end: number } | null = null;
  let maps: StoreyHeatmap[] = [];

  const tOfX = (x: number) => (info?.range ? info.range.start + (x / strip.width) * (info.range.end - info.range.start) : 0);
  const drawStrip = () => {
    const g = strip.getContext('2d')!;
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
  };
  const refresh = async () => {
    try {
      info = await ctx.api.call('replay.info', { buckets: 300 });
    } catch {
      info = null;
      return;
    }
    loop = info.loop;
    status.textContent = `${info.uri} · ${info.range ? `${new Date(info.range.start).toISOString()} → ${new Date(info.range.end).toISOString()}` : 'empty'} · ${info.state}${info.notices.length ? ' · ' + info.notices.join('; ') : ''}`;
    drawStrip();
    if (info.state !== 'ready') setTimeout(() => void refresh(), 1000);
  };
  let dragFrom: number | null = null;
  strip.addEventListener('mousedown', (e) => {
    if (e.shiftKey) dragFrom = tOfX(e.offsetX);
  });
  strip.addEventListener('mouseup', (e) => {
    const t = tOfX(e.offsetX);
    if (dragFrom !== null && Math.abs(t - dragFrom) > 1000) {
      loop = { start: Math.min(dragFrom, t), end: Math.max(dragFrom, t) };
      void ctx.api.call('replay.setLoop', { range: loop }).catch((err: Error) => ctx.notify('warn', `Loop: ${err.message}`));
    } else void ctx.api.call('source.seek', { t }).catch((err: Error) => ctx.notify('warn', `Seek: ${err.message}`));
    dragFrom = null;
    drawStrip();
  });
  const drawHeat = () => {
    const g = heat.getContext('2d')!;
    g.fillStyle = '#111';
    g.fillRect(0, 0, heat.width, heat.height);
    const m = maps.find((s) => s.floor === storey.value) ?? maps[0];
    if (!m) return;
    const scale = Math.min(heat.width / m.cols, heat.height / m.rows);
    m.density.forEach((d, i) => {
      if (d <= 0) return;
      g.fillStyle = FRUIN_COLOURS.find(([max]) => d <= max)![1];
      g.globalAlpha = Math.min(1, 0.35 + d);
      g.fillRect((i % m.cols) * scale, heat.height - (Math.floor(i / m.cols) + 1) * scale, scale, scale);
    });
    g.globalAlpha = 1;
    legend.textContent = `${m.floor}: peak ${m.peak.toFixed(2)} P/m² · cells by Fruin level ${Object.entries(m.levels).map(([l, n]) => `${l} ${n}`).join(', ')}`;
  };
  heatBtn.addEventListener('click', async () => {
    try {
      const a = await ctx.api.call('replay.analyse', { what: ['heatmap'], ...(loop ? { from: loop.start, to: loop.end } : {}) });
      maps = a.heatmap ?? [];
      storey.replaceChildren(...maps.map((m) => el('option', { value: m.floor }, m.floor)));
      drawHeat();
    } catch (e) {
      ctx.notify('warn', `Heatmap: ${(e as Error).message}`);
    }
  });
  storey.addEventListener('change', drawHeat);
  pngBtn.addEventListener('click', () => download('twin-heatmap.png', 'image/png', heat.toDataURL('image/png'), true));
  exportBtn.addEventListener('click', async () => {
    try {
      const r = await ctx.api.call('replay.export', { what: what.value as 'counts', format: format.value as 'csv', ...(loop ? { from: loop.start, to: loop.end } : {}) });
      download(r.filename, r.mime, r.text);
    } catch (e) {
      ctx.notify('warn', `Export: ${(e as Error).message}`);
    }
  });
  compareBtn.addEventListener('click', async () => {
    try {
      const c = await ctx.api.call('replay.compare', { b: other.value.trim(), ...(offset.value !== '' ? { offsetMs: Number(offset.value) * 1000 } : {}) });
      const g = chart.getContext('2d')!;
      g.clearRect(0, 0, chart.width, chart.height);
      const max = Math.max(1, ...c.a.people, ...c.b.people);
      for (const [series, colour] of [[c.a.people, '#20c997'], [c.b.people, '#fcc419']] as const) {
        g.strokeStyle = colour;
        g.beginPath();
        series.forEach((p, i) => (i ? g.lineTo : g.moveTo).call(g, (i / Math.max(1, series.length - 1)) * chart.width, chart.height - (p / max) * (chart.height - 4)));
        g.stroke();
      }
      legend.textContent = `green: ${c.a.uri} (${c.a.basis}) · yellow: ${c.b.uri} (${c.b.basis}, offset ${c.b.offsetMs / 1000} s)`;
    } catch (e) {
      ctx.notify('warn', `Compare: ${(e as Error).message}`);
    }
  });
  const off = ctx.api.on('source.status', (s) => {
    if (s.uri.startsWith('file:') && (!info || info.uri !== s.uri || info.state !== 'ready')) void refresh();
  });
  // A live review (TimelineBar "Review") is the session's replay while it is on.
  let reviewKey = '';
  const offReview = ctx.api.on('review.status', (s) => {
    // Refresh when a review opens or is extended (not on every playback tick).
    const key = s.state === 'on' ? `on ${s.range?.start} ${s.range?.end}` : s.state;
    if (key === reviewKey) return;
    reviewKey = key;
    if (s.state === 'on') void refresh();
    else if (s.state === 'off') {
      info = null;
      status.textContent = 'Back to live. Review the last hour from the timeline, or open a recording.';
      drawStrip();
    }
  });
  void refresh();
  return {
    dispose: () => {
      off();
      offReview();
    },
  };
}

export const replayFeature: Feature = {
  id: 'replay',
  activate(ctx: WorkbenchContext): Disposable {
    const off = ctx.registerPanel({ id: 'replay.analytics', title: 'Analytics', side: 'bottom', order: 40, mount: (el) => mountAnalyticsPanel(el, ctx) });
    return { dispose: () => off() };
  },
};
