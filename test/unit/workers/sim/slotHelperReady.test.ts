// A Web Worker helper (workers/sim/web/slotWorker.ts) takes a run's job only through the caller's event loop, so
// runScenarioAsync waits for its `ready` before the first step, which would otherwise block for good.
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../../../common/scenario';
import { runScenarioAsync } from '../../../../workers/sim/runScenario';
import type { SlotHelper } from '../../../../workers/sim/slotStages';

const rect = (x0: number, y0: number, x1: number, y1: number): [number, number][] => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
const room: Scenario = {
  seed: 1, maxTime: 60, dt: 0.1,
  floors: [{ id: 'F0', walkable: [rect(0, 0, 10, 10)] }],
  exits: [{ id: 'E', floor: 'F0', segment: [[10, 4], [10, 6]] }],
  agentGroups: [{ id: 'G', floor: 'F0', area: rect(1, 1, 9, 9), count: 20 }],
} as Scenario;

/** A helper that never computes anything (its `next` counter is exhausted at once), ready when `ready` says. */
function fakeHelper(ready: () => boolean): SlotHelper & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    next: new Int32Array(new SharedArrayBuffer(4)),
    start() { calls.push('start'); },
    finish() { calls.push('finish'); return { steps: 0, maxMoved: 0 }; },
    close() { calls.push('close'); },
    ready,
  };
}

describe('runScenarioAsync with a helper that is not ready yet', () => {
  it('yields to the event loop until it is, then steps with it', async () => {
    let isReady = false;
    setTimeout(() => { isReady = true; }, 30);
    const h = fakeHelper(() => isReady);
    const r = await runScenarioAsync(room, { slotHelper: () => h });
    expect(h.calls[0]).toBe('start');
    expect(h.calls.at(-1)).toBe('close');
    expect(r.performance.threads).toBe(2);
  });

  it('cancelled while waiting: stops without ever starting the helper, and closes it', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 30);
    const h = fakeHelper(() => false);
    const r = await runScenarioAsync(room, { signal: abort.signal, slotHelper: () => h });
    expect(h.calls).toEqual(['close']);
    expect(r.warnings.join(' ')).toMatch(/stopped by a signal at t = 0 s/);
  });

  it('a helper that never takes the run fails the run with its reason', async () => {
    const h = fakeHelper(() => { throw new Error('simulation: the second thread did not take the run within 10 s'); });
    await expect(runScenarioAsync(room, { slotHelper: () => h })).rejects.toThrow(/did not take the run/);
    expect(h.calls).toEqual(['close']);
  });
});
