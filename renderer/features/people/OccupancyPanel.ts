/**
 * The "Occupancy" panel: people present, an occupancy-over-the-last-hour chart (all spaces, or
 * the space clicked in the list), counts per space, and flows per door/line (per direction, last
 * hour), and the user-drawn lines and zones ("Draw line" / "Draw zone" on the plan) with their
 * figures — per line the crossings per direction in the current and the last full minute and over
 * the hour, per zone the people in it now — each renameable and deletable. Only aggregates: no
 * device appears here. Refreshes once a second while mounted.
 */
import type { Disposable } from '../../../common/source.js';
import { h } from '../../shell/h.js';
import { formatTime } from '../../shell/formatTime.js';
import { drawOccupancyChart } from './occupancyChart.js';
import type { PeopleModel } from './PeopleModel.js';
import { peopleStore } from './peopleStore.js';

const MAX_ROWS = 40;

/** What the panel's drawing controls do (the feature owns the tool and the saved shapes). */
export interface UserShapeActions {
  startDraw(kind: 'line' | 'zone'): void;
  rename(id: string, name: string): void;
  remove(id: string): void;
}

export function mountOccupancyPanel(el: HTMLElement, model: PeopleModel, onExport: () => void, actions: UserShapeActions): Disposable {
  const status = h('div.people-status', { 'data-testid': 'people-status' });
  const canvas = h('canvas.people-chart', { 'data-testid': 'people-chart', style: 'width:100%;height:120px;display:block' });
  const spaces = h('table.people-spaces', { 'data-testid': 'people-spaces', style: 'width:100%;border-collapse:collapse' });
  const flows = h('table.people-flows', { 'data-testid': 'people-flows', style: 'width:100%;border-collapse:collapse' });
  const exportButton = h('button.people-export', { type: 'button', title: 'Counts per space, small counts suppressed (privacy k)' }, 'Export counts (CSV)');
  exportButton.addEventListener('click', onExport);
  const heatmap = h('input', { type: 'checkbox', 'data-testid': 'people-heatmap-toggle' });
  const average = h('input', { type: 'checkbox' });
  heatmap.addEventListener('change', () => peopleStore.setState({ heatmap: heatmap.checked }));
  average.addEventListener('change', () => peopleStore.setState({ average: average.checked }));
  const drawLine = h('button.people-draw-line', { type: 'button', 'data-testid': 'people-draw-line', title: 'Click two points on the plan (Shift+L)' }, 'Draw line');
  const drawZone = h('button.people-draw-zone', { type: 'button', 'data-testid': 'people-draw-zone', title: 'Click the corners on the plan, double-click or Enter to finish' }, 'Draw zone');
  drawLine.addEventListener('click', () => actions.startDraw('line'));
  drawZone.addEventListener('click', () => actions.startDraw('zone'));
  const shapes = h('table.people-user-shapes', { 'data-testid': 'people-user-shapes', style: 'width:100%;border-collapse:collapse' });
  const root = h(
    'div.people-panel',
    { style: 'display:flex;flex-direction:column;gap:8px;padding:8px;overflow:auto;height:100%;box-sizing:border-box' },
    status,
    h('div', { style: 'display:flex;gap:12px;align-items:center;flex-wrap:wrap' },
      h('label', {}, heatmap, ' Density heatmap'), h('label', {}, average, ' Average over time'), exportButton),
    canvas,
    h('div.people-section-title', { style: 'font-weight:600;display:flex;gap:8px;align-items:center' }, 'Drawn lines and zones', drawLine, drawZone),
    shapes,
    h('div.people-section-title', { style: 'font-weight:600' }, 'Spaces'),
    spaces,
    h('div.people-section-title', { style: 'font-weight:600' }, 'Flows through doors and lines (last hour, → / ←)'),
    flows,
  );
  el.append(root);

  const cell = (text: string, align = 'left') => h('td', { style: `padding:1px 4px;text-align:${align}` }, text);
  // The user-shape rows are rebuilt only when the set changes (a name being typed must survive the
  // once-a-second refresh); their figures are updated in place.
  let shapesVersion = -1;
  const figures = new Map<string, HTMLElement>();
  const renderShapes = () => {
    const g = model.userGeometry();
    figures.clear();
    const row = (id: string, name: string, kind: 'line' | 'zone', floor: string) => {
      const input = h('input.people-shape-name', { value: name, 'aria-label': `Name of ${kind} ${name}`, style: 'width:100%;min-width:60px;box-sizing:border-box;font:inherit;background:transparent;color:inherit;border:1px solid rgba(140,150,165,.35);border-radius:4px;padding:1px 4px' }) as HTMLInputElement;
      input.addEventListener('change', () => {
        const v = input.value.trim();
        if (v) actions.rename(id, v);
        else input.value = name;
      });
      input.addEventListener('keydown', (e) => { if (e.key === 'Enter') input.blur(); e.stopPropagation(); });
      const del = h('button.people-shape-delete', { type: 'button', title: `Delete ${name}`, 'aria-label': `Delete ${name}` }, '✕');
      del.addEventListener('click', () => actions.remove(id));
      const fig = h('td.people-shape-figures', { style: 'padding:1px 4px;text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums' });
      figures.set(id, fig);
      return h('tr', { 'data-shape': id, 'data-kind': kind }, h('td', { style: 'padding:1px 4px' }, input), cell(`${kind} · ${floor}`), fig, h('td', {}, del));
    };
    shapes.replaceChildren(
      ...g.lines.map((l) => row(l.id, l.name, 'line', l.floor)),
      ...g.zones.map((z) => row(z.id, z.name, 'zone', z.floor)),
    );
    if (g.lines.length + g.zones.length === 0) shapes.append(h('tr', {}, cell('none yet: draw a counting line or a zone on the plan')));
  };
  const updateFigures = (s: ReturnType<PeopleModel['snapshot']>) => {
    const flows = new Map(s.flows.map((f) => [f.id, f]));
    const occ = new Map(s.occupancy.map((z) => [z.id, z]));
    for (const [id, td] of figures) {
      const z = occ.get(id);
      if (z) {
        td.textContent = `${z.count} now`;
        td.title = 'People in the zone now';
        continue;
      }
      const series = model.lineSeries(id);
      const f = flows.get(id);
      const n = series?.t.length ?? 0;
      const cur = (a: Uint16Array | undefined, k: number) => (a && k >= 0 && k < n ? a[k]! : 0);
      td.textContent = `→${cur(series?.forward, n - 1)} ←${cur(series?.backward, n - 1)} /min · last min →${cur(series?.forward, n - 2)} ←${cur(series?.backward, n - 2)} · hour →${f?.forward ?? 0} ←${f?.backward ?? 0}`;
      td.title = 'Crossings per direction: this minute, the last full minute, the last hour (→ = from the right of the line as drawn to its left)';
    }
  };
  const render = () => {
    const s = model.snapshot();
    const ui = peopleStore.getState();
    if (ui.shapesVersion !== shapesVersion) {
      shapesVersion = ui.shapesVersion;
      renderShapes();
    }
    updateFigures(s);
    heatmap.checked = ui.heatmap;
    average.checked = ui.average;
    const when = formatTime(s.time, false);
    status.textContent = s.geometryLabel
      ? `${s.present} people present · ${s.geometryLabel} · ${when}`
      : s.sourceCounts.length
        ? `No building geometry: counts as reported by the source · ${when}`
        : 'No building geometry and no counts yet — load a model or connect the testbed source.';
    // Chart.
    const zone = ui.selectedZone ? s.occupancy.find((z) => z.id === ui.selectedZone) : undefined;
    const series = zone ? model.occupancySeries(zone.id) : s.total;
    drawOccupancyChart(canvas, series?.t ?? new Float64Array(0), series?.count ?? new Uint16Array(0), zone ? `Occupancy: ${zone.name} (${zone.floor})` : 'Occupancy: all spaces', Number.isFinite(s.time) ? when : 'now');
    // Spaces.
    const rows = s.geometryLabel
      ? s.occupancy.filter((z) => z.count > 0 || z.id === ui.selectedZone).sort((a, b) => b.count - a.count || a.id.localeCompare(b.id))
      : [];
    spaces.replaceChildren(
      h('tr', {}, h('th', { style: 'text-align:left' }, 'space'), h('th', { style: 'text-align:left' }, 'floor'), h('th', { style: 'text-align:right' }, 'people'), h('th', { style: 'text-align:right', title: 'Median stay of completed visits (people who entered and left), and how many' }, 'stay')),
      ...rows.slice(0, MAX_ROWS).map((z) => {
        const d = model.dwell(z.id);
        const tr = h('tr', { style: `cursor:pointer${z.id === ui.selectedZone ? ';font-weight:600' : ''}`, title: 'Show this space in the chart' },
          cell(z.name + (z.kind === 'user' ? ' (drawn)' : '')), cell(z.floor), cell(String(z.count), 'right'), cell(formatStay(d), 'right'));
        tr.addEventListener('click', () => peopleStore.setState({ selectedZone: ui.selectedZone === z.id ? null : z.id }));
        return tr;
      }),
      ...(!s.geometryLabel ? s.sourceCounts.slice(0, MAX_ROWS).map((c) => h('tr', {}, cell(c.zone), cell(''), cell(String(c.count), 'right'))) : []),
    );
    if (rows.length === 0 && !s.sourceCounts.length) spaces.append(h('tr', {}, cell('nobody present')));
    // Flows.
    const active = s.flows.filter((f) => f.forward + f.backward > 0).sort((a, b) => b.forward + b.backward - (a.forward + a.backward));
    flows.replaceChildren(
      h('tr', {}, h('th', { style: 'text-align:left' }, 'door / line'), h('th', { style: 'text-align:left' }, 'floor'), h('th', { style: 'text-align:right' }, '→'), h('th', { style: 'text-align:right' }, '←')),
      ...active.slice(0, MAX_ROWS).map((f) => h('tr', {}, cell(f.name + (f.kind === 'user' ? ' (drawn)' : '')), cell(f.floor), cell(String(f.forward), 'right'), cell(String(f.backward), 'right'))),
    );
    if (active.length === 0) flows.append(h('tr', {}, cell('no crossings yet')));
  };
  render();
  const timer = setInterval(render, 1000);
  const unsub = peopleStore.subscribe(render);
  return {
    dispose() {
      clearInterval(timer);
      unsub();
      root.remove();
    },
  };
}

/** "4m 10s (12)": median stay and the number of completed visits; "–" before anyone has left. */
export function formatStay(d: { visits: number; median: number } | null): string {
  if (!d || d.visits === 0) return '–';
  const s = Math.round(d.median);
  const text = s >= 3600 ? `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m` : s >= 60 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${s}s`;
  return `${text} (${d.visits})`;
}
