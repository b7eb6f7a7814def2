/**
 * The alerts feature: the "Alerts" panel (bottom tab) and the "Source health" panel, a status-bar
 * badge with unacknowledged alerts, and the `alerts.acknowledge` round trip.
 *
 * Data: `alert` events (raised / acknowledged / cleared), `source.status` events, and
 * `alerts.list` whenever the API (re)connects or the session changes (a new source or model: a
 * new pipeline), all into renderer/stores/alertsStore.ts. Clicking
 * an alert selects its entity in the entities store, so the 3D view and inspector follow it.
 */
import type { Disposable, Disposer } from '../../../common/source.js';
import type { Feature, WorkbenchContext } from '../../shell/WorkbenchContext.js';
import { alertsStore, dispatchAlerts, unacknowledgedCounts } from '../../stores/alertsStore.js';
import { selectEntity } from '../../stores/entitiesStore.js';
import { mountAlertsPanel } from './AlertsPanel.js';
import { mountSourceHealthPanel } from './SourceHealthPanel.js';
import { alertToastText } from './alertToastText.js';

async function refresh(ctx: WorkbenchContext): Promise<void> {
  try {
    const active = await ctx.api.call('alerts.list', {});
    dispatchAlerts({ type: 'replace', active });
  } catch {
    /* not connected yet: the next (re)connect refreshes */
  }
}

export const alertsFeature: Feature = {
  id: 'alerts',
  activate(ctx: WorkbenchContext): Disposable {
    const disposers: Disposer[] = [];
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
    disposers.push(
      ctx.registerPanel({ id: 'alerts', title: 'Alerts', side: 'bottom', order: 10, mount: (el) => mountAlertsPanel(el, actions) }),
      ctx.registerPanel({ id: 'source-health', title: 'Source health', side: 'bottom', order: 11, mount: (el) => mountSourceHealthPanel(el) }),
      ctx.api.on('alert', (a) => {
        dispatchAlerts({ type: 'alerts', alerts: [a] });
        if (a.active && !a.acknowledged && a.severity === 'critical') ctx.notify('error', alertToastText(a));
      }),
      ctx.api.on('source.status', (s) => dispatchAlerts({ type: 'health', status: s })),
      ctx.api.on('session', (s) => {
        if (s.source) dispatchAlerts({ type: 'health', status: s.source });
        // A new source or model may have replaced the pipeline (its hub's alerts went with it, and
        // their clears were never sent): the new hub's list is the truth, as after a reconnect.
        void refresh(ctx);
      }),
      ctx.api.onStatus((st) => {
        if (st.state === 'connected') void refresh(ctx);
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
