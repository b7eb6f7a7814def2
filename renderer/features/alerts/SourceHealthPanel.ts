/**
 * The "Source health" panel: source URI and state (with detail such as "retry in 4 s"),
 * accepted / rejected counts, and the reject reasons with their counts.
 */
import type { Disposable } from '../../../common/source.js';
import { h } from '../../shell/h.js';
import { alertsStore } from '../../stores/alertsStore.js';

const STATE_COLOUR: Record<string, string> = { live: '#30a46c', playing: '#30a46c', reconnecting: '#f5a524', connecting: '#f5a524', error: '#e5484d' };

export function mountSourceHealthPanel(el: HTMLElement): Disposable {
  const head = h('div', { 'data-testid': 'health-state', style: 'font-weight:600' });
  const detail = h('div', { 'data-testid': 'health-detail', style: 'opacity:0.8' });
  const counts = h('div', { 'data-testid': 'health-counts' });
  const reasons = h('table', { 'data-testid': 'health-reasons', style: 'width:100%;border-collapse:collapse' });
  const root = h('div.source-health-panel', { style: 'display:flex;flex-direction:column;gap:6px;padding:8px;overflow:auto;height:100%;box-sizing:border-box' }, head, detail, counts, reasons);
  el.append(root);
  const render = () => {
    const s = alertsStore.getState().health;
    if (!s) {
      head.textContent = 'No source connected';
      detail.textContent = '';
      counts.textContent = '';
      reasons.replaceChildren();
      return;
    }
    head.textContent = `${s.uri} — ${s.state}`;
    head.style.color = STATE_COLOUR[s.state] ?? '';
    detail.textContent = s.detail ?? '';
    const total = s.accepted + s.rejected;
    counts.textContent = `accepted ${s.accepted.toLocaleString()} · rejected ${s.rejected.toLocaleString()}${total ? ` (${((100 * s.rejected) / total).toFixed(2)} %)` : ''}`;
    const rows = Object.entries(s.rejectReasons).sort((a, b) => b[1] - a[1]);
    reasons.replaceChildren(
      h('tr', {}, h('th', { style: 'text-align:left' }, 'reject reason'), h('th', { style: 'text-align:right' }, 'count')),
      ...rows.map(([reason, n]) => h('tr', {}, h('td', { style: 'padding:1px 4px' }, reason), h('td', { style: 'padding:1px 4px;text-align:right' }, n.toLocaleString()))),
    );
    if (rows.length === 0) reasons.append(h('tr', {}, h('td', { style: 'opacity:0.7' }, 'nothing rejected')));
  };
  render();
  const unsub = alertsStore.subscribe(render);
  return {
    dispose() {
      unsub();
      root.remove();
    },
  };
}
