/**
 * The right "Properties" tab: the selected element's storey and type object, attributes, property sets and quantities,
 * fetched lazily from the IFC worker when the selection changes (modelStore.properties).
 */
import type { Disposable } from '../../../common/source.js';
import type { ElementProperties, PropertyGroup, PropertyRow } from '../../../workers/ifc/geometry/readElementProperties.js';
import { h } from '../../shell/h.js';
import { modelStore, type ModelState } from '../../stores/modelStore.js';

/**
 * A property value as the panel shows it: numbers to 3 decimals with a quantity's unit ("43.751 m²"),
 * never with the STEP value type web-ifc names them by ("IFCLENGTHMEASURE", "IfcInteger"): that is
 * the schema's name of the type, not a unit.
 */
export function formatValue(r: PropertyRow): string {
  if (r.value === null) return '—';
  if (typeof r.value === 'number') {
    const v = Number.isInteger(r.value) ? String(r.value) : r.value.toFixed(3).replace(/\.?0+$/, '');
    return r.valueType && !/^ifc/i.test(r.valueType) ? `${v} ${r.valueType}` : v;
  }
  return String(r.value);
}

/**
 * The rows above an element's own attributes: the storey it is in (null: in none) and, when a type
 * object defines it, that type's IFC class and name ("IfcDoorType 'D-900'"). An element with no
 * type object has no Type row (not an empty one).
 */
export function placementRows(d: Pick<ElementProperties, 'typeObject'>, storey: string | null): PropertyRow[] {
  const rows: PropertyRow[] = [{ name: 'Storey', value: storey }];
  const t = d.typeObject;
  if (t) rows.push({ name: 'Type', value: t.name ? `${t.ifcClass} '${t.name}'` : t.ifcClass });
  return rows;
}

/** The name of the storey the model's spatial structure puts an element in (null: none, or not in the index). */
export function storeyNameOf(s: Pick<ModelState, 'lookup' | 'storeys'>, expressID: number): string | null {
  const row = s.lookup ? s.lookup.rowOf(expressID) : -1;
  const storey = row >= 0 ? s.lookup!.index.storeys[row]! : -1;
  return s.storeys[storey]?.name ?? null;
}

function table(rows: PropertyRow[]): HTMLTableElement {
  return h('table', { style: 'width:100%;border-collapse:collapse;font-size:92%' },
    ...rows.map((r) => h('tr', {},
      h('td', { style: 'padding:1px 6px 1px 0;opacity:.75;vertical-align:top;white-space:nowrap' }, r.name),
      h('td', { style: 'padding:1px 0;word-break:break-word' }, formatValue(r)))));
}

function group(g: PropertyGroup, kind: string): HTMLElement {
  return h('details', { open: true, 'data-group': g.name },
    h('summary', { style: 'font-weight:600' }, `${g.name || kind}${g.fromType ? ' (type)' : ''}`), table(g.rows));
}

export function mountPropertiesPanel(el: HTMLElement): Disposable {
  const body = h('div', { 'data-testid': 'model-properties', style: 'padding:8px;overflow:auto;height:100%;box-sizing:border-box' });
  el.append(body);
  // undefined, not null: null is the store's "nothing selected", which the first render must show.
  let shown: ModelState['properties'] | undefined;
  const render = (s: ModelState): void => {
    if (s.properties === shown) return;
    shown = s.properties;
    const p = s.properties;
    if (!p) {
      body.replaceChildren(h('div', { style: 'opacity:.7' }, 'Click an element in the 3D view or the Model tree.'));
      return;
    }
    if (p.state === 'loading') {
      body.replaceChildren(h('div', {}, `Reading properties of #${p.expressID}…`));
      return;
    }
    if (p.state === 'error') {
      body.replaceChildren(h('div', { style: 'color:#e66' }, p.message));
      return;
    }
    const d = p.data;
    body.replaceChildren(
      h('div', { style: 'font-weight:600;font-size:110%', 'data-testid': 'model-properties-title' }, d.name || `#${d.expressID}`),
      h('div', { style: 'opacity:.75;margin-bottom:6px' }, `${d.type} · #${d.expressID}`),
      h('div', { 'data-testid': 'model-properties-globalid', style: 'font-family:monospace;margin-bottom:6px' }, d.globalId),
      h('details', { open: true }, h('summary', { style: 'font-weight:600' }, 'Attributes'), table([...placementRows(d, storeyNameOf(s, d.expressID)), ...d.attributes])),
      ...d.propertySets.map((g) => group(g, 'Property set')),
      ...(d.quantities.length ? [h('div', { style: 'font-weight:600;margin-top:6px' }, 'Quantities'), ...d.quantities.map((g) => group(g, 'Quantities'))] : []),
    );
  };
  render(modelStore.getState());
  const unsubscribe = modelStore.subscribe(render);
  return {
    dispose() {
      unsubscribe();
      body.remove();
    },
  };
}
