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
import type { TestbedLayout } from '../../../common/testbedLayout.js';
import { registerSourceFactory } from '../sourceUri.js';
import type { RobotZone } from './RobotFleet.js';
import { TestbedSimulator, type TagTruth } from './TestbedSimulator.js';
import { formatTestbedUri, parseTestbedUri, TestbedOptionsError, type TestbedOptions } from './testbedOptions.js';

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
  readonly simulator: TestbedSimulator;
  private state: SourceState = 'idle';
  private listener: SourceListener | null = null;
  private accepted = 0;
  private detail: string | undefined;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private speed: number;
  /** Effective speed over the last status period (simulated s per real s). */
  private effective: number;

  /** `uriOrOptions`: a `testbed:?…` URI (throws TestbedOptionsError naming the bad option) or parsed options. */
  constructor(uriOrOptions: string | TestbedOptions) {
    this.options = typeof uriOrOptions === 'string' ? parseTestbedUri(uriOrOptions) : uriOrOptions;
    this.uri = typeof uriOrOptions === 'string' ? uriOrOptions : formatTestbedUri(uriOrOptions);
    const o = this.options;
    this.speed = o.speed;
    this.effective = o.speed;
    this.simulator = new TestbedSimulator({
      robots: o.robots, buses: o.buses, tags: o.tags, beacons: o.beacons, seed: o.seed, start: o.start, storeys: o.storeys, rooms: o.rooms,
    });
  }

  /** The building the simulator moves on. */
  get layout(): TestbedLayout {
    return this.simulator.layout;
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
      now: this.simulator.now, speed: this.speed,
    };
    if (this.options.duration !== null) s.range = { start: this.options.start, end: this.options.start + this.options.duration * 1000 };
    if (this.detail !== undefined) s.detail = this.detail;
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

registerSourceFactory('testbed', (uri) => new TestbedSource(uri));
