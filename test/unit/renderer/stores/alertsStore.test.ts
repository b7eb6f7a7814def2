import { describe, expect, it } from 'vitest';
import type { AlertRecord } from '../../../../common/records.js';
import { initialAlertsState, MAX_CLEARED, reduceAlerts, unacknowledgedCounts, visibleAlerts } from '../../../../renderer/stores/alertsStore.js';

const T0 = Date.UTC(2026, 10, 24, 3, 0, 0);
const alert = (id: string, extra: Partial<AlertRecord> = {}): AlertRecord => ({ id, t: T0, entity: 'robot-1', severity: 'warning', code: 'battery-low', message: 'low', active: true, ...extra });

describe('alertsStore reducer', () => {
  it('lists active alerts by severity, then newest; the all filter adds cleared ones', () => {
    let s = initialAlertsState();
    s = reduceAlerts(s, { type: 'alerts', alerts: [alert('a', { t: T0 }), alert('b', { t: T0 + 5, severity: 'critical' }), alert('c', { t: T0 + 9 })] });
    expect(visibleAlerts(s).map((a) => a.id)).toEqual(['b', 'c', 'a']);
    s = reduceAlerts(s, { type: 'alerts', alerts: [alert('c', { t: T0 + 20, active: false })] });
    expect(visibleAlerts(s).map((a) => a.id)).toEqual(['b', 'a']);
    s = reduceAlerts(s, { type: 'filter', filter: 'all' });
    expect(visibleAlerts(s).map((a) => a.id)).toEqual(['b', 'a', 'c']);
  });

  it('keeps an acknowledgement and never revives a cleared alert from a late duplicate', () => {
    let s = reduceAlerts(initialAlertsState(), { type: 'alerts', alerts: [alert('a')] });
    s = reduceAlerts(s, { type: 'alerts', alerts: [alert('a', { acknowledged: true })] });
    expect(unacknowledgedCounts(s).warning).toBe(0);
    s = reduceAlerts(s, { type: 'alerts', alerts: [alert('a')] }); // the same raise again (event + frame side-car)
    expect(s.byId.get('a')!.acknowledged).toBe(true);
    s = reduceAlerts(s, { type: 'alerts', alerts: [alert('a', { active: false })] });
    s = reduceAlerts(s, { type: 'alerts', alerts: [alert('a')] });
    expect(s.byId.get('a')!.active).toBe(false);
  });

  it('a cleared alert keeps the time it was raised and says when it cleared (it showed the clearing time as when it happened)', () => {
    let s = reduceAlerts(initialAlertsState(), { type: 'alerts', alerts: [alert('lost', { t: T0, code: 'connection-lost', severity: 'critical' })] });
    s = reduceAlerts(s, { type: 'alerts', alerts: [alert('lost', { t: T0 + 53_000, code: 'connection-lost', severity: 'critical', active: false })] });
    expect(s.byId.get('lost')).toMatchObject({ active: false, t: T0, clearedAt: T0 + 53_000 });
    // The same clear again (event + frame side-car) changes nothing; a clear of an alert this page never saw raised has only its own time.
    s = reduceAlerts(s, { type: 'alerts', alerts: [alert('lost', { t: T0 + 53_000, active: false })] });
    expect(s.byId.get('lost')).toMatchObject({ t: T0, clearedAt: T0 + 53_000 });
    s = reduceAlerts(s, { type: 'alerts', alerts: [alert('late', { t: T0 + 60_000, active: false })] });
    expect(s.byId.get('late')).toMatchObject({ t: T0 + 60_000, clearedAt: T0 + 60_000 });
  });

  it('replace for another source drops the last source\'s cleared alerts too', () => {
    let s = reduceAlerts(initialAlertsState(), { type: 'alerts', alerts: [alert('lost', { code: 'connection-lost' }), alert('lost', { active: false, t: T0 + 9 })] });
    s = reduceAlerts(s, { type: 'replace', active: [] });
    expect([...s.byId.keys()]).toEqual(['lost']); // a reconnect to the same source keeps its history
    s = reduceAlerts(s, { type: 'replace', active: [alert('b')], dropCleared: true });
    expect([...s.byId.keys()]).toEqual(['b']);
  });

  it('replace (after a reconnect) makes the hub list the truth for active alerts', () => {
    let s = reduceAlerts(initialAlertsState(), { type: 'alerts', alerts: [alert('gone'), alert('old', { active: false })] });
    s = reduceAlerts(s, { type: 'replace', active: [alert('new', { severity: 'critical' })] });
    expect([...s.byId.keys()].sort()).toEqual(['new', 'old']);
    expect(unacknowledgedCounts(s)).toEqual({ critical: 1, warning: 0, info: 0 });
  });

  it('bounds the cleared history', () => {
    let s = initialAlertsState();
    const many = Array.from({ length: MAX_CLEARED + 50 }, (_, i) => alert(`x${i}`, { t: T0 + i, active: false }));
    s = reduceAlerts(s, { type: 'alerts', alerts: many });
    expect(s.byId.size).toBe(MAX_CLEARED);
    expect(s.byId.has('x0')).toBe(false);
    expect(s.byId.has(`x${MAX_CLEARED + 49}`)).toBe(true);
  });
});
