/**
 * The replay feature: an "Analytics" panel (bottom tab) for the recording being replayed.
 *  - Timeline strip over the whole recording: message rate (bars), people (line), alerts (red
 *    marks); a click seeks there (source.seek), shift+drag sets a loop range (replay.setLoop).
 *    The analysed window is the loop range, else the whole recording.
 *  - Heatmap of the window for one storey: mean density in Fruin colours, on the panel's canvas
 *    ("PNG" saves it) and as a layer in the plan view (the plan's storey); "Clear" removes both.
 *  - "Analyse window" (one 'replay.analyse' pass): occupancy over time of a chosen space,
 *    crossings per bucket through a chosen door (both directions), dwell per space, and robot
 *    KPIs per robot and per kind. Ticking robots in the KPI table draws their trails in the plan.
 *  - Exports (counts, flows, dwell, KPIs, heatmap; CSV/JSON, people counts below k suppressed)
 *    downloaded from 'replay.export'.
 *  - Compare: occupancy of this recording and another (`file:` URI of e.g. a simulation run)
 *    on one clock, with the offset the user sets (seconds), from 'replay.compare'; and the other
 *    run's heatmap of the same window (shifted by the offset onto its own clock) beside this one's.
 * Shows a hint when the session's source is not a recording. Pieces: analyticsModel.ts (pure),
 * analyticsCharts.ts (canvas), kpiTables.ts (tables), replayPlanLayers.ts (plan layers).
 */
import type { Disposable } from '../../../common/source.js';
import type { ReplayInfo, SpaceFlowsResult, StoreyHeatmap, Trail, WindowAnalysis } from '../../../common/replay.js';
import { downloadCanvasPng, downloadText } from '../../shell/downloadFile.js';
import { failedSourceText } from '../../shell/sourceControls.js';
import type { Feature, WorkbenchContext } from '../../shell/WorkbenchContext.js';
import { layoutStore, planStorey } from '../../stores/layoutStore.js';
import { simulationOnViews, simulationStore } from '../../stores/simulationStore.js';
import { drawHeatmapCanvas, drawLineChart, drawTimelineStrip, fruinLegend, SERIES_COLOURS } from './analyticsCharts.js';
import { doorsOf, DWELL_HEADERS, dwellRows, KIND_COLUMNS, occupancySeries, occupancySpaces, ROBOT_COLUMNS, shiftedWindow, shownUnits, trailPaths } from './analyticsModel.js';
import { plainTable, sortableTable } from './kpiTables.js';
import { ReplayPlanLayers } from './replayPlanLayers.js';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text = ''): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}

/** Analyses, comparisons and exports read whole recordings (another run may first be indexed): minutes, not the default 15 s. */
const LONG_CALL = { timeoutMs: 10 * 60_000 };
const ROW = 'display:flex;gap:6px;align-items:center;flex-wrap:wrap;margin:4px 0';
const CARD = 'display:flex;flex-direction:column;gap:4px;min-width:0';
/** "16:35:32 → 16:36:34" (UTC) for a window. */
const windowText = (w: { start: number; end: number }) => `${new Date(w.start).toISOString().slice(11, 19)} → ${new Date(w.end).toISOString().slice(11, 19)}`;
const heading = (text: string) => el('div', { style: 'font-weight:600;font-size:12px;margin-top:8px' }, text);

function mountAnalyticsPanel(root: HTMLElement, ctx: WorkbenchContext): Disposable {
  root.classList.add('replay-analytics');
  root.style.padding = '6px 8px';
  const status = el('div', { 'data-testid': 'replay-status' }, 'No recording is being replayed. Open one with --source file:X.mcap or the Connect dialog.');
  // The strip spans the panel's width (its pixel width follows the panel: see fitStrip).
  const strip = el('canvas', { width: '900', height: '70', 'data-testid': 'replay-timeline', title: 'click: seek · shift+drag: loop range', style: 'display:block;width:100%;height:70px' });
  const windowLabel = el('div', { 'data-testid': 'replay-window', style: 'font-size:11px;opacity:0.8' });
  // Heatmap
  // The heatmap's storey: hidden while no heatmap is shown (nothing to choose), filled by setMaps.
  const storey = el('select', { 'data-testid': 'replay-storey', title: 'storey (also shown in the plan)', 'aria-label': 'Heatmap storey', style: 'min-width:8em', hidden: '' });
  const heatBtn = el('button', { 'data-testid': 'replay-heatmap' }, 'Heatmap');
  const clearBtn = el('button', { 'data-testid': 'replay-heatmap-clear' }, 'Clear');
  const pngBtn = el('button', {}, 'PNG');
  const heat = el('canvas', { width: '390', height: '240', 'data-testid': 'replay-heatmap-canvas' });
  const heatB = el('canvas', { width: '390', height: '240', 'data-testid': 'replay-compare-heatmap', hidden: '' });
  const legend = el('div', { style: 'font-size:11px' });
  // Occupancy, flows, dwell, KPIs
  const analyseBtn = el('button', { 'data-testid': 'replay-analyse' }, 'Analyse window');
  const analyseHint = el('span', { 'data-testid': 'replay-analyse-hint', style: 'font-size:11px;opacity:0.8' });
  // Until an analysis is there, the space and door choices say what fills them (not an empty box).
  const space = el('select', { 'data-testid': 'replay-space', 'aria-label': 'Occupancy of space', style: 'min-width:10em' });
  const occChart = el('canvas', { width: '380', height: '150', 'data-testid': 'replay-occupancy-chart' });
  const door = el('select', { 'data-testid': 'replay-door', 'aria-label': 'Flows through door', style: 'min-width:10em' });
  const flowChart = el('canvas', { width: '380', height: '150', 'data-testid': 'replay-flows-chart' });
  const dwell = el('div', { style: 'max-height:220px;overflow:auto' });
  const robots = el('div', { 'data-testid': 'replay-kpi-robots-host', style: 'max-height:260px;overflow:auto' });
  const kinds = el('div');
  const clearTrailsBtn = el('button', { 'data-testid': 'replay-trails-clear' }, 'Clear trails');
  const withSensors = el('input', { type: 'checkbox', 'data-testid': 'replay-kpi-sensors' });
  const sensorsLabel = el('label', { style: 'font-size:11px' });
  sensorsLabel.append(withSensors, ' sensors too');
  // Export, compare
  const what = el('select');
  for (const w of ['counts', 'flows', 'dwell', 'kpis', 'heatmap']) what.append(el('option', { value: w }, w));
  const format = el('select');
  for (const f of ['csv', 'json']) format.append(el('option', { value: f }, f));
  const exportBtn = el('button', {}, 'Export');
  const other = el('input', { placeholder: 'file:/path/sim.mcap', size: '28', 'data-testid': 'replay-compare-uri' });
  const offset = el('input', { type: 'number', value: '', placeholder: 'offset s', size: '8', 'data-testid': 'replay-compare-offset' });
  const compareBtn = el('button', { 'data-testid': 'replay-compare' }, 'Compare');
  const chart = el('canvas', { width: '560', height: '160', 'data-testid': 'replay-compare-chart', style: 'max-width:100%' });
  const compareLegend = el('div', { style: 'font-size:11px' });

  const row = (...c: (Node | string)[]) => {
    const d = el('div', { style: ROW });
    d.append(...c);
    return d;
  };
  const card = (...c: (Node | string)[]) => {
    const d = el('div', { style: CARD });
    d.append(...c);
    return d;
  };
  const flowsBox = el('div', { style: 'display:flex;gap:16px;flex-wrap:wrap' });
  flowsBox.append(
    card(row('Occupancy of', space), occChart),
    card(row('Flows through', door), flowChart),
    card(el('div', {}, 'Dwell per space'), dwell),
  );
  const kpiBox = el('div', { style: 'display:flex;gap:16px;flex-wrap:wrap;align-items:flex-start' });
  kpiBox.append(card(row('KPIs per robot · tick to draw its trail in the plan', sensorsLabel, clearTrailsBtn), robots), card(el('div', {}, 'Per kind'), kinds));
  root.append(
    status, strip, windowLabel,
    heading('Density heatmap'), row(storey, heatBtn, clearBtn, pngBtn), row(heat, heatB), fruinLegend(), legend,
    heading('Occupancy, flows, dwell and robot KPIs'), row(analyseBtn, analyseHint), flowsBox, kpiBox,
    heading('Export'), row(what, format, exportBtn),
    heading('Compare with another run (one clock)'), row(other, offset, compareBtn), chart, compareLegend,
  );

  let info: ReplayInfo | null = null;
  let loop: { start: number; end: number } | null = null;
  let maps: StoreyHeatmap[] = [];
  let mapsB: StoreyHeatmap[] | null = null;
  let flows: SpaceFlowsResult | null = null;
  let analysis: WindowAnalysis | null = null;
  const chosen = new Set<string>();
  let rerenderRobots: () => void = () => undefined;
  const windowParams = () => (loop ? { from: loop.start, to: loop.end } : {});

  // ── plan layers ──
  const planLayers = new ReplayPlanLayers();
  const planFloor = () => {
    const l = layoutStore.getState();
    return l.storeys.length ? planStorey(l)?.name ?? null : null;
  };
  const offLayers = ctx.plan.addLayers('replay-analytics', () => {
    // A simulation run on the views has the plan to itself (see simulationOnViews).
    const layers = simulationOnViews(simulationStore.getState()) ? [] : planLayers.layers(planFloor(), storey.value || null);
    root.dataset.planLayers = planLayers.describe();
    return layers;
  });
  const offTooltip = ctx.plan.addTooltip((p) => (p.layer?.id === 'replay-trails' && p.index >= 0 ? `trail of ${planLayers.trailAt(p.index)}` : null));
  const offLayout = layoutStore.subscribe((s, prev) => {
    if (s.activeStorey === prev.activeStorey && s.storeys === prev.storeys) return;
    // The panel's storey follows the plan's (both show the same heatmap).
    const f = planFloor();
    if (f !== null && f !== storey.value && maps.some((m) => m.floor === f)) {
      storey.value = f;
      drawHeat();
    }
    ctx.plan.requestRedraw();
  });

  // offsetX is in CSS pixels: scale by the strip's shown width, not its canvas width.
  const tOfX = (x: number) => (info?.range ? info.range.start + (x / (strip.clientWidth || strip.width)) * (info.range.end - info.range.start) : 0);
  const drawStrip = () => {
    const w0 = loop ?? info?.range;
    // While the file is still being indexed its end is not known yet (a cut file's grew for 25 s under "whole recording").
    const whole = info?.state === 'ready' ? ' (whole recording)' : ' (so far: the recording is still being indexed)';
    windowLabel.textContent = w0 ? `Window: ${windowText(w0)} UTC${loop ? ' (loop range)' : whole}` : '';
    drawTimelineStrip(strip, info, loop);
    showAnalyseState();
  };
  /** The strip's canvas as wide as it is shown, so the whole recording fits the panel at any size. */
  const fitStrip = () => {
    const w = Math.round(strip.clientWidth);
    if (w > 0 && w !== strip.width) {
      strip.width = w;
      drawTimelineStrip(strip, info, loop);
    }
  };
  const stripSize = new ResizeObserver(fitStrip);
  stripSize.observe(strip);
  const refresh = async () => {
    try {
      info = await ctx.api.call('replay.info', { buckets: 300 });
    } catch {
      info = null;
      return;
    }
    loop = info.loop;
    const counting = info.timeline?.partial ? ' (counting scans for the message rate)' : '';
    status.textContent = `${info.uri} · ${info.range ? `${new Date(info.range.start).toISOString()} → ${new Date(info.range.end).toISOString()}` : 'empty'} · ${info.state}${counting}${info.notices.length ? ' · ' + info.notices.join('; ') : ''}`;
    drawStrip();
    // Until the index pass is done, and while its second pass still counts the scans (Recording), look again.
    if (info.state !== 'ready' || info.timeline?.partial) setTimeout(() => void refresh(), 1000);
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

  // ── heatmap ──
  /** Whether a heatmap of the window has been computed (Heatmap, Compare) since the last Clear. */
  let heatComputed = false;
  const drawHeat = () => {
    const m = maps.find((s) => s.floor === storey.value) ?? maps[0];
    // Before the first Heatmap the box said "no positions on this storey", of a recording full of them.
    drawHeatmapCanvas(heat, m, mapsB ? 'this recording' : 'window', heatComputed ? undefined : 'not computed yet (press Heatmap)');
    heatB.hidden = !mapsB;
    if (mapsB) drawHeatmapCanvas(heatB, mapsB.find((s) => s.floor === (m?.floor ?? storey.value)), 'compared run');
    legend.textContent = m
      ? `${m.floor}: peak ${m.peak.toFixed(2)} P/m² · ${Math.round(m.personSeconds / 60)} person-minutes · cells by Fruin level ${Object.entries(m.levels).map(([l, n]) => `${l} ${n}`).join(', ')}`
      : '';
    ctx.plan.requestRedraw();
  };
  const setMaps = (next: StoreyHeatmap[]) => {
    maps = next;
    heatComputed = true;
    const keep = storey.value;
    storey.replaceChildren(...maps.map((m) => el('option', { value: m.floor }, m.floor)));
    storey.hidden = maps.length === 0;
    const planName = planFloor();
    storey.value = maps.some((m) => m.floor === keep) ? keep : maps.some((m) => m.floor === planName) ? planName! : maps[0]?.floor ?? '';
    planLayers.setHeatmaps(maps);
    drawHeat();
  };
  const clearAll = () => {
    maps = [];
    mapsB = null;
    heatComputed = false;
    storey.replaceChildren();
    storey.hidden = true;
    planLayers.clear();
    chosen.clear();
    legend.textContent = '';
    drawHeat();
    // The analysis was of the recording that closed.
    analysis = null;
    flows = null;
    dwell.replaceChildren();
    robots.replaceChildren();
    kinds.replaceChildren();
    showAnalyseState();
  };
  heatBtn.addEventListener('click', async () => {
    try {
      const a = await ctx.api.call('replay.analyse', { what: ['heatmap'], ...windowParams() }, LONG_CALL);
      mapsB = null;
      setMaps(a.heatmap ?? []);
    } catch (e) {
      ctx.notify('warn', `Heatmap: ${(e as Error).message}`);
    }
  });
  clearBtn.addEventListener('click', () => {
    maps = [];
    mapsB = null;
    heatComputed = false;
    planLayers.setHeatmaps([]);
    storey.replaceChildren();
    storey.hidden = true;
    drawHeat();
  });
  storey.addEventListener('change', () => {
    // Show the chosen storey in the plan too (when the plan knows it).
    const l = layoutStore.getState();
    const st = l.storeys.find((s) => s.name === storey.value);
    if (st && l.activeStorey !== st.index) layoutStore.setState({ activeStorey: st.index });
    drawHeat();
  });
  pngBtn.addEventListener('click', () => void downloadCanvasPng(heat, 'twin-heatmap.png').catch((e: unknown) => ctx.notify('error', (e as Error).message)));
  drawHeat(); // the empty box says how to get a heatmap

  // ── occupancy, flows, dwell, KPIs ──
  /** Before an analysis (or when the window moved since), the hint, the choices and the charts say to press Analyse. */
  const showAnalyseState = () => {
    const w = loop ?? info?.range ?? null;
    if (!info) analyseHint.textContent = '';
    else if (!analysis) analyseHint.textContent = w ? `Press to fill the charts and tables below for the window ${windowText(w)} UTC.` : '';
    else if (w && (analysis.from !== w.start || analysis.to !== w.end)) analyseHint.textContent = `Shown: ${windowText({ start: analysis.from, end: analysis.to })} UTC. The window changed: press again to analyse ${windowText(w)}.`;
    else analyseHint.textContent = `Shown: ${windowText({ start: analysis.from, end: analysis.to })} UTC.`;
    if (analysis) return;
    space.replaceChildren(el('option', { value: '' }, 'spaces: press Analyse window'));
    door.replaceChildren(el('option', { value: '' }, 'doors: press Analyse window'));
    space.disabled = door.disabled = true;
    drawOccupancy();
    drawFlows();
  };
  const drawOccupancy = () => {
    const o = analysis?.occupancy;
    if (!analysis) return drawLineChart(occChart, 'Occupancy per space', [], [], { empty: 'Press “Analyse window” to count the people per space' });
    if (!o) return drawLineChart(occChart, 'Occupancy', [], []);
    const s = occupancySeries(o, space.value);
    drawLineChart(occChart, `People in ${s.label}`, o.times, [{ label: s.label, values: s.values, colour: SERIES_COLOURS[0]! }], { step: true });
  };
  const drawFlows = () => {
    const d = flows ? doorsOf(flows.flows).find((x) => x.door === door.value) : undefined;
    if (!analysis) return drawLineChart(flowChart, 'Flows through doors', [], [], { empty: 'Press “Analyse window” to count the crossings per door' });
    if (!flows || !d) return drawLineChart(flowChart, 'Crossings per bucket', flows?.times ?? [], []);
    drawLineChart(
      flowChart,
      `Crossings through ${d.door} per ${Math.round(flows.bucketMs / 1000)} s`,
      flows.times,
      d.directions.map((x, i) => ({ label: `${x.label} (${x.total})`, values: x.counts, colour: SERIES_COLOURS[(i + 1) % SERIES_COLOURS.length]! })),
      { step: true },
    );
  };
  /** Shows in the plan the storey where most of `id`'s trail is, when none of it is on the plan's. */
  const showTrailStorey = (trails: Trail[], id: string) => {
    const mine = trails.filter((t) => t.id === id);
    if (trailPaths(mine, planFloor()).length > 0) return;
    const parts = trailPaths(mine, null).sort((a, b) => b.path.length - a.path.length);
    const l = layoutStore.getState();
    const st = parts[0] && l.storeys.find((x) => x.name === parts[0]!.floor);
    if (st) layoutStore.setState({ activeStorey: st.index });
  };
  const loadTrails = async (focus?: string) => {
    if (chosen.size === 0) {
      planLayers.setTrails([]);
      ctx.plan.requestRedraw();
      return;
    }
    try {
      const w = analysis ? { from: analysis.from, to: analysis.to } : windowParams();
      const a = await ctx.api.call('replay.analyse', { what: ['trails'], trailIds: [...chosen], ...w }, LONG_CALL);
      const trails = (a.trails ?? []).filter((t) => chosen.has(t.id));
      planLayers.setTrails(trails);
      if (focus && chosen.has(focus)) showTrailStorey(trails, focus);
      ctx.plan.requestRedraw();
    } catch (e) {
      ctx.notify('warn', `Trails: ${(e as Error).message}`);
    }
  };
  analyseBtn.addEventListener('click', async () => {
    analyseBtn.disabled = true;
    try {
      analysis = await ctx.api.call('replay.analyse', { what: ['occupancy', 'flows', 'kpis'], ...windowParams() }, LONG_CALL);
      const o = analysis.occupancy;
      space.replaceChildren(el('option', { value: '' }, `all (${o?.basis ?? 'none'})`), ...(o ? occupancySpaces(o) : []).map((s) => el('option', { value: s.zone }, `${s.zone} (peak ${s.peak})`)));
      flows = analysis.flows ?? null;
      const doors = flows ? doorsOf(flows.flows) : [];
      door.replaceChildren(...doors.map((d) => el('option', { value: d.door }, `${d.door} (${d.total})`)));
      if (doors.length === 0) door.replaceChildren(el('option', { value: '' }, 'no crossings in this window'));
      space.disabled = false;
      door.disabled = doors.length === 0;
      showAnalyseState();
      drawOccupancy();
      drawFlows();
      plainTable(dwell, DWELL_HEADERS, dwellRows(flows?.dwell ?? []), 'replay-dwell');
      drawKpis();
      void loadTrails();
    } catch (e) {
      ctx.notify('warn', `Analysis: ${(e as Error).message}`);
    } finally {
      analyseBtn.disabled = false;
    }
  });
  const drawKpis = () => {
    const k = analysis?.kpis ?? { robots: [], kinds: [] };
    const units = shownUnits(k.robots, withSensors.checked);
    for (const id of [...chosen]) if (!units.some((r) => r.id === id)) chosen.delete(id);
    rerenderRobots = sortableTable(robots, units, ROBOT_COLUMNS, {
      testid: 'replay-kpi-robots',
      check: {
        header: 'Trail',
        key: (r) => r.id,
        checked: (id) => chosen.has(id),
        toggle: (id, on) => {
          if (on) chosen.add(id);
          else chosen.delete(id);
          void loadTrails(on ? id : undefined);
        },
      },
    });
    sortableTable(kinds, k.kinds, KIND_COLUMNS, { testid: 'replay-kpi-kinds' });
  };
  withSensors.addEventListener('change', () => {
    drawKpis();
    void loadTrails();
  });
  space.addEventListener('change', drawOccupancy);
  door.addEventListener('change', drawFlows);
  clearTrailsBtn.addEventListener('click', () => {
    chosen.clear();
    rerenderRobots();
    void loadTrails();
  });

  // ── export, compare ──
  exportBtn.addEventListener('click', async () => {
    try {
      const r = await ctx.api.call('replay.export', { what: what.value as 'counts', format: format.value as 'csv', ...windowParams() }, LONG_CALL);
      downloadText(r.text, r.filename, r.mime);
    } catch (e) {
      ctx.notify('warn', `Export: ${(e as Error).message}`);
    }
  });
  compareBtn.addEventListener('click', async () => {
    const b = other.value.trim();
    compareBtn.disabled = true;
    compareBtn.textContent = 'Comparing…';
    try {
      const c = await ctx.api.call('replay.compare', { b, ...(offset.value !== '' ? { offsetMs: Number(offset.value) * 1000 } : {}) }, LONG_CALL);
      drawLineChart(chart, 'People on one clock', c.times, [
        { label: `this recording (${c.a.basis})`, values: c.a.people, colour: SERIES_COLOURS[0]! },
        { label: `compared run (${c.b.basis})`, values: c.b.people, colour: SERIES_COLOURS[1]! },
      ]);
      compareLegend.textContent = `green: ${c.a.uri} · yellow: ${c.b.uri}, offset ${c.b.offsetMs / 1000} s`;
      // Heatmaps of the same window side by side: B's window shifted onto its own clock.
      const w = loop ?? info?.range;
      if (!w) return;
      const sb = shiftedWindow(w.start, w.end, c.b.offsetMs);
      const [ha, hb] = await Promise.all([
        ctx.api.call('replay.analyse', { what: ['heatmap'], from: w.start, to: w.end }, LONG_CALL),
        ctx.api.call('replay.analyse', { uri: b, what: ['heatmap'], from: sb.from, to: sb.to }, LONG_CALL),
      ]);
      mapsB = hb.heatmap ?? [];
      setMaps(ha.heatmap ?? []);
    } catch (e) {
      ctx.notify('warn', `Compare: ${(e as Error).message}`);
    } finally {
      compareBtn.disabled = false;
      compareBtn.textContent = 'Compare';
    }
  });

  // ── the recording opens / closes ──
  let reviewKey = '';
  const off = ctx.api.on('source.status', (s) => {
    const file = s.uri.startsWith('file:');
    // The recording analysed was closed or replaced (not while a live review is the replay).
    const gone = !reviewKey.startsWith('on') && (!file || s.state === 'stopped' || s.state === 'idle' || (info !== null && info.uri.startsWith('file:') && info.uri !== s.uri));
    if (gone && (maps.length > 0 || chosen.size > 0 || planLayers.describe() !== '')) clearAll();
    if (file && s.state === 'error' && !s.range) {
      // The recording could not be opened (an empty folder, not MCAP): say so, not "no recording".
      info = null;
      status.textContent = `${failedSourceText(s.uri, s.detail)}. Open another recording from the source box at the top.`;
      drawStrip();
      return;
    }
    if (file && s.state !== 'stopped' && (!info || info.uri !== s.uri || info.state !== 'ready')) void refresh();
  });
  // A live review (TimelineBar "Review") is the session's replay while it is on.
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
      clearAll();
    }
  });
  showAnalyseState();
  void refresh();
  return {
    dispose: () => {
      stripSize.disconnect();
      off();
      offReview();
      offLayers();
      offTooltip();
      offLayout();
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
