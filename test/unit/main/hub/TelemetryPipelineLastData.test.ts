/**
 * Every status the pipeline hands on (to the page: `source.status` events, the session info, the frames' health)
 * says when data last came from the source, on the host's clock. Before, no status said it: a page reloaded four
 * minutes into an outage read "no data for 3 s", counting from its own load.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../../common/api.js';
import type { TelemetryRecord } from '../../../../common/records.js';
import type { Source, SourceCapability, SourceListener, SourceStatus } from '../../../../common/source.js';
import { decodeTelemetryFrame } from '../../../../common/telemetryFrame.js';
import { TelemetryPipeline } from '../../../../main/hub/TelemetryPipeline.js';

const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);
const WALL0 = Date.UTC(2026, 10, 25, 9, 30, 0);

/** A live source that knows nothing of when its data came (as MQTT, NGSI-LD, the testbed and replay). */
class ScriptedSource implements Source {
  readonly capabilities = new Set<SourceCapability>();
  listener: SourceListener | null = null;
  state: SourceStatus['state'] = 'idle';
  readonly uri = 'mqtt://scripted/testbed';
  async start(l: SourceListener) {
    this.listener = l;
    this.setState('live');
  }
  async stop() {
    this.state = 'stopped';
  }
  status(): SourceStatus {
    return { uri: this.uri, state: this.state, accepted: 0, rejected: 0, rejectReasons: {} };
  }
  setState(state: SourceStatus['state']) {
    this.state = state;
    this.listener!.onStatus(this.status());
  }
  send(batch: TelemetryRecord[]) {
    return this.listener!.onBatch(batch);
  }
}
const robot = (t: number): TelemetryRecord => ({ kind: 'state', record: { id: 'robot-01', kind: 'robot', t, x: 10, y: 10 } });

const pipelines: TelemetryPipeline[] = [];
afterEach(async () => {
  for (const p of pipelines.splice(0)) await p.stop();
  vi.useRealTimers();
});

/** A pipeline on a ScriptedSource at WALL0 (fake Date), and the statuses it hands on. */
function scripted(): { source: ScriptedSource; sent: SourceStatus[]; p: TelemetryPipeline } {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(WALL0);
  const source = new ScriptedSource();
  const sent: SourceStatus[] = [];
  const p = new TelemetryPipeline({ source, record: null, settings: DEFAULT_SETTINGS, pseudonymise: false, onStatus: (s) => sent.push(s) });
  pipelines.push(p);
  return { source, sent, p };
}

describe('TelemetryPipeline: lastDataAt on the source status', () => {
  it('is null before data, the wall time of the last new record after, and stays there while the source is down', async () => {
    const { source, sent, p } = scripted();
    const frames: Uint8Array[] = [];
    p.hub.onFrame((f) => frames.push(f));
    await p.start();
    expect(sent.at(-1)).toMatchObject({ state: 'live', lastDataAt: null, liveSince: WALL0 });
    expect(p.sourceStatus().lastDataAt).toBeNull();

    vi.setSystemTime(WALL0 + 2_000);
    await source.send([robot(T0)]);
    vi.setSystemTime(WALL0 + 3_000);
    await source.send([robot(T0 + 1_000)]);
    expect(p.sourceStatus().lastDataAt).toBe(WALL0 + 3_000);

    // The broker goes down; four minutes later a page asks (session info, the once-a-second status).
    vi.setSystemTime(WALL0 + 10_000);
    source.setState('reconnecting');
    expect(sent.at(-1)).toMatchObject({ state: 'reconnecting', lastDataAt: WALL0 + 3_000 });
    p.hub.tick(WALL0 + 10_000);
    const health = decodeTelemetryFrame(frames.at(-1)!.buffer as ArrayBuffer).sidecar.health;
    expect(health).toMatchObject({ state: 'reconnecting', lastDataAt: WALL0 + 3_000 });
    vi.setSystemTime(WALL0 + 243_000);
    expect(p.sourceStatus()).toMatchObject({ state: 'reconnecting', lastDataAt: WALL0 + 3_000 });

    // Back, connected: still the same silence, until something new comes.
    source.setState('live');
    expect(p.sourceStatus()).toMatchObject({ state: 'live', lastDataAt: WALL0 + 3_000 });
    vi.setSystemTime(WALL0 + 244_000);
    await source.send([robot(T0 + 242_000)]);
    expect(p.sourceStatus().lastDataAt).toBe(WALL0 + 244_000);
  });

  it('says when the source last became live (liveSince): the page counts a silent broker\'s silence from it', async () => {
    const { source, sent, p } = scripted();
    await p.start();
    vi.setSystemTime(WALL0 + 30_000);
    expect(p.sourceStatus()).toMatchObject({ state: 'live', lastDataAt: null, liveSince: WALL0 }); // still the connection's time
    source.setState('reconnecting');
    expect(sent.at(-1)).toMatchObject({ state: 'reconnecting', liveSince: null });
    vi.setSystemTime(WALL0 + 45_000);
    source.setState('live');
    expect(sent.at(-1)).toMatchObject({ state: 'live', liveSince: WALL0 + 45_000 });
  });
});
