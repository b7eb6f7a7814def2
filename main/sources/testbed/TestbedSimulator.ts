/**
 * The built-in testbed simulator: a believable day at the testbed complex, deterministic for a
 * seed, on the same layout as the sample IFC (common/testbedLayout.ts).
 *
 * API (what TestbedSource, `twin testbed`, tests and the positioning benchmark use):
 *   const sim = new TestbedSimulator({ robots: 60, tags: 2000, seed: 7, start: Date.parse(…) });
 *   const records = sim.step(1.0);        // advance 1 simulated second → records in time order
 *   sim.trueTagPositions();               // ground truth of every tag (now and at its last scan)
 *   sim.beacons();                        // the beacon registry (spec/telemetry.md)
 *   sim.robotZones();                     // where each robot is allowed (alerts: "left its zone")
 *
 * One `step(dt)` runs the fixed sub-steps of SUB_STEP_S that fall in the span, each in this order: crowd moves → phones
 * scan (those due) → robots (faults, motion, battery) → robot reports → buses → bus reports →
 * every 10 s (on the 10 s boundary) people counts per space and environmental sensor states.
 * All randomness comes from one seeded generator, consumed in that order on a fixed sub-step
 * grid, so the same options give the same records however the caller splits time.
 *
 * Output volume at defaults (60 units, 2 000 tags, 400 beacons): ~60 robot/bus states, ~2 000
 * scans per simulated second; every 10 s ~100 counts and ~50 sensor states.
 */
import type { BeaconRegistry, CountRecord, ScanRecord, StateRecord, TelemetryRecord } from '../../../common/records.js';
import { buildTestbedLayout, type TestbedLayout } from '../../../common/testbedLayout.js';
import { BusLine } from './BusLine.js';
import { Crowd } from './Crowd.js';
import { placeBeacons } from './placeBeacons.js';
import { RadioModel, type RadioParameters } from './RadioModel.js';
import { RobotFleet, type RobotZone } from './RobotFleet.js';
import { SeededRandom } from './SeededRandom.js';
import { WalkGraph } from '../../../workers/testbed/WalkGraph.js';

/** Longest sub-step, simulated seconds. */
export const SUB_STEP_S = 0.25;
/** Period of people counts and environmental sensor states, s. */
export const SLOW_PERIOD_S = 10;

export interface TestbedSimulatorOptions {
  /** Mobile units including buses (default 60). */
  robots?: number;
  /** Buses among `robots` (default 1). */
  buses?: number;
  tags?: number;
  beacons?: number;
  seed?: number;
  /** Simulated start, epoch ms (default: now rounded down to the second). */
  start?: number;
  /** The building; default buildTestbedLayout({ storeys, roomsPerSide: rooms }). */
  layout?: TestbedLayout;
  storeys?: number;
  rooms?: number;
  radio?: Partial<RadioParameters>;
}

/**
 * Ground truth of the tags. Columns by slot (slot i ↔ `ids[i]`); `x`/`y`/`storey` are where
 * each person is at `t` (the last fixed sub-step, at most SUB_STEP_S before `now`), `scanX`/`scanY`/`scanStorey` where they were at their last scan
 * (`scanT`, epoch ms, NaN before the first) — compare a Position computed from a scan with the
 * scan-time truth. Storey is the index into `floors`. Copies: safe to keep.
 */
export interface TagTruth {
  t: number;
  ids: readonly string[];
  floors: readonly string[];
  x: Float64Array;
  y: Float64Array;
  storey: Int32Array;
  scanT: Float64Array;
  scanX: Float64Array;
  scanY: Float64Array;
  scanStorey: Int32Array;
}

export class TestbedSimulator {
  readonly layout: TestbedLayout;
  readonly graph: WalkGraph;
  readonly startMs: number;
  readonly tagIds: readonly string[];
  readonly floors: readonly string[];
  private readonly rand: SeededRandom;
  private readonly registry: BeaconRegistry;
  private readonly radio: RadioModel;
  private readonly crowd: Crowd;
  private readonly fleet: RobotFleet;
  private readonly buses: BusLine;
  /** Simulated seconds since start (what callers asked for). */
  private clock = 0;
  /** Fixed sub-steps run so far; the model state is at substeps × SUB_STEP_S. */
  private substeps = 0;
  private nextSlow = 0;
  private readonly scanT: Float64Array;
  private readonly scanX: Float64Array;
  private readonly scanY: Float64Array;
  private readonly scanStorey: Int32Array;
  private readonly sensors: { id: string; space: number; x: number; y: number; battery: number; bias: number }[];

  /**
   * Builds everything in this thread. `parts`: what `TestbedSimulator.create` built in slices
   * (it passes its own; other callers leave it out).
   */
  constructor(opts: TestbedSimulatorOptions = {}, parts?: TestbedSimulatorParts) {
    const p = parts ?? drain(buildParts(opts, false));
    this.startMs = p.startMs;
    this.rand = p.rand;
    this.layout = p.layout;
    this.floors = p.layout.storeys.map((s) => s.name);
    this.graph = p.graph;
    this.registry = p.registry;
    this.radio = p.radio;
    this.crowd = p.crowd;
    this.fleet = p.fleet;
    this.buses = p.buses;
    const tags = p.crowd.count;
    const width = Math.max(4, String(tags).length);
    this.tagIds = Array.from({ length: tags }, (_, i) => `tag-${String(i + 1).padStart(width, '0')}`);
    this.scanT = new Float64Array(tags).fill(Number.NaN);
    this.scanX = new Float64Array(tags);
    this.scanY = new Float64Array(tags);
    this.scanStorey = new Int32Array(tags);
    this.sensors = p.sensors;
  }

  /**
   * The same simulator as `new TestbedSimulator(opts)` (same seed → same records), built without
   * holding the event loop for more than about `sliceMs` at a time: the walk graph's route table
   * and the radio wall-loss table (~2 s for Office A) are built in slices with `setImmediate`
   * yields between them. What TestbedSource uses on a loaded model's layout in a session.
   */
  static async create(opts: TestbedSimulatorOptions = {}, sliceMs = 20, cancelled: () => boolean = () => false): Promise<TestbedSimulator | null> {
    const gen = buildParts(opts, true);
    let t0 = performance.now();
    for (;;) {
      const r = gen.next();
      if (r.done) return new TestbedSimulator(opts, r.value);
      if (performance.now() - t0 >= sliceMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (cancelled()) return null;
        t0 = performance.now();
      }
    }
  }

  /** Current simulated time, epoch ms. */
  get now(): number {
    return this.startMs + this.clock * 1000;
  }

  /** Simulated seconds since start. */
  get elapsed(): number {
    return this.clock;
  }

  beacons(): BeaconRegistry {
    return { beacons: this.registry.beacons.map((b) => ({ ...b })) };
  }

  robotZones(): RobotZone[] {
    return this.fleet.zones();
  }

  /**
   * Advances the simulation by dtSeconds (simulated) and returns the records produced, in time
   * order. Internally the model runs fixed SUB_STEP_S sub-steps on a grid anchored at the start
   * (an accumulator): any split of the same span into calls — one step(60) or 600 step(0.1) —
   * gives exactly the same records, so a real-time source is as deterministic as a batch run.
   */
  step(dtSeconds: number): TelemetryRecord[] {
    if (!(dtSeconds >= 0) || !Number.isFinite(dtSeconds)) throw new RangeError(`TestbedSimulator.step: dtSeconds must be a finite number ≥ 0, got ${dtSeconds}`);
    const out: TelemetryRecord[] = [];
    this.clock += dtSeconds;
    while ((this.substeps + 1) * SUB_STEP_S <= this.clock + 1e-9) {
      this.substeps++;
      const now = this.substeps * SUB_STEP_S;
      const dt = SUB_STEP_S;
      this.crowd.step(now, dt);
      this.scans(now, out);
      this.fleet.step(now, dt);
      this.fleet.report(now, this.startMs, out);
      this.buses.step(now, dt);
      this.buses.report(now, this.startMs, out);
      while (now >= this.nextSlow) {
        this.slow(this.nextSlow, out);
        this.nextSlow += SLOW_PERIOD_S;
      }
    }
    return out;
  }

  /** Ground truth of every tag, now and at its last scan. */
  trueTagPositions(): TagTruth {
    const c = this.crowd;
    return {
      t: this.startMs + this.substeps * SUB_STEP_S * 1000, ids: this.tagIds, floors: this.floors,
      x: c.x.slice(), y: c.y.slice(), storey: c.storey.slice(),
      scanT: this.scanT.slice(), scanX: this.scanX.slice(), scanY: this.scanY.slice(), scanStorey: this.scanStorey.slice(),
    };
  }

  /** Noise-free RSSI of a beacon at a point (tests and calibration). */
  meanRssi(floor: string, beaconId: string, x: number, y: number): number {
    const s = this.floors.indexOf(floor);
    const k = this.radio.beaconIds(s).indexOf(beaconId);
    return this.radio.meanRssi(s, k, x, y);
  }

  private scans(now: number, out: TelemetryRecord[]): void {
    const c = this.crowd;
    for (let i = 0; i < c.count; i++) {
      const due = c.nextScan[i]!;
      if (now < due) continue;
      c.nextScan[i] = due + this.rand.range(0.9, 1.1);
      const t = Math.round(this.startMs + due * 1000);
      const storey = c.storey[i]!, x = c.x[i]!, y = c.y[i]!;
      this.scanT[i] = t; this.scanX[i] = x; this.scanY[i] = y; this.scanStorey[i] = storey;
      const rssi = this.radio.scan(storey, x, y, this.rand);
      if (!rssi) continue;
      const record: ScanRecord = { device: this.tagIds[i]!, t, rssi };
      out.push({ kind: 'scan', record });
    }
  }

  /** People counts per space and environmental sensor states at simulated second `at`. */
  private slow(at: number, out: TelemetryRecord[]): void {
    const t = Math.round(this.startMs + at * 1000);
    const g = this.graph;
    const counts = new Int32Array(g.spaces.length);
    const c = this.crowd;
    for (let i = 0; i < c.count; i++) {
      const s = g.spaceAt(c.storey[i]!, c.x[i]!, c.y[i]!);
      if (s >= 0) counts[s]!++;
    }
    for (const sp of g.spaces) {
      const record: CountRecord = { zone: sp.id, t, count: counts[sp.index]! };
      out.push({ kind: 'count', record });
    }
    // Indoor climate: a gentle daily cycle (warmest mid-afternoon), +0.08 °C and +150 ppm CO₂ per
    // person per 10 m², sensor bias and noise; batteries drain a little every report.
    const hour = new Date(t).getUTCHours() + 9 + new Date(t).getUTCMinutes() / 60; // JST
    const daily = Math.sin(((hour - 9) / 24) * 2 * Math.PI);
    for (const sensor of this.sensors) {
      const sp = g.spaces[sensor.space]!;
      const perTen = (counts[sensor.space]! * 10) / Math.max(1, sp.area);
      sensor.battery = Math.max(0, sensor.battery - 2e-6);
      const record: StateRecord = {
        id: sensor.id, kind: 'sensor', type: 'environment', t, floor: this.floors[sp.storey]!,
        x: round(sensor.x, 2), y: round(sensor.y, 2), battery: round(sensor.battery, 3), state: 'idle',
        temperature: round(22.5 + 1.2 * daily + 0.08 * perTen + sensor.bias + this.rand.normal(0, 0.1), 2),
        humidity: round(45 - 4 * daily + this.rand.normal(0, 0.8), 1),
        co2: Math.round(Math.min(5000, 430 + 150 * perTen + this.rand.normal(0, 12))),
        occupancy: counts[sensor.space]!,
      };
      out.push({ kind: 'state', record });
    }
  }
}

/** What the constructor assembles, in the order the seeded generator is consumed. */
export interface TestbedSimulatorParts {
  startMs: number;
  rand: SeededRandom;
  layout: TestbedLayout;
  graph: WalkGraph;
  registry: BeaconRegistry;
  radio: RadioModel;
  crowd: Crowd;
  fleet: RobotFleet;
  buses: BusLine;
  sensors: { id: string; space: number; x: number; y: number; battery: number; bias: number }[];
}

/**
 * Builds the simulator's parts. `sliced`: the two big tables (walk routes, radio wall loss) are built
 * by their slice generators, yielding between slices; they consume no randomness, so the seeded
 * generator sees the same draws in the same order either way.
 */
function* buildParts(opts: TestbedSimulatorOptions, sliced: boolean): Generator<void, TestbedSimulatorParts> {
  const robots = opts.robots ?? 60;
  const busCount = Math.min(opts.buses ?? 1, robots);
  const tags = opts.tags ?? 2000;
  const startMs = opts.start ?? Math.floor(Date.now() / 1000) * 1000;
  const rand = new SeededRandom(opts.seed ?? 1);
  const layout = opts.layout ?? buildTestbedLayout({ storeys: opts.storeys ?? 3, roomsPerSide: opts.rooms ?? 6 });
  const floors = layout.storeys.map((s) => s.name);
  const graph = new WalkGraph(layout, sliced ? { routes: 'deferred' } : {});
  if (sliced) yield* graph.buildSlices();
  const registry = placeBeacons(layout, graph, opts.beacons ?? 400, rand);
  const radio = new RadioModel(layout, registry, rand, opts.radio, { deferTables: sliced });
  if (sliced) { yield; yield* radio.tableSlices(); }
  const crowd = new Crowd(graph, tags, rand);
  if (sliced) yield;
  const fleet = new RobotFleet(graph, floors, robots - busCount, rand);
  if (sliced) yield;
  const buses = new BusLine(layout, busCount, floors[0] ?? '1F', rand);
  const sensors = graph.spaces
    .filter((sp) => sp.usage !== 'corridor' && sp.usage !== 'stair')
    .map((sp) => ({ id: `env-${sp.id}`, space: sp.index, x: sp.centroid[0], y: sp.centroid[1], battery: rand.range(0.6, 1), bias: rand.normal(0, 0.4) }));
  return { startMs, rand, layout, graph, registry, radio, crowd, fleet, buses, sensors };
}

/** Runs a generator to completion in this thread. */
function drain<T>(gen: Generator<void, T>): T {
  for (;;) {
    const r = gen.next();
    if (r.done) return r.value;
  }
}

const round = (v: number, digits: number) => { const f = 10 ** digits; return Math.round(v * f) / f; };
