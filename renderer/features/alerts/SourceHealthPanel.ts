/**
 * The "Source health" panel: source URI and state, the detail (the last error), while
 * reconnecting a countdown to the next attempt with its number and clock time ("retrying in 7 s
 * (attempt 3) · at 14:02:31", counted down here once a second), accepted / rejected counts, and
 * the reject reasons with their counts. While scans are turned into positions: whose beacon registry
 * (a loaded file, the source's, or beacons placed on the model), how well it fits the recent scans,
 * the warning when it does not (SourceStatus.positioning), and loading the deployment's registry.
 */
import { clockTime, retryCountdownText } from '../../../common/retry.js';
import type { Disposable, PositioningStatus } from '../../../common/source.js';
import { CountdownTicker } from '../../shell/CountdownTicker.js';
import { h } from '../../shell/h.js';
import { alertsStore } from '../../stores/alertsStore.js';

const STATE_COLOUR: Record<string, string> = { live: '#30a46c', playing: '#30a46c', reconnecting: '#f5a524', connecting: '#f5a524', error: '#e5484d' };

export interface SourceHealthActions {
  /** A beacon registry file the user picked: read, checked and handed to the host (errors are shown by the caller). */
  loadBeacons(file: File): Promise<void>;
  /** Back to the source's or the model's beacons. */
  dropBeacons(): Promise<void>;
}

const REGISTRY_FROM: Record<PositioningStatus['registry'], string> = {
  file: 'from the registry you loaded',
  source: 'from the source',
  model: 'placed on the model by the workbench (no registry given)',
};

/** "400 beacons from the source · last 500 scans: 0 % unknown beacons, 1 % misfits". */
export function positioningText(p: PositioningStatus): string {
  const scans = p.scans ? ` · last ${p.scans.toLocaleString()} scans: ${Math.round(100 * p.unknownShare)} % name unknown beacons, ${Math.round(100 * p.misfitShare)} % misfit` : ' · no scans yet';
  return `Positioning: ${p.beacons.toLocaleString()} beacons ${REGISTRY_FROM[p.registry]}${scans}`;
}

export function mountSourceHealthPanel(el: HTMLElement, actions: SourceHealthActions): Disposable {
  const head = h('div', { 'data-testid': 'health-state', style: 'font-weight:600' });
  const detail = h('div', { 'data-testid': 'health-detail', style: 'opacity:0.8' });
  const retry = h('div', { 'data-testid': 'health-retry', hidden: true });
  const counts = h('div', { 'data-testid': 'health-counts' });
  const reasons = h('table', { 'data-testid': 'health-reasons', style: 'width:100%;border-collapse:collapse' });
  const positioning = h('div', { 'data-testid': 'health-positioning' });
  const warning = h('div', { 'data-testid': 'health-positioning-warning', role: 'alert', hidden: true, style: 'color:#f5a524' });
  const file = h('input', { type: 'file', accept: '.json,application/json', 'data-testid': 'health-beacons-file', hidden: true });
  const load = h('button.button.button-secondary.button-small', { type: 'button', 'data-testid': 'health-load-beacons' }, 'Load beacon registry…');
  const drop = h('button.button.button-secondary.button-small', { type: 'button', 'data-testid': 'health-drop-beacons', hidden: true }, 'Use the source’s or model’s beacons');
  const beaconButtons = h('div', { style: 'display:flex;gap:6px;flex-wrap:wrap' }, load, drop, file);
  load.addEventListener('click', () => file.click());
  file.addEventListener('change', () => {
    const f = file.files?.[0];
    file.value = '';
    if (f) void actions.loadBeacons(f);
  });
  drop.addEventListener('click', () => void actions.dropBeacons());
  const root = h('div.source-health-panel', { style: 'display:flex;flex-direction:column;gap:6px;padding:8px;overflow:auto;height:100%;box-sizing:border-box' }, head, detail, retry, counts, positioning, warning, beaconButtons, reasons);
  el.append(root);
  const ticker = new CountdownTicker(() => render());
  const render = () => {
    const s = alertsStore.getState().health;
    const pending = s?.state === 'reconnecting' ? s.retry : undefined;
    ticker.follow(pending);
    retry.hidden = !pending;
    retry.textContent = pending ? `${retryCountdownText(pending, Date.now())} · at ${clockTime(pending.at)}` : '';
    const p = s?.positioning;
    positioning.textContent = p ? positioningText(p) : '';
    positioning.hidden = !p;
    warning.textContent = p?.warning ?? '';
    warning.hidden = !p?.warning;
    beaconButtons.hidden = !p;
    drop.hidden = p?.registry !== 'file';
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
