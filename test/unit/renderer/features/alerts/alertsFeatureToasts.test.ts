/**
 * The alerts feature's toasts (renderer/features/alerts/index.ts) follow the condition they report:
 * QA saw the "connection lost" error toast of a broker that died stay on screen after the source had
 * reconnected (errors stay until dismissed, and nothing dismissed it when the alert cleared).
 */
import { describe, expect, it } from 'vitest';
import { AlertEngine } from '../../../../../main/hub/AlertEngine.js';
import type { AlertRecord } from '../../../../../common/records.js';
import type { SourceStatus } from '../../../../../common/source.js';
import { alertsFeature } from '../../../../../renderer/features/alerts/index.js';
import { alertClearedText } from '../../../../../renderer/features/alerts/alertToastText.js';

interface Shown { level: string; message: string; dismissed: boolean }

function fakeContext(list: () => AlertRecord[]) {
  const handlers = new Map<string, ((x: unknown) => void)[]>();
  const shown: Shown[] = [];
  const ctx = {
    api: {
      on: (ev: string, cb: (x: unknown) => void) => { handlers.set(ev, [...(handlers.get(ev) ?? []), cb]); return () => {}; },
      onStatus: () => () => {},
      onBinary: () => () => {},
      call: async (method: string) => (method === 'alerts.list' ? list() : {}),
      status: () => ({ state: 'connecting' }),
    },
    registerPanel: () => () => {},
    registerCommand: () => () => {},
    runCommand: async () => {},
    showPanel: () => {},
    addStatusItem: () => ({ set: () => {}, dispose: () => {} }),
    notify: (level: string, message: string) => {
      const t: Shown = { level, message, dismissed: false };
      shown.push(t);
      return { dismiss: () => { const was = !t.dismissed; t.dismissed = true; return was; } };
    },
  };
  const emit = (ev: string, x: unknown) => { for (const cb of handlers.get(ev) ?? []) cb(x); };
  return { ctx, shown, emit };
}

const status = (uri: string, state: SourceStatus['state'], detail?: string): SourceStatus => ({ uri, state, detail, accepted: 0, rejected: 0, rejectReasons: {} });
const onScreen = (shown: Shown[]) => shown.filter((t) => !t.dismissed);

describe('alert toasts follow their condition', () => {
  it('takes the "connection lost" toast away when the source is live again, with a short info toast', () => {
    const engine = new AlertEngine();
    const { ctx, shown, emit } = fakeContext(() => engine.list());
    const feature = alertsFeature.activate(ctx as never);
    try {
      const uri = 'mqtt://127.0.0.1:41479/site';
      const t0 = Date.UTC(2026, 11, 5, 9);
      engine.onSourceStatus(status(uri, 'live'), t0);
      engine.onSourceStatus(status(uri, 'reconnecting', 'retry in 1 s'), t0 + 5000);
      for (const a of engine.drain()) emit('alert', a);
      expect(onScreen(shown)).toEqual([{ level: 'error', message: `${uri}: connection lost (retry in 1 s)`, dismissed: false }]);

      engine.onSourceStatus(status(uri, 'live'), t0 + 12_000);
      for (const a of engine.drain()) emit('alert', a);
      expect(onScreen(shown)).toEqual([{ level: 'info', message: `${uri}: connection restored`, dismissed: false }]);
    } finally {
      feature.dispose();
    }
  });

  it('does not raise a "restored" toast for an error toast the person already closed', () => {
    const engine = new AlertEngine();
    const { ctx, shown, emit } = fakeContext(() => engine.list());
    const feature = alertsFeature.activate(ctx as never);
    try {
      engine.onState({ id: 'robot-41', kind: 'robot', t: 1000, floor: '1F', x: 1, y: 2, state: 'error', error: 'drive stalled' });
      for (const a of engine.drain()) emit('alert', a);
      expect(onScreen(shown).map((t) => t.message)).toEqual(['robot-41: error — drive stalled']);
      shown[0]!.dismissed = true; // closed by hand
      engine.onState({ id: 'robot-41', kind: 'robot', t: 2000, floor: '1F', x: 1, y: 2, state: 'idle' });
      for (const a of engine.drain()) emit('alert', a);
      expect(onScreen(shown)).toEqual([]);
    } finally {
      feature.dispose();
    }
  });

  it('takes the toasts of the old pipeline\'s alerts away when a new source replaces it', async () => {
    let active: AlertRecord[] = [];
    const { ctx, shown, emit } = fakeContext(() => active);
    const feature = alertsFeature.activate(ctx as never);
    try {
      const a: AlertRecord = { id: 'connection-lost:mqtt://10.0.0.9:1883:1', t: 1, entity: 'mqtt://10.0.0.9:1883', severity: 'critical', code: 'connection-lost', message: 'mqtt://10.0.0.9:1883: connection lost', active: true };
      emit('alert', a);
      active = [];
      emit('session', { source: status('testbed:', 'live') });
      await new Promise((r) => setTimeout(r, 0));
      expect(onScreen(shown)).toEqual([]);
    } finally {
      feature.dispose();
    }
  });

  it('words the cleared toast', () => {
    expect(alertClearedText({ entity: 'testbed:', code: 'connection-lost', message: 'testbed: connection lost' })).toBe('testbed: connection restored');
    expect(alertClearedText({ entity: 'robot-41', code: 'error', message: 'robot-41: error — drive stalled' })).toBe('Cleared — robot-41: error — drive stalled');
  });
});
