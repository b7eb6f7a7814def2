/**
 * The people feature's wiring (renderer/features/people/index.ts): when the session's source
 * changes, the live heatmap and counts show the new source's people only. QA saw the heatmap keep
 * the old broker's cells for more than 90 s after switching to a dead address (status bar: 0 people),
 * because nothing told the PeopleModel: its clock only moves with frames, and the new source's
 * frames carried an earlier time (or none at all).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SourceStatus } from '../../../../../common/source.js';
import { buildTestbedLayout } from '../../../../../common/testbedLayout.js';
import { encodeTelemetryFrame, type FramePosition } from '../../../../../common/telemetryFrame.js';
import type { DensityGrid } from '../../../../../workers/peopleflow/PeopleFlow.js';

// The views need a DOM (canvas, the plan's host element): stand-ins that record what they are given.
const drawn: (DensityGrid | null)[] = [];
vi.mock('../../../../../renderer/features/people/densityPlanLayer.js', () => ({
  DensityPlanLayer: class {
    update(grid: DensityGrid | null): void { drawn.push(grid); }
    layers(): never[] { return []; }
    dispose(): void {}
  },
}));
vi.mock('../../../../../renderer/features/people/PlanDrawTool.js', () => ({
  PlanDrawTool: class {
    cancel(): void {}
    start(): void {}
    layers(): never[] { return []; }
    dispose(): void {}
  },
}));

const { peopleFeature } = await import('../../../../../renderer/features/people/index.js');
const { peopleStore } = await import('../../../../../renderer/features/people/peopleStore.js');
const { peopleGeometryFromLayout } = await import('../../../../../renderer/features/people/peopleGeometry.js');
const { sessionStore } = await import('../../../../../renderer/stores/sessionStore.js');

type BinaryHandler = (buf: ArrayBuffer, offset: number) => void;

function fakeContext() {
  const binary: BinaryHandler[] = [];
  const noop = () => () => {};
  const ctx = {
    api: { onBinary: (_ch: string, cb: BinaryHandler) => { binary.push(cb); return () => {}; }, on: noop, onStatus: noop, call: async () => ({}), status: () => ({ state: 'connected' }) },
    viewport: { scene: undefined, requestRender: () => {} },
    plan: { addLayers: noop, requestRedraw: () => {}, addTooltip: noop, setInteraction: () => {} },
    registerPanel: noop,
    showPanel: () => {},
    registerCommand: noop,
    runCommand: async () => {},
    notify: () => ({ dismiss: () => {} }),
    addStatusItem: () => ({ set: () => {}, dispose: () => {} }),
  };
  const send = (time: number, full: boolean, positions: FramePosition[]) => {
    const bytes = encodeTelemetryFrame({ time, full, entities: [], positions, counts: [] });
    for (const cb of binary) cb(bytes.buffer as ArrayBuffer, bytes.byteOffset);
  };
  return { ctx, send };
}

const status = (uri: string, state: SourceStatus['state']): SourceStatus => ({ uri, state, accepted: 0, rejected: 0, rejectReasons: {} });
/** People per m² summed over the latest heatmap drawn (0 when none). */
const heat = () => {
  const g = drawn.at(-1);
  return g ? g.density.reduce((a, b) => a + b, 0) : 0;
};

describe('people feature: a new source starts the heatmap afresh', () => {
  beforeEach(() => {
    drawn.length = 0;
    vi.useFakeTimers();
    sessionStore.setState({ source: status('mqtt://127.0.0.1:1883/site', 'live') });
    peopleStore.setState({ geometry: peopleGeometryFromLayout(buildTestbedLayout()), heatmap: true, average: false });
  });
  afterEach(() => vi.useRealTimers());

  it('drops the old source\'s people from the heatmap when the source changes to one that sends none', () => {
    const { ctx, send } = fakeContext();
    const feature = peopleFeature.activate(ctx as never);
    try {
      // The broker's clock runs an hour ahead of the wall clock (a testbed publishing at speed).
      const t0 = Date.now() + 3_600_000;
      const people = Array.from({ length: 40 }, (_, i): FramePosition => ({ id: `anon-${i}`, t: t0, floor: '1F', x: 10 + (i % 8) * 2, y: 4 + Math.floor(i / 8) * 2, accuracy: 1, stale: false }));
      send(t0, true, people);
      vi.advanceTimersByTime(1000);
      expect(heat()).toBeGreaterThan(0);

      // Switched to a dead address: the new hub sends full frames with nobody, on the wall clock.
      sessionStore.setState({ source: status('mqtt://127.0.0.1:1', 'reconnecting') });
      for (let s = 0; s < 3; s++) {
        send(Date.now(), true, []);
        vi.advanceTimersByTime(1000);
      }
      expect(heat()).toBe(0);
    } finally {
      feature.dispose();
    }
  });

  it('keeps the heatmap while the source stays the same', () => {
    const { ctx, send } = fakeContext();
    const feature = peopleFeature.activate(ctx as never);
    try {
      const t0 = Date.now();
      send(t0, true, [{ id: 'anon-1', t: t0, floor: '1F', x: 13, y: 4, accuracy: 1, stale: false }]);
      sessionStore.setState({ source: { ...status('mqtt://127.0.0.1:1883/site', 'live'), accepted: 5 } });
      vi.advanceTimersByTime(1000);
      expect(heat()).toBeGreaterThan(0);
    } finally {
      feature.dispose();
    }
  });
});
