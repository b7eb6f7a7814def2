/**
 * `testbed:` — the built-in simulator as a `Source` (common/source.ts).
 *
 * Runs TestbedSimulator on a 100 ms real-time tick, advancing simulated time by the real time
 * elapsed × `speed`; each tick's records go to the listener as one batch and the next tick
 * waits for the listener's promise (backpressure). When the machine (or the listener) cannot
 * keep up, a tick never advances more than `maxTickSimSeconds(speed)` simulated seconds: the source falls
 * behind real time instead of piling up work, and its status says so ("running at ×42 of ×60").
 *
 * Record times are simulated: from `start` (default now, rounded down to the second). With
 * `duration`, the source ends by itself (state "ended") after that many simulated seconds.
 *
 * Extras beyond `Source`, duck-typed by the telemetry pipeline: `layout` (the building the
 * simulator moves on), `beacons()` (registry, spec/telemetry.md), `robotZones()` (allowed spaces
 * per robot), `trueTagPositions()` (ground truth for positioning benchmarks).
 *
 * Lifecycle: idle → live → (ended | stopped | error); stop() from any state → stopped.
 */
import type { BeaconRegistry, TelemetryRecord } from '../../../common/records.js';
import type { Source, SourceCapability, SourceListener, SourceState, SourceStatus } from '../../../common/source.js';
import { polygonArea } from '../../../common/polygon.js';
import type { TestbedLayout } from '../../../common/testbedLayout.js';
import { registerSourceFactory } from '../sourceUri.js';
import type { RobotZone } from './RobotFleet.js';
import { TestbedSimulator, type TagTruth, type TestbedSimulatorOptions } from './TestbedSimulator.js';
import { formatTestbedUri, parseTestbedUri, TestbedOptionsError, type TestbedOptions } from './testbedOptions.js';

/** Longest event-loop hold of a sliced simulator build, ms (the whole build takes seconds on a large model). */
export const BUILD_SLICE_MS = 20;

/** Real-time tick, ms. */
export const TICK_MS = 100;
/**
 * Most simulated seconds one tick may advance: half a real second's worth at the current speed,
 * at least 2 s (a stalled event loop at ×1 catches up instead of drifting behind the clock).
 */
export function maxTickSimSeconds(speed: number): number {
  return Math.max(2, speed * 0.5);
}

const TRANSITIONS: Record<SourceState, readonly SourceState[]> = {
  idle: ['live', 'stopped', 'error'],
  connecting: ['live', 'stopped', 'error'],
  live: ['ended', 'stopped', 'error'],
  reconnecting: ['stopped'],
  playing: ['stopped'],
  paused: ['stopped'],
  ended: ['stopped'],
  error: ['stopped'],
  stopped: [],
};

export class TestbedSource implements Source {
  readonly uri: string;
  readonly capabilities: ReadonlySet<SourceCapability> = new Set<SourceCapability>(['speed']);
  readonly options: TestbedOptions;
  /** Null until built: at construction, or in `start()` when built in slices (`extras.sliced`). */
  private sim: TestbedSimulator | null = null;
  private readonly simOptions: TestbedSimulatorOptions;
  private state: SourceState = 'idle';
  private listener: SourceListener | null = null;
  private accepted = 0;
  private detail: string | undefined;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private speed: number;
  /** Effective speed over the last status period (simulated s per real s). */
  private effective: number;

  /** Which building it runs on (testbedSourceForModel.ts): "built-in:<storeys>x<rooms>", "model:<hash>", "layout:<name>". */
  readonly layoutKey: string;
  /** What adapting the simulation to a model's layout changed (tags or beacons capped to its floor area). */
  readonly notes: string[] = [];

  /**
   * `uriOrOptions`: a `testbed:?…` URI (throws TestbedOptionsError naming the bad option) or parsed options.
   * `extras.layout`: the building to run on (a loaded model's, see testbedLayoutForModel); it replaces
   * the built-in layout and its `storeys`/`rooms` options, and caps people, beacons and robots to its floor area
   * (layoutCapacity: 2 000 people in a 200 m² house are neither believable nor cheap).
   * `extras.sliced` (with a layout): the simulator is built in `start()` by TestbedSimulator.create, in
   * slices that never hold the event loop long (a large model's tables take seconds); same records.
   * Until start() resolves, `simulator`, `beacons()`, `robotZones()` and `trueTagPositions()` throw.
   */
  constructor(uriOrOptions: string | TestbedOptions, extras: { layout?: TestbedLayout | null; layoutKey?: string; sliced?: boolean } = {}) {
    this.options = typeof uriOrOptions === 'string' ? parseTestbedUri(uriOrOptions) : uriOrOptions;
    this.uri = typeof uriOrOptions === 'string' ? uriOrOptions : formatTestbedUri(uriOrOptions);
    const o = this.options;
    this.speed = o.speed;
    this.effective = o.speed;
    let { tags, beacons, robots } = o;
    const layout = extras.layout ?? undefined;
    this.layoutKey = extras.layoutKey ?? (layout ? `layout:${layout.name}` : `built-in:${o.storeys}x${o.rooms}`);
    if (layout) {
      const cap = layoutCapacity(layout);
      if (tags > cap.tags) { this.notes.push(`${layout.name}: ${tags} tags capped to ${cap.tags} (${PEOPLE_PER_M2} per m² of ${Math.round(cap.area)} m²)`); tags = cap.tags; }
      if (beacons > cap.beacons) { this.notes.push(`${layout.name}: ${beacons} beacons capped to ${cap.beacons} (one per ${M2_PER_BEACON} m²)`); beacons = cap.beacons; }
      const units = Math.min(o.buses, robots) + cap.robots;
      if (robots > units) { this.notes.push(`${layout.name}: ${robots} mobile units capped to ${units} (one indoor robot per ${M2_PER_ROBOT} m², and the bus)`); robots = units; }
    }
    this.simOptions = {
      robots, buses: o.buses, tags, beacons, seed: o.seed, start: o.start, storeys: o.storeys, rooms: o.rooms,
      ...(layout ? { layout } : {}),
    };
    if (!(layout && extras.sliced)) this.sim = new TestbedSimulator(this.simOptions);
  }

  /** The simulator; throws while it is still being built in slices (before `start()` resolved). */
  get simulator(): TestbedSimulator {
    if (!this.sim) throw new Error(`TestbedSource ${this.layoutKey}: the simulator is built in start(); await it first`);
    return this.sim;
  }

  /** The building the simulator moves on (known before a sliced build ends). */
  get layout(): TestbedLayout {
    return this.sim?.layout ?? this.simOptions.layout!;
  }

  beacons(): BeaconRegistry {
    return this.simulator.beacons();
  }

  robotZones(): RobotZone[] {
    return this.simulator.robotZones();
  }

  trueTagPositions(): TagTruth {
    return this.simulator.trueTagPositions();
  }

  async start(listener: SourceListener): Promise<void> {
    if (this.state !== 'idle') throw new Error(`TestbedSource: start() while ${this.state}; a source starts once`);
    this.listener = listener;
    if (!this.sim) {
      try {
        this.sim = await TestbedSimulator.create(this.simOptions, BUILD_SLICE_MS, () => this.state !== 'idle');
      } catch (e) {
        this.detail = `simulator failed: ${(e as Error).message}`;
        if (this.state === 'idle') this.setState('error');
        return;
      }
      // Stopped while building: the build either gave up (null) or finished its last slice after the stop.
      if (!this.sim || this.state !== 'idle') return;
    }
    this.setState('live');
    this.loop = this.run().catch((e: unknown) => {
      this.detail = `simulator failed: ${(e as Error).message}`;
      if (this.state === 'live') this.setState('error');
    });
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.setState('stopped');
    this.wake?.();
    await this.loop;
  }

  status(): SourceStatus {
    const s: SourceStatus = {
      uri: this.uri, state: this.state, accepted: this.accepted, rejected: 0, rejectReasons: {},
      now: this.sim?.now ?? this.options.start, speed: this.speed,
    };
    if (this.options.duration !== null) s.range = { start: this.options.start, end: this.options.start + this.options.duration * 1000 };
    if (this.detail !== undefined) { s.detail = this.detail; s.achievedSpeed = this.effective; } // the timeline shows "at 0.9×"
    return s;
  }

  setSpeed(speed: number): void {
    if (!Number.isFinite(speed) || speed <= 0 || speed > 10_000) throw new TestbedOptionsError(`TestbedSource: speed must be in (0, 10000], got ${speed}`);
    this.speed = speed;
    this.listener?.onStatus(this.status());
  }

  private setState(next: SourceState): void {
    if (next === this.state) return;
    if (!TRANSITIONS[this.state].includes(next)) throw new Error(`TestbedSource: invalid transition ${this.state} → ${next}`);
    this.state = next;
    this.listener?.onStatus(this.status());
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.wake = null; resolve(); }, ms);
      this.wake = () => { clearTimeout(timer); this.wake = null; resolve(); };
    });
  }

  private async run(): Promise<void> {
    const sim = this.simulator;
    const duration = this.options.duration;
    let last = performance.now();
    let periodReal = 0, periodSim = 0;
    while (this.state === 'live') {
      await this.sleep(TICK_MS);
      if (this.state !== 'live') break;
      const real = performance.now();
      const realDt = (real - last) / 1000;
      last = real;
      let simDt = Math.min(realDt * this.speed, maxTickSimSeconds(this.speed));
      if (duration !== null) simDt = Math.min(simDt, Math.max(0, duration - sim.elapsed));
      const batch: TelemetryRecord[] = sim.step(simDt);
      periodReal += realDt;
      periodSim += simDt;
      if (batch.length) {
        this.accepted += batch.length;
        await this.listener?.onBatch(batch);
      }
      if (periodReal >= 1) {
        this.effective = periodSim / periodReal;
        this.detail = this.effective < this.speed * 0.9
          ? `running at ×${this.effective.toFixed(this.effective < 10 ? 1 : 0)} of ×${this.speed} (CPU or consumer too slow)`
          : undefined;
        periodReal = periodSim = 0;
        this.listener?.onStatus(this.status());
      }
      if (duration !== null && sim.elapsed >= duration - 1e-9 && this.state === 'live') {
        this.detail = undefined;
        this.setState('ended');
      }
    }
  }
}

/** People per m² of walkable floor at most on a model's layout (a busy office floor; the sample building stays under it). */
export const PEOPLE_PER_M2 = 0.5;
/** Walkable floor per beacon at least on a model's layout, m² (denser grids add cost, not accuracy). */
export const M2_PER_BEACON = 6;
/** Walkable floor per indoor robot at least on a model's layout, m² (60 robots in a house would be a warehouse). */
export const M2_PER_ROBOT = 15;

/** The most tags, beacons and indoor robots a layout holds believably: by its walkable area (sum of space areas, m²). */
export function layoutCapacity(layout: TestbedLayout): { area: number; tags: number; beacons: number; robots: number } {
  const area = layout.spaces.reduce((a, s) => a + polygonArea(s.polygon), 0);
  return { area, tags: Math.max(10, Math.floor(area * PEOPLE_PER_M2)), beacons: Math.max(4 * layout.storeys.length, Math.ceil(area / M2_PER_BEACON)), robots: Math.max(2, Math.floor(area / M2_PER_ROBOT)) };
}

/** A testbed source, on a model's layout when one is given (null/absent: the built-in layout). */
export function createTestbedSource(uri: string, extras: { layout?: TestbedLayout | null; layoutKey?: string; sliced?: boolean } = {}): TestbedSource {
  return new TestbedSource(uri, extras);
}

registerSourceFactory('testbed', (uri) => new TestbedSource(uri));
