/**
 * The "Occupancy" panel: people present, an occupancy-over-the-last-hour chart (all spaces, or
 * the space clicked in the list), counts per space, and flows per door/line (per direction, last
 * hour). Only aggregates: no device appears here. Refreshes once a second while mounted.
 */
import type { Disposable } from '../../../common/source.js';
import { h } from '../../shell/h.js';
import { drawOccupancyChart } from './occupancyChart.js';
import type { PeopleModel } from './PeopleModel.js';
import { peopleStore } from './peopleStore.js';

const MAX_ROWS = 40;

export function mountOccupancyPanel(el: HTMLElement, model: PeopleModel, onExport: () => void): Disposable {
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
  const root = h(
    'div.people-panel',
    { style: 'display:flex;flex-direction:column;gap:8px;padding:8px;overflow:auto;height:100%;box-sizing:border-box' },
    status,
    h('div', { style: 'display:flex;gap:12px;align-items:center;flex-wrap:wrap' },
      h('label', {}, heatmap, ' Density heatmap'), h('label', {}, average, ' Average over time'), exportButton),
    canvas,
    h('div.people-section-title', { style: 'font-weight:600' }, 'Spaces'),
    spaces,
    h('div.people-section-title', { style: 'font-weight:600' }, 'Flows through doors and lines (last hour, → / ←)'),
    flows,
  );
  el.append(root);

  const cell = (text: string, align = 'left') => h('td', { style: `padding:1px 4px;text-align:${align}` }, text);
  const render = () => {
    const s = model.snapshot();
    const ui = peopleStore.getState();
    heatmap.checked = ui.heatmap;
    average.checked = ui.average;
    const when = Number.isFinite(s.time) ? new Date(s.time).toLocaleTimeString() : '—';
    status.textContent = s.geometryLabel
      ? `${s.present} people present · ${s.geometryLabel} · ${when}`
      : s.sourceCounts.length
        ? `No building geometry: counts as reported by the source · ${when}`
        : 'No building geometry and no counts yet — load a model or connect the testbed source.';
    // Chart.
    const zone = ui.selectedZone ? s.occupancy.find((z) => z.id === ui.selectedZone) : undefined;
    const series = zone ? model.occupancySeries(zone.id) : s.total;
    drawOccupancyChart(canvas, series?.t ?? new Float64Array(0), series?.count ?? new Uint16Array(0), zone ? `Occupancy: ${zone.name} (${zone.floor})` : 'Occupancy: all spaces');
    // Spaces.
    const rows = s.geometryLabel
      ? s.occupancy.filter((z) => z.count > 0 || z.id === ui.selectedZone).sort((a, b) => b.count - a.count || a.id.localeCompare(b.id))
      : [];
    spaces.replaceChildren(
      h('tr', {}, h('th', { style: 'text-align:left' }, 'space'), h('th', { style: 'text-align:left' }, 'floor'), h('th', { style: 'text-align:right' }, 'people')),
      ...rows.slice(0, MAX_ROWS).map((z) => {
        const tr = h('tr', { style: `cursor:pointer${z.id === ui.selectedZone ? ';font-weight:600' : ''}`, title: 'Show this space in the chart' },
          cell(z.name + (z.kind === 'user' ? ' (drawn)' : '')), cell(z.floor), cell(String(z.count), 'right'));
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
