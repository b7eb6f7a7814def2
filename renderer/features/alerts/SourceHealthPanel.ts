/**
 * The "Source health" panel: source URI and state, the detail (the last error), while
 * reconnecting a countdown to the next attempt with its number and clock time ("retrying in 7 s
 * (attempt 3) · at 14:02:31", counted down here once a second), accepted / rejected counts, and
 * the reject reasons with their counts.
 */
import { clockTime, retryCountdownText } from '../../../common/retry.js';
import type { Disposable } from '../../../common/source.js';
import { CountdownTicker } from '../../shell/CountdownTicker.js';
import { h } from '../../shell/h.js';
import { alertsStore } from '../../stores/alertsStore.js';

const STATE_COLOUR: Record<string, string> = { live: '#30a46c', playing: '#30a46c', reconnecting: '#f5a524', connecting: '#f5a524', error: '#e5484d' };

export function mountSourceHealthPanel(el: HTMLElement): Disposable {
  const head = h('div', { 'data-testid': 'health-state', style: 'font-weight:600' });
  const detail = h('div', { 'data-testid': 'health-detail', style: 'opacity:0.8' });
  const retry = h('div', { 'data-testid': 'health-retry', hidden: true });
  const counts = h('div', { 'data-testid': 'health-counts' });
  const reasons = h('table', { 'data-testid': 'health-reasons', style: 'width:100%;border-collapse:collapse' });
  const root = h('div.source-health-panel', { style: 'display:flex;flex-direction:column;gap:6px;padding:8px;overflow:auto;height:100%;box-sizing:border-box' }, head, detail, retry, counts, reasons);
  el.append(root);
  const ticker = new CountdownTicker(() => render());
  const render = () => {
    const s = alertsStore.getState().health;
    const pending = s?.state === 'reconnecting' ? s.retry : undefined;
    ticker.follow(pending);
    retry.hidden = !pending;
    retry.textContent = pending ? `${retryCountdownText(pending, Date.now())} · at ${clockTime(pending.at)}` : '';
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
      ticker.dispose();
      root.remove();
    },
  };
}
