/**
 * Left-panel "Entities" tab: search, kind chips, state and floor filters, a headline count and
 * the matching entities (first MAX_ROWS, natural id order) with colour, type, floor, condition
 * and battery. Clicking a row selects the entity (inspector) and frames it in 3D. Re-renders at
 * most REFRESH_MS apart while frames arrive; immediately on a filter change. A row stays the same
 * element while its entity is listed (its text is updated in place): a row rebuilt every half
 * second lost the pointer between press and release, and its tooltip (the task) never showed.
 */
import type { Disposable } from '../../../common/source.js';
import { h } from '../../shell/h.js';
import { entitiesStore, KIND_NAMES, selectEntity, type EntityFilters, type KindName } from '../../stores/entitiesStore.js';
import { BADGE_COLOURS, BADGE_LABELS, badgeOf, css, entityColour } from './entityStyle.js';
import { filterEntities } from './filterEntities.js';

const MAX_ROWS = 300;

/** One list row and the parts `render` updates in place. */
interface Row {
  li: HTMLElement;
  dot: HTMLElement;
  type: HTMLElement;
  floor: HTMLElement;
  cond: HTMLElement;
  battery: HTMLElement;
}

/** Sets an element's text only when it changed (no layout work, no mutation, for the same text). */
function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}
const REFRESH_MS = 500;
const STATE_OPTIONS: [EntityFilters['states'][number] | '', string][] = [
  ['', 'All states'], ['error', 'Error'], ['low-battery', 'Low battery'], ['stale', 'No data (stale)'], ['offline', 'Offline'],
  ['moving', 'Moving'], ['idle', 'Idle'], ['charging', 'Charging'], ['manual', 'Manual'],
];

export class EntityListPanel implements Disposable {
  private readonly search: HTMLInputElement;
  private readonly chips: Map<KindName, HTMLButtonElement> = new Map();
  private readonly stateSel: HTMLSelectElement;
  private readonly floorSel: HTMLSelectElement;
  private readonly summary: HTMLElement;
  private readonly list: HTMLElement;
  private readonly more: HTMLElement;
  private readonly rows = new Map<string, Row>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private last = 0;
  private readonly unsubscribe: () => void;

  constructor(el: HTMLElement, private readonly onActivate: (id: string) => void) {
    this.search = h('input.entity-search', { type: 'search', placeholder: 'Search id, type, task…', 'aria-label': 'Search entities', 'data-testid': 'entity-search' });
    this.search.addEventListener('input', () => this.setFilters({ search: this.search.value }));
    const chipRow = h('div.entity-chips', { role: 'group', 'aria-label': 'Kinds' });
    for (const kind of KIND_NAMES) {
      const b = h('button.entity-chip', { type: 'button', 'aria-pressed': 'false', 'data-kind': kind }, kind);
      b.addEventListener('click', () => {
        const kinds = entitiesStore.getState().filters.kinds;
        this.setFilters({ kinds: kinds.includes(kind) ? kinds.filter((k) => k !== kind) : [...kinds, kind] });
      });
      this.chips.set(kind, b);
      chipRow.append(b);
    }
    this.stateSel = h('select.entity-select', { 'aria-label': 'State filter', 'data-testid': 'entity-state-filter' });
    for (const [v, label] of STATE_OPTIONS) this.stateSel.append(h('option', { value: v }, label));
    this.stateSel.addEventListener('change', () => this.setFilters({ states: this.stateSel.value ? [this.stateSel.value as EntityFilters['states'][number]] : [] }));
    this.floorSel = h('select.entity-select', { 'aria-label': 'Floor filter', 'data-testid': 'entity-floor-filter' });
    this.floorSel.addEventListener('change', () => this.setFilters({ floor: this.floorSel.value || null }));
    this.summary = h('div.entity-summary', { 'data-testid': 'entity-summary' });
    this.list = h('ul.entity-list', { role: 'listbox', 'aria-label': 'Entities', 'data-testid': 'entity-list' });
    this.more = h('div.entity-more');
    this.list.addEventListener('click', (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>('[data-id]');
      if (!row) return;
      const id = row.dataset.id!;
      selectEntity(id);
      this.onActivate(id);
    });
    el.append(h('div.entity-panel', {}, this.search, chipRow, h('div.entity-selects', {}, this.stateSel, this.floorSel), this.summary, this.list, this.more));
    this.unsubscribe = entitiesStore.subscribe((s, prev) => {
      if (s.filters !== prev.filters || s.selectedId !== prev.selectedId) this.render();
      else if (s.version !== prev.version) this.schedule();
    });
    this.render();
  }

  dispose(): void {
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
  }

  private setFilters(patch: Partial<EntityFilters>): void {
    entitiesStore.setState({ filters: { ...entitiesStore.getState().filters, ...patch } });
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, REFRESH_MS - (performance.now() - this.last));
    this.timer = setTimeout(() => { this.timer = null; this.render(); }, wait);
  }

  private render(): void {
    this.last = performance.now();
    const { table, people, filters, selectedId } = entitiesStore.getState();
    for (const [kind, chip] of this.chips) chip.setAttribute('aria-pressed', String(filters.kinds.includes(kind)));
    // Floor options follow the floors seen.
    const want = ['', ...[...table.floors].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))];
    if (this.floorSel.options.length !== want.length) {
      this.floorSel.replaceChildren(...want.map((f) => h('option', { value: f }, f || 'All floors')));
      this.floorSel.value = filters.floor ?? '';
    }
    const byKind = new Array<number>(KIND_NAMES.length).fill(0);
    let alerts = 0;
    for (let s = 0; s < table.count; s++) {
      byKind[table.kind[s]!]!++;
      const b = badgeOf(table, s);
      if (b === 'error' || b === 'low-battery' || b === 'stale' || b === 'offline') alerts++;
    }
    const parts = KIND_NAMES.map((k, i) => (byKind[i] ? `${byKind[i]} ${k}${byKind[i] === 1 || k === 'other' ? '' : k === 'bus' ? 'es' : 's'}` : '')).filter(Boolean);
    // People positioned from BLE scans are anonymous dots, not entities: said so, since the Person chip lists only
    // entities that report as a person (an operator saw "300 people" here and an empty list under Person).
    if (people.count) parts.push(`${people.count.toLocaleString()} people positioned`);
    this.summary.replaceChildren(h('span', {}, parts.join(' · ') || 'No entities yet — waiting for telemetry'));
    if (alerts) this.summary.append(h('span.entity-summary-alerts', { title: 'Entities in error, low on battery, offline or silent' }, `${alerts} need attention`));
    const slots = filterEntities(table, filters);
    const shown = new Set<string>();
    let at = this.list.firstElementChild;
    for (const s of slots.slice(0, MAX_ROWS)) {
      const id = table.ids[s]!;
      shown.add(id);
      const row = this.rows.get(id) ?? this.makeRow(id);
      const badge = badgeOf(table, s);
      const f = table.floor[s]!;
      const b = table.battery[s]!;
      const selected = String(id === selectedId);
      if (row.li.getAttribute('aria-selected') !== selected) row.li.setAttribute('aria-selected', selected);
      const task = table.task[s] ?? '';
      if (row.li.title !== task) row.li.title = task;
      const dot = `background:${css(entityColour(table, s))}`;
      if (row.dot.getAttribute('style') !== dot) row.dot.setAttribute('style', dot);
      setText(row.type, table.type[s] ?? table.kindName[s]!);
      setText(row.floor, f >= 0 ? table.floors[f]! : '');
      const condClass = badge ? 'entity-badge' : 'entity-state';
      if (row.cond.className !== condClass) row.cond.className = condClass;
      const condStyle = badge ? `background:${css(BADGE_COLOURS[badge], 0.9)}` : '';
      if ((row.cond.getAttribute('style') ?? '') !== condStyle) row.cond.setAttribute('style', condStyle);
      setText(row.cond, badge ? BADGE_LABELS[badge] : table.stateName(s) ?? '');
      setText(row.battery, Number.isNaN(b) ? '' : `${Math.round(b * 100)}%`);
      // In order: a row already in its place is left where it is (moved only when the order changes).
      if (at === row.li) at = at.nextElementSibling;
      else this.list.insertBefore(row.li, at);
    }
    // What follows the last row placed is no longer listed.
    while (at) {
      const next = at.nextElementSibling;
      at.remove();
      at = next;
    }
    for (const id of this.rows.keys()) if (!shown.has(id)) this.rows.delete(id);
    const onlyPeople = filters.kinds.length === 1 && filters.kinds[0] === 'person' && people.count > 0;
    setText(this.more, slots.length > MAX_ROWS ? `${slots.length - MAX_ROWS} more — refine the search`
      : slots.length === 0 && onlyPeople ? `No person reports as an entity. The ${people.count.toLocaleString()} people positioned from beacon scans are anonymous: they are the dots on the plan, counted per space in the Occupancy tab.`
        : slots.length === 0 && table.count ? 'No entity matches the filters' : '');
  }

  private makeRow(id: string): Row {
    const row: Row = {
      li: h('li.entity-row', { 'data-id': id, role: 'option', 'aria-selected': 'false' }),
      dot: h('span.entity-dot'),
      type: h('span.entity-type'),
      floor: h('span.entity-floor'),
      cond: h('span.entity-state'),
      battery: h('span.entity-battery'),
    };
    row.li.append(row.dot, h('span.entity-id', {}, id), row.type, row.floor, row.cond, row.battery);
    this.rows.set(id, row);
    return row;
  }
}
