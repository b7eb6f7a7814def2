/**
 * The alerts feature: the "Alerts" panel (bottom tab) and the "Source health" panel, a status-bar
 * badge with unacknowledged alerts, and the `alerts.acknowledge` round trip.
 *
 * Data: `alert` events (raised / acknowledged / cleared), `source.status` events, and
 * `alerts.list` whenever the API (re)connects or the session changes (a new source or model: a
 * new pipeline), all into renderer/stores/alertsStore.ts. Clicking
 * an alert selects its entity in the entities store, so the 3D view and inspector follow it.
 */
import type { AlertRecord, BeaconRegistry } from '../../../common/records.js';
import type { Disposable, Disposer } from '../../../common/source.js';
import type { Feature, ToastHandle, WorkbenchContext } from '../../shell/WorkbenchContext.js';
import { alertsStore, dispatchAlerts, unacknowledgedCounts } from '../../stores/alertsStore.js';
import { selectEntity } from '../../stores/entitiesStore.js';
import { mountAlertsPanel } from './AlertsPanel.js';
import { mountSourceHealthPanel, type SourceHealthActions } from './SourceHealthPanel.js';
import { alertClearedText, alertToastText } from './alertToastText.js';

async function refresh(ctx: WorkbenchContext, then: (active: readonly AlertRecord[]) => void = () => {}, dropCleared = false): Promise<void> {
  try {
    const active = await ctx.api.call('alerts.list', {});
    dispatchAlerts({ type: 'replace', active, dropCleared });
    then(active);
  } catch {
    /* not connected yet: the next (re)connect refreshes */
  }
}

export const alertsFeature: Feature = {
  id: 'alerts',
  activate(ctx: WorkbenchContext): Disposable {
    const disposers: Disposer[] = [];
    /** The error toast of each critical alert still active, by alert id: it goes when the alert clears. */
    const toasts = new Map<string, ToastHandle>();
    /** The source of the last session event (alerts of another are dropped when it changes). */
    let sourceUri: string | null = null;
    /** After a new alert list (another pipeline, a reconnect): toasts of alerts not in it go. */
    const dismissGone = (active: readonly AlertRecord[]) => {
      const ids = new Set(active.filter((a) => a.active && !a.acknowledged).map((a) => a.id));
      for (const [id, toast] of toasts) {
        if (ids.has(id)) continue;
        toasts.delete(id);
        toast.dismiss();
      }
    };
    const status = ctx.addStatusItem('alerts', 30, 80);
    disposers.push(() => status.dispose());
    const actions = {
      acknowledge: async (id: string) => {
        try {
          await ctx.api.call('alerts.acknowledge', { id });
        } catch (e) {
          ctx.notify('warn', `Could not acknowledge: ${(e as Error).message}`);
          throw e;
        }
      },
      select: (entity: string) => {
        dispatchAlerts({ type: 'select', entity });
        // The entities feature's command selects, shows the inspector and zooms to it; without
        // that feature (e.g. a zone or source alert) the selection alone is set.
        ctx.runCommand('entities.select', entity).catch(() => selectEntity(entity));
      },
    };
    const beaconActions: SourceHealthActions = {
      async loadBeacons(file) {
        let registry: unknown;
        try {
          registry = JSON.parse(await file.text());
        } catch (e) {
          ctx.notify('error', `Beacon registry ${file.name}: not JSON (${(e as Error).message})`);
          return;
        }
        try {
          // The host checks it against spec/telemetry.md and names the wrong field.
          await ctx.api.call('source.setBeacons', { registry: registry as BeaconRegistry });
          ctx.notify('info', `Beacon registry ${file.name} loaded: people are positioned with its beacons`);
        } catch (e) {
          ctx.notify('error', `Beacon registry ${file.name}: ${(e as Error).message}`);
        }
      },
      async dropBeacons() {
        try {
          await ctx.api.call('source.setBeacons', { registry: null });
        } catch (e) {
          ctx.notify('error', `Could not drop the beacon registry: ${(e as Error).message}`);
        }
      },
    };
    disposers.push(
      ctx.registerPanel({ id: 'alerts', title: 'Alerts', side: 'bottom', order: 10, mount: (el) => mountAlertsPanel(el, actions) }),
      ctx.registerPanel({ id: 'source-health', title: 'Source health', side: 'bottom', order: 11, mount: (el) => mountSourceHealthPanel(el, beaconActions) }),
      ctx.api.on('alert', (a) => {
        dispatchAlerts({ type: 'alerts', alerts: [a] });
        if (a.active && !a.acknowledged) {
          // Critical alerts, and the one that says every people position is wrong, are also said in a toast.
          if ((a.severity === 'critical' || a.code === 'beacon-registry') && !toasts.has(a.id)) toasts.set(a.id, ctx.notify(a.severity === 'critical' ? 'error' : 'warn', alertToastText(a)));
          return;
        }
        // Cleared (or acknowledged): its error toast goes; a cleared one says it recovered.
        const toast = toasts.get(a.id);
        toasts.delete(a.id);
        if (toast?.dismiss() && !a.active) ctx.notify('info', alertClearedText(a));
      }),
      ctx.api.on('source.status', (s) => dispatchAlerts({ type: 'health', status: s })),
      ctx.api.on('session', (s) => {
        if (s.source) dispatchAlerts({ type: 'health', status: s.source });
        // A new source or model may have replaced the pipeline (its hub's alerts went with it, and
        // their clears were never sent): the new hub's list is the truth, as after a reconnect. Another
        // source's cleared alerts go too (a recording opened after MQTT listed MQTT's "connection lost").
        const uri = s.source?.uri ?? null, other = uri !== null && sourceUri !== null && uri !== sourceUri;
        if (uri !== null) sourceUri = uri;
        void refresh(ctx, dismissGone, other);
      }),
      ctx.api.onStatus((st) => {
        if (st.state === 'connected') void refresh(ctx, dismissGone);
      }),
      ctx.registerCommand({ id: 'alerts.show', title: 'Show alerts', key: 'Shift+A', run: () => ctx.showPanel('alerts') }),
    );
    const badge = () => {
      const c = unacknowledgedCounts(alertsStore.getState());
      const n = c.critical + c.warning + c.info;
      status.set(n ? `⚠ ${n} alert${n === 1 ? '' : 's'}${c.critical ? ` (${c.critical} critical)` : ''}` : 'no alerts', 'Unacknowledged active alerts — Shift+A shows the list');
    };
    badge();
    disposers.push(alertsStore.subscribe(badge));
    if (ctx.api.status().state === 'connected') void refresh(ctx);
    return {
      dispose() {
        for (const d of disposers.splice(0).reverse()) d();
      },
    };
  },
};
