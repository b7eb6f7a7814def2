import { describe, expect, it } from 'vitest';
import { alertToastText } from '../../../../../renderer/features/alerts/alertToastText.js';
import { AlertEngine } from '../../../../../main/hub/AlertEngine.js';

describe('the toast of a critical alert', () => {
  it('names the robot once: "robot-41: error — drive stalled", not "robot-41: robot-41: error — drive stalled"', () => {
    const engine = new AlertEngine();
    engine.onState({ id: 'robot-41', kind: 'robot', t: Date.UTC(2026, 11, 5, 8, 31), floor: '1F', x: 1, y: 2, state: 'error', error: 'drive stalled' });
    const a = engine.list().find((x) => x.code === 'error')!;
    expect(a.severity).toBe('critical');
    expect(alertToastText(a)).toBe('robot-41: error — drive stalled');
  });

  it('puts the entity in front of a message from another source that does not begin with it', () => {
    expect(alertToastText({ entity: 'pump-3', message: 'pressure high' })).toBe('pump-3: pressure high');
  });

  it('names a source whose URI ends in a colon once: "testbed: cannot run …", not "testbed:: testbed: cannot run …"', () => {
    const engine = new AlertEngine();
    engine.onSourceStatus({ uri: 'testbed:', state: 'error', detail: 'cannot run on far.ifc: it has no walkable structure', accepted: 0, rejected: 0, rejectReasons: {} }, Date.UTC(2026, 11, 6, 16));
    const a = engine.list().find((x) => x.code === 'connection-lost')!;
    expect(alertToastText(a)).toBe('testbed: cannot run on far.ifc: it has no walkable structure');
    expect(alertToastText({ entity: 'testbed:', message: 'no data' })).toBe('testbed: no data');
  });
});
