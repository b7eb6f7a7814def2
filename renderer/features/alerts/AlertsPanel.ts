/**
 * The "Alerts" panel: severity colour, time, entity, message, an Acknowledge button per active
 * alert, and an active / all filter. Clicking a row selects the entity (3D view, inspector).
 * Re-renders on store changes, at most once per animation frame.
 */
import type { Severity } from '../../../common/records.js';
import type { Disposable } from '../../../common/source.js';
import { h } from '../../shell/h.js';
import { formatTime } from '../../shell/formatTime.js';
import { alertsStore, dispatchAlerts, visibleAlerts, type PageAlert } from '../../stores/alertsStore.js';

export const SEVERITY_COLOUR: Record<Severity, string> = { critical: '#e5484d', warning: '#f5a524', info: '#3e9bff' };
const MAX_ROWS = 300;
/** Narrowest an alert message gets beside severity, time and entity before it moves under them. */
const MESSAGE_MIN_WIDTH = '16em';

export interface AlertsPanelActions {
  acknowledge(id: string): Promise<void>;
  select(entity: string): void;
}

function time(t: number): string {
  return formatTime(t, false); // 24-hour local time, as the timeline (toLocaleTimeString gave "1:02:54 PM" beside it)
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

  const row = (a: PageAlert): HTMLElement => {
    const colour = SEVERITY_COLOUR[a.severity];
    const ack = a.active && !a.acknowledged ? h('button', { type: 'button', 'data-testid': 'alert-ack', title: 'Acknowledge: keep it listed, stop drawing attention', style: 'flex:none' }, 'Acknowledge') : null;
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
      // One line when the panel is wide; in a narrow one the message moves under severity, time
      // and entity (it needs MESSAGE_MIN_WIDTH) instead of wrapping one word per line beside them.
      h('div.alert-text', { style: 'flex:1;min-width:0;display:flex;flex-wrap:wrap;align-items:baseline;column-gap:8px;row-gap:1px' },
        h('span', { style: `flex:none;color:${colour};min-width:4.5em;text-transform:uppercase;font-size:0.8em` }, a.severity),
        h('span', { style: 'flex:none;min-width:6em;white-space:nowrap;font-variant-numeric:tabular-nums' }, time(a.t)),
        h('span', { title: a.entity, style: 'flex:0 1 auto;min-width:8em;max-width:16em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap' }, a.entity),
        h('span.alert-message', { style: `flex:1 1 ${MESSAGE_MIN_WIDTH};min-width:0;overflow-wrap:break-word` }, a.message + (a.active ? '' : a.clearedAt !== undefined && a.clearedAt !== a.t ? ` (cleared ${time(a.clearedAt)})` : ' (cleared)') + (a.acknowledged && a.active ? ' ✓' : ''))),
      ack,
    );
    r.addEventListener('click', () => actions.select(a.entity));
    return r;
  };

  let scheduled = 0;
  let rows = new Map<string, { el: HTMLElement; alert: PageAlert }>();
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
    const next = new Map<string, { el: HTMLElement; alert: PageAlert }>();
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
