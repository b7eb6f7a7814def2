/**
 * Right-panel "Inspector" tab: the selected entity's live values (kind, type, floor, position,
 * heading, speed, battery, state, task, error, age of the last record) with its condition badge,
 * Follow / Zoom buttons, and speed and battery history charts. Refreshed REFRESH_MS apart while
 * frames arrive, immediately when the selection changes.
 */
import type { Disposable } from '../../../common/source.js';
import { h } from '../../shell/h.js';
import { entitiesStore, isStale } from '../../stores/entitiesStore.js';
import { BADGE_COLOURS, BADGE_LABELS, badgeOf, css, entityColour } from './entityStyle.js';
import { HistoryChart } from './HistoryChart.js';

const REFRESH_MS = 250;
const FIELDS = ['Kind', 'Type', 'Floor', 'Position', 'Heading', 'Speed', 'Battery', 'State', 'Task', 'Error', 'Last record'] as const;

export interface InspectorActions {
  follow(): void;
  zoom(): void;
  /**
   * Whether the page hears from main (absent: always). While it does not, nothing updates: the figures are as last
   * heard, and the panel says so (it read "Last record 0.3 s ago" and "moving" for good after the host went away).
   */
  connection?: { connected(): boolean; onChange(cb: () => void): () => void };
}

export class EntityInspectorPanel implements Disposable {
  private readonly empty: HTMLElement;
  private readonly body: HTMLElement;
  private readonly title: HTMLElement;
  private readonly dot: HTMLElement;
  private readonly badge: HTMLElement;
  private readonly values = new Map<(typeof FIELDS)[number], HTMLElement>();
  private readonly followBtn: HTMLButtonElement;
  private readonly unsubConnection: (() => void) | null;
  private readonly connected: () => boolean;
  private readonly speedChart = new HistoryChart({ label: 'Speed', unit: 'm/s', range: null, format: (v) => v.toFixed(2), colour: '#4fc3f7' });
  private readonly batteryChart = new HistoryChart({ label: 'Battery', unit: '%', range: [0, 100], format: (v) => v.toFixed(0), colour: '#66bb6a' });
  private timer: ReturnType<typeof setTimeout> | null = null;
  private last = 0;
  private readonly unsubscribe: () => void;

  constructor(el: HTMLElement, actions: InspectorActions) {
    this.connected = actions.connection ? () => actions.connection!.connected() : () => true;
    this.empty = h('div.entity-empty', { 'data-testid': 'inspector-empty' }, 'Select a robot, the bus or a sensor — in the 3D view, the plan or the Entities list — to see its live values.');
    this.dot = h('span.entity-dot.entity-dot-lg');
    this.title = h('span.entity-title', { 'data-testid': 'inspector-title' });
    this.badge = h('span.entity-badge');
    const grid = h('dl.entity-fields');
    for (const f of FIELDS) {
      const dd = h('dd', { 'data-field': f.toLowerCase() });
      this.values.set(f, dd);
      grid.append(h('dt', {}, f), dd);
    }
    this.followBtn = h('button.entity-button', { type: 'button', 'aria-pressed': 'false', title: 'Keep the 3D camera on this entity (Shift+F)' }, 'Follow');
    this.followBtn.addEventListener('click', () => actions.follow());
    const zoomBtn = h('button.entity-button', { type: 'button', title: 'Frame this entity in 3D and the plan' }, 'Zoom to');
    zoomBtn.addEventListener('click', () => actions.zoom());
    this.body = h('div.entity-inspector', { 'data-testid': 'inspector' },
      h('div.entity-head', {}, this.dot, this.title, this.badge),
      h('div.entity-actions', {}, this.followBtn, zoomBtn),
      grid,
      this.speedChart.el,
      this.batteryChart.el,
    );
    el.append(this.empty, this.body);
    this.unsubscribe = entitiesStore.subscribe((s, prev) => {
      if (s.selectedId !== prev.selectedId || s.followId !== prev.followId) this.render();
      else if (s.version !== prev.version && s.selectedId !== null) this.schedule();
    });
    this.unsubConnection = actions.connection?.onChange(() => this.render()) ?? null;
    this.render();
  }

  dispose(): void {
    this.unsubscribe();
    this.unsubConnection?.();
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => { this.timer = null; this.render(); }, Math.max(0, REFRESH_MS - (performance.now() - this.last)));
  }

  private render(): void {
    this.last = performance.now();
    const { table, selectedId, followId, time } = entitiesStore.getState();
    const s = selectedId === null ? undefined : table.slotOf.get(selectedId);
    this.empty.hidden = s !== undefined;
    this.body.hidden = s === undefined;
    if (s === undefined) return;
    this.dot.style.background = css(entityColour(table, s));
    this.title.textContent = table.ids[s]!;
    const badge = badgeOf(table, s);
    this.badge.hidden = badge === null;
    if (badge) { this.badge.textContent = BADGE_LABELS[badge]; this.badge.style.background = css(BADGE_COLOURS[badge], 0.9); }
    this.followBtn.setAttribute('aria-pressed', String(followId === selectedId));
    this.followBtn.textContent = followId === selectedId ? 'Following' : 'Follow';
    const f = table.floor[s]!;
    const num = (v: number, digits: number, unit: string) => (Number.isNaN(v) ? '—' : `${v.toFixed(digits)} ${unit}`);
    const b = table.battery[s]!;
    const age = Number.isFinite(time) ? (time - table.lastSeen[s]!) / 1000 : Number.NaN;
    const set = (k: (typeof FIELDS)[number], v: string) => { this.values.get(k)!.textContent = v; };
    set('Kind', table.kindName[s]!);
    set('Type', table.type[s] ?? '—');
    set('Floor', f >= 0 ? table.floors[f]! : '—');
    set('Position', Number.isNaN(table.x[s]!) ? '—' : `${table.x[s]!.toFixed(1)}, ${table.y[s]!.toFixed(1)} m`);
    set('Heading', num(table.heading[s]!, 0, '°'));
    set('Speed', num(table.speed[s]!, 2, 'm/s'));
    set('Battery', Number.isNaN(b) ? '—' : `${Math.round(b * 100)} %`);
    const heard = this.connected();
    this.body.classList.toggle('entity-inspector-unheard', !heard);
    set('State', `${table.stateName(s) ?? '—'}${!heard ? ' (as last heard: the workbench is not connected)' : isStale(table, s) ? ' (no recent data)' : ''}`);
    set('Task', table.task[s] ?? '—');
    set('Error', table.error[s] ?? '—');
    this.values.get('Error')!.classList.toggle('entity-error-text', table.error[s] !== undefined);
    set('Last record', Number.isNaN(age) ? new Date(table.lastSeen[s]!).toISOString() : `${Math.max(0, age).toFixed(age < 10 ? 1 : 0)} s ${heard ? 'ago' : 'before the connection was lost'}`);
    this.speedChart.draw((t, v) => { const n = table.history(s, 't', t); table.history(s, 'speed', v); return n; });
    this.batteryChart.draw((t, v) => {
      const n = table.history(s, 't', t);
      table.history(s, 'battery', v);
      for (let i = 0; i < n; i++) v[i] = v[i]! * 100;
      return n;
    });
  }
}
