/**
 * The "Structure" panel: where the loaded model's walkable structure stands (extracting, ready,
 * failed), the walkable-overlay toggle, and per storey the walkable area, spaces, doors, exits and
 * stairs; the georeference when the model has one. Clicking a storey row shows it in the plan.
 */
import type { Disposable } from '../../../common/source.js';
import { h } from '../../shell/h.js';
import { layoutStore } from '../../stores/layoutStore.js';
import { structureStore, type StructureState } from '../../stores/structureStore.js';
import { structureStats } from './structureStats.js';
import { counted } from '../../../common/plural.js';

function statusText(s: StructureState): string {
  switch (s.status) {
    case 'none': return 'No model loaded: open an IFC to see what people can walk on.';
    case 'loading': return 'Asking the workbench for the model’s structure…';
    case 'pending': return 'Extracting the walkable structure from the model…';
    case 'ready': return `${s.structure!.schema} · ${counted(s.structure!.storeys.length, 'storey')} · ${counted(s.structure!.elements, 'product')} with geometry${s.ms !== null ? ` · ${(s.ms / 1000).toFixed(2)} s${s.cached ? ' (cache)' : ''}` : ''}`;
    case 'failed': return `The structure could not be extracted: ${s.error ?? 'unknown error'}`;
    case 'unavailable': return `No structure from this workbench (${s.error ?? 'no answer'}); storeys come from telemetry.`;
    default: {
      const never: never = s.status;
      return String(never);
    }
  }
}

export function mountStructurePanel(el: HTMLElement): Disposable {
  const status = h('div.structure-status', { 'data-testid': 'structure-status' });
  const overlay = h('input', { type: 'checkbox', 'data-testid': 'structure-overlay-toggle' });
  overlay.addEventListener('change', () => structureStore.setState({ overlay: overlay.checked }));
  const table = h('table.structure-stats', { 'data-testid': 'structure-stats', style: 'width:100%;border-collapse:collapse;font-size:11.5px;font-variant-numeric:tabular-nums' });
  const geo = h('div.structure-geo', { 'data-testid': 'structure-geo', style: 'font-size:12px;opacity:.8' });
  const root = h(
    'div.structure-panel',
    { style: 'display:flex;flex-direction:column;gap:8px;padding:8px;overflow:auto;height:100%;box-sizing:border-box' },
    status,
    h('label', {}, overlay, ' Walkable overlay on the plan'),
    table,
    geo,
  );
  el.append(root);
  // Tight cells and whole square metres: seven columns must fit the default right panel (~280 px)
  // without clipping. The numbers never wrap; the storey name takes what is left (width:100% with
  // max-width:0), wraps only between words, and a word too long for it ends in an ellipsis, the
  // whole name in its tooltip ("Erdgeschoss" used to break as "Erdges|choss").
  const cell = (text: string) => h('td', { style: 'padding:1px 1px 1px 3px;text-align:right;white-space:nowrap' }, text);
  const nameCell = (text: string) => h('td.structure-storey-name', { title: text, style: 'padding:1px 2px;text-align:left;width:100%;max-width:0;min-width:3.5em;overflow:hidden;text-overflow:ellipsis;overflow-wrap:normal;word-break:normal' }, text);
  const th = (text: string, title: string, align = 'right') => h('th', { title, style: `padding:1px ${align === 'right' ? '1px 1px 3px' : '2px'};text-align:${align};font-weight:500;font-size:10px;vertical-align:bottom` }, text);
  const render = () => {
    const s = structureStore.getState();
    status.textContent = statusText(s);
    overlay.checked = s.overlay;
    if (s.status !== 'ready' || !s.structure) {
      table.replaceChildren();
      geo.textContent = '';
      return;
    }
    const stats = structureStats(s.structure);
    const active = layoutStore.getState().activeStorey;
    table.replaceChildren(
      h('tr', {},
        th('storey', 'Storey name', 'left'), th('elev. m', 'Elevation of the storey, m'), th('walk. m²', 'Walkable area, m²'),
        th('spaces', 'IfcSpace count'), th('doors', 'Door count'), th('exits', 'Doors to the outside'), th('stairs', 'Stairs and ramps that reach the storey (up or down)')),
      ...stats.storeys.map((st) => {
        // A storey nobody can leave (no exit, no stair): greyed, said on hover, and left out of the total.
        const title = `Show ${st.name} in the plan (walkable from ${st.walkableSource})${st.noWayOut ? ' — no exit and no stair or ramp reach it: nobody can leave it, and derived scenarios leave it empty; not in the total' : ''}`;
        const tr = h('tr', { style: `cursor:pointer${st.index === active ? ';font-weight:600' : ''}${st.noWayOut ? ';opacity:.55' : ''}`, title, 'data-storey': st.index, ...(st.noWayOut ? { 'data-no-way-out': '' } : {}) },
          nameCell(st.name), cell(st.elevation.toFixed(2)), cell(st.walkableArea.toFixed(0)), cell(String(st.spaces)), cell(String(st.doors)), cell(String(st.exits)), cell(String(st.stairs)));
        tr.addEventListener('click', () => layoutStore.setState({ activeStorey: st.index }));
        return tr;
      }),
      h('tr', { style: 'border-top:1px solid rgba(140,150,165,.35)', title: stats.total.unreached > 0 ? `Walkable area of the storeys people can leave; ${stats.total.unreached.toFixed(0)} m² more on storeys no exit or stair reaches` : 'Walkable area of all storeys' },
        nameCell('total'), cell(''), cell(stats.total.walkableArea.toFixed(0)), cell(String(stats.total.spaces)), cell(String(stats.total.doors)), cell(String(stats.total.exits)), cell(String(stats.total.stairs))),
    );
    const g = s.structure.georeference;
    geo.textContent = g
      ? `Georeference: ${g.lat.toFixed(6)}°, ${g.lon.toFixed(6)}° · true north ${g.trueNorth.toFixed(1)}° — WGS84 telemetry is placed with it.`
      : 'No georeference in the model: telemetry with only lat/lon cannot be placed.';
  };
  render();
  const unsubs = [structureStore.subscribe(render), layoutStore.subscribe((s, p) => { if (s.activeStorey !== p.activeStorey) render(); })];
  return {
    dispose() {
      for (const u of unsubs) u();
      root.remove();
    },
  };
}
