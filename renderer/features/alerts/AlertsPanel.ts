/**
 * The "Alerts" panel: severity colour, time, entity, message, an Acknowledge button per active
 * alert, and an active / all filter. Clicking a row selects the entity (3D view, inspector).
 * Re-renders on store changes, at most once per animation frame.
 */
import type { AlertRecord, Severity } from '../../../common/records.js';
import type { Disposable } from '../../../common/source.js';
import { h } from '../../shell/h.js';
import { alertsStore, dispatchAlerts, visibleAlerts } from '../../stores/alertsStore.js';

export const SEVERITY_COLOUR: Record<Severity, string> = { critical: '#e5484d', warning: '#f5a524', info: '#3e9bff' };
const MAX_ROWS = 300;

export interface AlertsPanelActions {
  acknowledge(id: string): Promise<void>;
  select(entity: string): void;
}

function time(t: number): string {
  const d = new Date(t);
  return Number.isFinite(d.getTime()) ? d.toLocaleTimeString() : '—';
}

export function mountAlertsPanel(el: HTMLElement, actions: AlertsPanelActions): Disposable {
  const activeBtn = h('button', { type: 'button', 'data-testid': 'alerts-filter-active' }, 'Active');
  const allBtn = h('button', { type: 'button', 'data-testid': 'alerts-filter-all' }, 'All');
  const summary = h('span', { 'data-testid': 'alerts-summary', style: 'margin-left:auto;opacity:0.8' });
  const list = h('div', { 'data-testid': 'alerts-list', role: 'list', style: 'overflow:auto;flex:1' });
  activeBtn.addEventListener('click', () => dispatchAlerts({ type: 'filter', filter: 'active' }));
  allBtn.addEventListener('click', () => dispatchAlerts({ type: 'filter', filter: 'all' }));
  const root = h(
    'div.alerts-panel',
    { style: 'display:flex;flex-direction:column;height:100%;box-sizing:border-box;padding:6px;gap:6px' },
    h('div', { style: 'display:flex;gap:6px;align-items:center' }, activeBtn, allBtn, summary),
    list,
  );
  el.append(root);

  const row = (a: AlertRecord): HTMLElement => {
    const colour = SEVERITY_COLOUR[a.severity];
    const ack = a.active && !a.acknowledged ? h('button', { type: 'button', 'data-testid': 'alert-ack', title: 'Acknowledge: keep it listed, stop drawing attention' }, 'Acknowledge') : null;
    ack?.addEventListener('click', (ev) => {
      ev.stopPropagation();
      (ack as HTMLButtonElement).disabled = true;
      actions.acknowledge(a.id).catch(() => ((ack as HTMLButtonElement).disabled = false));
    });
    const r = h(
      'div.alert-row',
      {
        role: 'listitem',
        'data-testid': 'alert-row',
        'data-alert-id': a.id,
        'data-severity': a.severity,
        title: `${a.code} — click to select ${a.entity}`,
        style: `display:flex;gap:8px;align-items:center;padding:3px 6px;cursor:pointer;border-left:4px solid ${colour};` +
          `${a.active ? '' : 'opacity:0.55;'}${a.acknowledged ? 'font-weight:normal;' : a.active ? 'font-weight:600;' : ''}`,
      },
      h('span', { style: `color:${colour};min-width:4.5em;text-transform:uppercase;font-size:0.8em` }, a.severity),
      h('span', { style: 'min-width:6em;font-variant-numeric:tabular-nums' }, time(a.t)),
      h('span', { style: 'min-width:8em' }, a.entity),
      h('span', { style: 'flex:1' }, a.message + (a.active ? '' : ' (cleared)') + (a.acknowledged && a.active ? ' ✓' : '')),
      ack,
    );
    r.addEventListener('click', () => actions.select(a.entity));
    return r;
  };

  let scheduled = 0;
  let rows = new Map<string, { el: HTMLElement; alert: AlertRecord }>();
  const render = () => {
    scheduled = 0;
    const s = alertsStore.getState();
    activeBtn.setAttribute('aria-pressed', String(s.filter === 'active'));
    allBtn.setAttribute('aria-pressed', String(s.filter === 'all'));
    activeBtn.style.fontWeight = s.filter === 'active' ? '700' : '400';
    allBtn.style.fontWeight = s.filter === 'all' ? '700' : '400';
    const items = visibleAlerts(s);
    const active = items.filter((a) => a.active).length;
    summary.textContent = `${active} active${s.filter === 'all' ? `, ${items.length - active} cleared` : ''}`;
    // Keyed update: a row element is rebuilt only when its alert changed, and the list is
    // re-ordered only when the order changed, so a row under the pointer stays clickable while
    // alerts stream in.
    const shown = items.slice(0, MAX_ROWS);
    const next = new Map<string, { el: HTMLElement; alert: AlertRecord }>();
    const els: HTMLElement[] = [];
    for (const a of shown) {
      const prev = rows.get(a.id);
      const el = prev && prev.alert === a ? prev.el : row(a);
      next.set(a.id, { el, alert: a });
      els.push(el);
    }
    rows = next;
    const current = [...list.children];
    if (current.length !== els.length || els.some((el, i) => current[i] !== el)) {
      list.replaceChildren(...els);
      if (items.length === 0) list.append(h('div', { style: 'opacity:0.7;padding:6px' }, s.filter === 'active' ? 'No active alerts.' : 'No alerts this session.'));
    }
  };
  const schedule = () => {
    if (!scheduled) scheduled = requestAnimationFrame(render);
  };
  render();
  const unsub = alertsStore.subscribe(schedule);
  return {
    dispose() {
      unsub();
      if (scheduled) cancelAnimationFrame(scheduled);
      root.remove();
    },
  };
}
