/**
 * Alerts as the page knows them: every alert raised this session (active or cleared), the
 * list filter, and the source health shown in the "Source health" panel.
 *
 * Fed by the `alert` JSON events and the `alerts` side-car of telemetry frames (both carry the
 * same AlertRecords; applying one twice is harmless), and by `alerts.list` after (re)connecting.
 * A pure reducer (`reduceAlerts`) over a discriminated union of actions, as Foxglove's pipeline
 * store: tests drive it without a DOM.
 *
 * Selection: clicking an alert selects its entity in the entities store (the 3D view and the
 * inspector follow); `selectedEntityId` here mirrors the last one picked from an alert.
 */
import { createStore } from 'zustand/vanilla';
import { assertNever, type AlertRecord, type Severity } from '../../common/records.js';
import type { SourceStatus } from '../../common/source.js';

/** Cleared alerts kept for the "all" view (oldest dropped first). */
export const MAX_CLEARED = 500;

export type AlertFilter = 'active' | 'all';

/**
 * An alert as the page lists it: its latest record, but a cleared one keeps the time it was raised in `t` and says when
 * it cleared in `clearedAt` (a clear record's own `t` is the clearing time: shown alone, "connection lost 21:52:30" read
 * as when the connection was lost, when that is when it came back).
 */
export type PageAlert = AlertRecord & { clearedAt?: number };

export interface AlertsState {
  /** Alert id → latest record (raise, acknowledge or clear), see PageAlert. */
  byId: ReadonlyMap<string, PageAlert>;
  filter: AlertFilter;
  /** Entity of the last alert the user clicked. */
  selectedEntityId: string | null;
  health: SourceStatus | null;
}

export type AlertsAction =
  | { type: 'alerts'; alerts: readonly AlertRecord[] }
  /** `dropCleared`: another source replaced the last (its cleared alerts are not this one's history). */
  | { type: 'replace'; active: readonly AlertRecord[]; dropCleared?: boolean }
  | { type: 'filter'; filter: AlertFilter }
  | { type: 'select'; entity: string | null }
  | { type: 'health'; status: SourceStatus }
  | { type: 'reset' };

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

export function initialAlertsState(): AlertsState {
  return { byId: new Map(), filter: 'active', selectedEntityId: null, health: null };
}

function pruneCleared(map: Map<string, PageAlert>): void {
  let cleared = 0;
  for (const a of map.values()) if (!a.active) cleared++;
  if (cleared <= MAX_CLEARED) return;
  const oldest = [...map.values()].filter((a) => !a.active).sort((a, b) => a.t - b.t);
  for (const a of oldest.slice(0, cleared - MAX_CLEARED)) map.delete(a.id);
}

export function reduceAlerts(state: AlertsState, action: AlertsAction): AlertsState {
  switch (action.type) {
    case 'alerts': {
      if (action.alerts.length === 0) return state;
      const map = new Map(state.byId);
      for (const a of action.alerts) {
        const prev = map.get(a.id);
        // A clear is final: a late duplicate raise of the same id does not revive it.
        if (prev && !prev.active && a.active) continue;
        if (!a.active) map.set(a.id, prev ? { ...a, t: prev.t, clearedAt: prev.active ? a.t : prev.clearedAt ?? a.t } : { ...a, clearedAt: a.t });
        else map.set(a.id, prev?.acknowledged ? { ...a, acknowledged: true } : a);
      }
      pruneCleared(map);
      return { ...state, byId: map };
    }
    case 'replace': {
      // The hub's list of active alerts is the truth after a (re)connect: anything else active here was missed clearing.
      const map = new Map<string, PageAlert>();
      if (!action.dropCleared) for (const a of state.byId.values()) if (!a.active) map.set(a.id, a);
      for (const a of action.active) map.set(a.id, a);
      return { ...state, byId: map };
    }
    case 'filter':
      return state.filter === action.filter ? state : { ...state, filter: action.filter };
    case 'select':
      return { ...state, selectedEntityId: action.entity };
    case 'health':
      return { ...state, health: action.status };
    case 'reset':
      return initialAlertsState();
    default:
      return assertNever(action, 'alerts action');
  }
}

/** The list the panel shows: active first by severity then newest; "all" adds cleared, newest first. */
export function visibleAlerts(state: AlertsState): PageAlert[] {
  const all = [...state.byId.values()].filter((a) => state.filter === 'all' || a.active);
  return all.sort((a, b) => Number(b.active) - Number(a.active) || (a.active ? SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] : 0) || b.t - a.t);
}

/** Active alerts not yet acknowledged, by severity (status bar badge). */
export function unacknowledgedCounts(state: AlertsState): Record<Severity, number> {
  const out: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
  for (const a of state.byId.values()) if (a.active && !a.acknowledged) out[a.severity]++;
  return out;
}

export const alertsStore = createStore<AlertsState>(() => initialAlertsState());

export function dispatchAlerts(action: AlertsAction): void {
  alertsStore.setState(reduceAlerts(alertsStore.getState(), action), true);
}
