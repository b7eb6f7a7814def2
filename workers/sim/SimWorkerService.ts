/**
 * The simulation Web Worker's API as a plain class (DOM-free): `sim.worker.ts` only constructs it
 * and `Comlink.expose`s it; tests call it in-thread.
 *
 * run(scenarioJson, { runs, seed }, onProgress) → results document identical to `twin simulate`'s
 * (spec/scenario.md) for the first run, plus a playback track and a max-density grid as typed
 * columns, transferred (not copied) with `Comlink.transfer`. Runs > 1 are executed sequentially
 * here with seeds seed+1 … and summarised with the engine's `summarizeRuns`.
 * cancel() sets a flag that the engine's step loop polls (via an AbortSignal) → run rejects with
 * a SimCancelledError whose message says "cancelled".
 * runBatch(scenarioJson, seeds, onProgress) → one BatchRun per seed (no track): the page's worker
 * pool (renderer/features/simulation/monteCarloPool.ts) spreads runs 1 … N−1 over several workers.
 * deriveFromIfc(bytes, …) → scenario from an IFC building (structure extraction + deriveScenario), and what the derivation says.
 *
 * Lifecycle (string union): 'idle' → 'running' → 'idle'; any → 'disposed'.
 */
import * as Comlink from 'comlink';
import type { IfcAPI } from 'web-ifc';
import { ScenarioError, parseScenario, type Scenario, type SimulationResults } from '../../common/scenario.js';
import { NavMap } from '../nav/NavMap.js';
import type { FloorGrid } from '../nav/FloorGrid.js';
import { IfcEngine } from '../ifc/IfcEngine.js';
import { extractStructure } from '../ifc/structure/extractStructure.js';
import { NO_EXIT_REASON, noWalkableReason, type BuildingToScenarioOptions } from '../ifc/structure/toScenario.js';
import { deriveScenario, emptiedNote } from './deriveScenario.js';
import { checkScenario } from './checkScenario.js';
import { runScenarioAsync } from './runScenario.js';
import { AgentState, Simulation } from './Simulation.js';
import { summarizeRuns } from './summarizeRuns.js';
import { worthASecondThread } from './slotProtocol.js';
import type { SlotJob } from './slotStages.js';
import { openSlotWorker, slotWorkersAvailable, type SlotWorker } from './web/slotWorker.js';

export type SimWorkerState = 'idle' | 'running' | 'disposed';

/** Seconds between playback samples. */
export const TRACK_INTERVAL = 0.5;
/**
 * Edge of a max-density cell, m. 2 m (4 m² cells) so one person alone reads 0.25 P/m² (Fruin A)
 * rather than 1 P/m² (D), which 1 m cells would report for anybody standing anywhere.
 */
export const DENSITY_CELL = 2;

/**
 * Agent positions of the first run every TRACK_INTERVAL s: frame f, agent i at index f·agents + i.
 * x, y in metres (building frame, the scenario floor's plane); NaN once the agent has left (or
 * while on stairs); `floor` = index into scenario.floors.
 */
export interface PlaybackTrack {
  interval: number;
  frames: number;
  agents: number;
  x: Float32Array;
  y: Float32Array;
  floor: Uint8Array;
  /** The robots (scenario.obstaclesMoving) at the same instants: frame f, robot k at index f·robots.count + k. */
  robots: RobotTrack;
}

/** Robot positions of a playback track (same frames as the people; robots are never NaN). */
export interface RobotTrack {
  count: number;
  /** Robot ids (scenario.obstaclesMoving order). */
  ids: string[];
  /** Body radius per robot, m. */
  radius: Float32Array;
  x: Float32Array;
  y: Float32Array;
  floor: Uint8Array;
}

/** Maximum density over time per DENSITY_CELL cell of one floor (persons/m²), row-major from (minX, minY). */
export interface MaxDensityGrid {
  floor: number;
  minX: number;
  minY: number;
  cellSize: number;
  cols: number;
  rows: number;
  density: Float32Array;
  /** The area each cell's people are divided by, m²: its walkable area (walkableAreas), at least half the cell. */
  area: Float32Array;
}

/**
 * Per cell of `g`, the area its density divides the people in it by, m²: the walkable part of the cell (the nav
 * grid's walkable cells whose centres lie in it), and never less than half the cell. Divided by the whole cell,
 * the people queued along a wall or at a door, where the cell is half wall, read half their density (2 P/m² as 1,
 * Fruin E as C). The floor of half a cell keeps a corner sliver from reading a lone person as a crowd.
 */
export function walkableAreas(g: Pick<MaxDensityGrid, 'minX' | 'minY' | 'cellSize' | 'cols' | 'rows'>, grid: Pick<FloorGrid, 'x0' | 'y0' | 'h' | 'nx' | 'ny' | 'kind'>): Float32Array {
  const cells = new Uint32Array(g.cols * g.rows);
  for (let j = 0; j < grid.ny; j++) {
    const cy = Math.floor((grid.y0 + (j + 0.5) * grid.h - g.minY) / g.cellSize);
    if (cy < 0 || cy >= g.rows) continue;
    for (let i = 0; i < grid.nx; i++) {
      if (grid.kind[j * grid.nx + i] !== 1) continue;
      const cx = Math.floor((grid.x0 + (i + 0.5) * grid.h - g.minX) / g.cellSize);
      if (cx >= 0 && cx < g.cols) cells[cy * g.cols + cx]!++;
    }
  }
  const least = (g.cellSize * g.cellSize) / 2, a = grid.h * grid.h;
  return Float32Array.from(cells, (n) => Math.max(n * a, least));
}

export interface SimRunOutput {
  results: SimulationResults;
  track: PlaybackTrack;
  maxDensity: MaxDensityGrid[];
  /** How many Web Workers computed the runs (set by the page's worker pool; absent = one). */
  workers?: number;
  /** Exits closed in the scenario run (set by the page, whose options close them): the results' table says so. */
  closedExits?: string[];
}

/** One Monte-Carlo run of a batch (runBatch): plain data, no per-agent results, no track. */
export interface BatchRun {
  seed: number;
  evacuationTime: number | null;
  agentsEvacuated: number;
  agentSteps: number;
  /** Compute time of this run, s (rounded to ms, as results.performance.wallSeconds). */
  wallSeconds: number;
}

/** Least time between two progress reports of runBatch, ms. */
export const BATCH_PROGRESS_MS = 100;

/** (fraction of the whole job 0–1, simulated time of the current run s, evacuated in the current run). */
export type SimProgressFn = (fraction: number, simTime: number, evacuated: number) => void;

export class SimCancelledError extends Error {
  override readonly name = 'SimCancelledError';
}

function floorBounds(s: Scenario): { minX: number; minY: number; maxX: number; maxY: number }[] {
  return s.floors.map((f) => {
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const poly of f.walkable) for (const [x, y] of poly) { minX = Math.min(minX, x); minY = Math.min(minY, y); maxX = Math.max(maxX, x); maxY = Math.max(maxY, y); }
    return { minX, minY, maxX, maxY };
  });
}

/** Collects the playback track and the max-density grids from position samples. */
class TrackRecorder {
  private xs: number[] = [];
  private ys: number[] = [];
  private fl: number[] = [];
  private rxs: number[] = [];
  private rys: number[] = [];
  private rfl: number[] = [];
  private robotRadius = new Float32Array(0);
  private frames = 0;
  readonly grids: MaxDensityGrid[];
  private readonly counts: Uint16Array[];

  private readonly robotIds: string[];

  constructor(scenario: Scenario, nav: NavMap, private readonly agents: number) {
    this.robotIds = (scenario.obstaclesMoving ?? []).map((o) => o.id);
    this.grids = floorBounds(scenario).map((b, floor) => {
      const minX = Math.floor(b.minX), minY = Math.floor(b.minY);
      const cols = Math.max(1, Math.ceil((b.maxX - minX) / DENSITY_CELL)), rows = Math.max(1, Math.ceil((b.maxY - minY) / DENSITY_CELL));
      const cells = { minX, minY, cellSize: DENSITY_CELL, cols, rows };
      return { floor, ...cells, density: new Float32Array(cols * rows), area: walkableAreas(cells, nav.grids[floor]!) };
    });
    this.counts = this.grids.map((g) => new Uint16Array(g.cols * g.rows));
  }

  capture(sim: Simulation): void {
    for (const c of this.counts) c.fill(0);
    for (let i = 0; i < this.agents; i++) {
      const st = sim.state[i];
      const gone = st === AgentState.Out || st === AgentState.Transit;
      const x = sim.x[i]!, y = sim.y[i]!, f = sim.floor[i]!;
      this.xs.push(gone ? NaN : x); this.ys.push(gone ? NaN : y); this.fl.push(f);
      if (gone) continue;
      const g = this.grids[f]!;
      const cx = Math.floor((x - g.minX) / g.cellSize), cy = Math.floor((y - g.minY) / g.cellSize);
      if (cx < 0 || cy < 0 || cx >= g.cols || cy >= g.rows) continue;
      const k = cy * g.cols + cx;
      const n = ++this.counts[f]![k]!;
      const d = n / g.area[k]!;
      if (d > g.density[k]!) g.density[k] = d;
    }
    if (this.frames === 0) this.robotRadius = Float32Array.from(sim.radius.subarray(this.agents, sim.slots));
    for (let i = this.agents; i < sim.slots; i++) { this.rxs.push(sim.x[i]!); this.rys.push(sim.y[i]!); this.rfl.push(sim.floor[i]!); }
    this.frames++;
  }

  track(): PlaybackTrack {
    const robots: RobotTrack = { count: this.robotRadius.length, ids: this.robotIds, radius: this.robotRadius, x: Float32Array.from(this.rxs), y: Float32Array.from(this.rys), floor: Uint8Array.from(this.rfl) };
    return { interval: TRACK_INTERVAL, frames: this.frames, agents: this.agents, x: Float32Array.from(this.xs), y: Float32Array.from(this.ys), floor: Uint8Array.from(this.fl), robots };
  }
}

/**
 * web-ifc 0.0.78's browser module (web-ifc.wasm) binds StreamMeshes with 3 arguments while its JS
 * wrapper always passes a 4th (applyLinearScalingFactor), so every call throws "called with 4
 * arguments, expected 3" in a browser (the Node module takes 4). When that happens, call the
 * binding with the 3 it accepts. Checked on the metre-based sample building; whether that binding
 * applies a non-metre file's length unit to space meshes is not verified.
 */
function patchStreamMeshes(api: IfcAPI): void {
  const original = api.StreamMeshes.bind(api);
  api.StreamMeshes = (modelID, ids, cb, scale) => {
    try {
      original(modelID, ids, cb, scale);
    } catch (e) {
      if (!/called with 4 arguments, expected 3/.test(String((e as Error)?.message ?? e))) throw e;
      (api.wasmModule as { StreamMeshes(m: number, i: number[], c: Parameters<IfcAPI['StreamMeshes']>[2]): void }).StreamMeshes(modelID, ids, cb);
    }
  };
}

/** A scenario derived from a model, and a note on it (spaces left empty for want of a way out), or null. */
export interface DerivedForPanel { scenario: Scenario; note: string | null }

/** What checking a scenario without running it found: how many people it places, or the field at fault. */
export type ScenarioCheck = { ok: true; agents: number } | { ok: false; path: string; problem: string };

export class SimWorkerService {
  private state: SimWorkerState = 'idle';
  private abort: AbortController | null = null;
  /**
   * The navigation map last built (by a derivation or a run), with what it was built from (mapKey): the next run on
   * the same building and exits reuses it (0.5–1 s on the sample, 1.3 s on office-a) instead of building it again.
   */
  private lastMap: { key: string; nav: NavMap } | null = null;
  private readonly ifc = new IfcEngine();

  /**
   * `wasmLocation`: folder with web-ifc's .wasm files (only needed by deriveFromIfc). `slotWorkerUrl`: the helper
   * worker (slots.worker.ts) that lets a single big run use two threads; none: every run on this thread.
   */
  constructor(private readonly wasmLocation: string, private readonly slotWorkerUrl: string | null = null) {}

  get status(): SimWorkerState {
    return this.state;
  }

  /**
   * Validates and runs a scenario (JSON text). Rejects with ScenarioError-style messages
   * ("path: problem") for bad input and SimCancelledError after cancel().
   */
  async run(scenarioJson: string, opts: { runs: number; seed?: number; threads?: number }, onProgress?: SimProgressFn): Promise<SimRunOutput> {
    return this.exclusive(scenarioJson, async (scenario, nav, abort) => {
      const runs = Math.max(1, Math.floor(opts.runs));
      const seed = opts.seed ?? scenario.seed ?? 1;
      let recorder: TrackRecorder | null = null;
      const slots = runs === 1 && (opts.threads ?? 1) >= 2 ? await this.openSlots(scenario) : null;
      const first = await runScenarioAsync(scenario, {
        seed, nav, signal: abort.signal, positionInterval: TRACK_INTERVAL,
        onPositions: (sim) => { (recorder ??= new TrackRecorder(scenario, nav, sim.agents)).capture(sim); },
        onProgress: (f, ev) => onProgress?.(f / runs, f * scenario.maxTime, ev),
        ...(slots ? { slotHelper: (job: SlotJob) => slots.helperFor(job) } : {}),
      }).finally(() => slots?.dispose());
      if (abort.signal.aborted) throw new SimCancelledError('SimWorkerService: run cancelled');
      const all: SimulationResults[] = [first];
      for (let k = 1; k < runs; k++) {
        const r = await runScenarioAsync(scenario, {
          seed: seed + k, nav, signal: abort.signal,
          onProgress: (f, ev) => onProgress?.((k + f) / runs, f * scenario.maxTime, ev),
        });
        if (abort.signal.aborted) throw new SimCancelledError(`SimWorkerService: run cancelled after ${k} of ${runs} runs`);
        all.push(r);
      }
      first.runs = all.map((r) => ({ seed: r.seed, evacuationTime: r.evacuationTime, agentsEvacuated: r.agentsEvacuated }));
      first.summary = summarizeRuns(all.map((r) => r.evacuationTime));
      const steps = all.reduce((s, r) => s + r.performance.agentSteps, 0), wall = all.reduce((s, r) => s + r.performance.wallSeconds, 0);
      // (summed over the runs; threads: those of a single run)
      first.performance = { ...(runs === 1 ? first.performance : {}), wallSeconds: Math.round(wall * 1000) / 1000, agentSteps: steps, agentStepsPerSecond: Math.round(steps / Math.max(wall, 1e-6)) };
      onProgress?.(1, first.evacuationTime ?? scenario.maxTime, first.agentsEvacuated);
      const rec = recorder ?? new TrackRecorder(scenario, nav, 0);
      const track = rec.track(), maxDensity = rec.grids;
      const out: SimRunOutput = { results: first, track, maxDensity };
      return Comlink.transfer(out, [track.x.buffer, track.y.buffer, track.floor.buffer, track.robots.x.buffer, track.robots.y.buffer, track.robots.floor.buffer, ...maxDensity.flatMap((g) => [g.density.buffer, g.area.buffer])]);
    });
  }

  /**
   * A helper worker for a run big enough to share (TWO_THREAD_PEOPLE or more) where this context can share memory;
   * null otherwise, or when the helper fails to start (the run then goes on one thread, as before).
   */
  private async openSlots(scenario: Scenario): Promise<SlotWorker | null> {
    if (!this.slotWorkerUrl || !worthASecondThread(scenario) || !slotWorkersAvailable()) return null;
    try {
      return await openSlotWorker(this.slotWorkerUrl);
    } catch (e) {
      console.warn(`${(e as Error).message}; running on one thread`);
      return null;
    }
  }

  /**
   * Runs the scenario once per seed (in order, without a track) and returns each run's evacuation
   * figures and compute cost. Progress: fraction of this batch, simulated time and evacuated of the
   * current run, at most once per BATCH_PROGRESS_MS. Same rejections as run(); cancel() stops it
   * with a SimCancelledError.
   */
  async runBatch(scenarioJson: string, seeds: readonly number[], onProgress?: SimProgressFn): Promise<BatchRun[]> {
    return this.exclusive(scenarioJson, async (scenario, nav, abort) => {
      const out: BatchRun[] = [];
      // Short runs report many times a second each: pass on at most one report per BATCH_PROGRESS_MS.
      let lastReport = -Infinity;
      const report = (fraction: number, simTime: number, evacuated: number): void => {
        const now = performance.now();
        if (now - lastReport < BATCH_PROGRESS_MS) return;
        lastReport = now;
        onProgress?.(fraction, simTime, evacuated);
      };
      for (let k = 0; k < seeds.length; k++) {
        const r = await runScenarioAsync(scenario, {
          seed: seeds[k]!, nav, signal: abort.signal,
          // (a later run's first sample, t = 0, would show "0 s, 0 out" between runs)
          onProgress: (f, ev) => { if (f > 0 || k === 0) report((k + f) / seeds.length, f * scenario.maxTime, ev); },
        });
        if (abort.signal.aborted) throw new SimCancelledError(`SimWorkerService: batch cancelled after ${k} of ${seeds.length} runs`);
        out.push({ seed: r.seed, evacuationTime: r.evacuationTime, agentsEvacuated: r.agentsEvacuated, agentSteps: r.performance.agentSteps, wallSeconds: r.performance.wallSeconds });
      }
      return out;
    });
  }

  /**
   * One computation at a time: rejects while disposed or busy, validates the scenario (parse, check)
   * and builds its navigation map, then runs `body` with the abort signal cancel() trips.
   */
  private async exclusive<T>(scenarioJson: string, body: (scenario: Scenario, nav: NavMap, abort: AbortController) => Promise<T>): Promise<T> {
    if (this.state === 'disposed') throw new Error('SimWorkerService: disposed');
    if (this.state === 'running') throw new Error('SimWorkerService: a run is already in progress; cancel it first');
    this.state = 'running';
    const abort = (this.abort = new AbortController());
    try {
      const scenario = parseScenario(scenarioJson);
      checkScenario(scenario);
      return await body(scenario, this.mapFor(scenario), abort);
    } finally {
      this.abort = null;
      if (this.state === 'running') this.state = 'idle';
    }
  }

  /**
   * Checks a scenario (JSON text) as a run would, without running it: the schema, checkScenario, its navigation map
   * (kept for the run, like a derivation's) and the placement of its people (Simulation's constructor). The panel
   * checks a scenario file as it is loaded: one whose agents do not fit, or whose floor is 1e300 m long, used to load
   * with a normal summary and be refused only at Run.
   */
  check(scenarioJson: string): ScenarioCheck {
    try {
      const scenario = parseScenario(scenarioJson);
      checkScenario(scenario);
      const sim = new Simulation(scenario, this.mapFor(scenario), scenario.seed ?? 1);
      return { ok: true, agents: sim.agents };
    } catch (e) {
      if (e instanceof ScenarioError) return { ok: false, path: e.path, problem: e.problem };
      throw e;
    }
  }

  private mapFor(scenario: Scenario, built?: NavMap): NavMap {
    const key = mapKey(scenario);
    const nav = built ?? (this.lastMap?.key === key ? this.lastMap.nav : NavMap.build(scenario));
    this.lastMap = { key, nav };
    return nav;
  }

  /** Stops the run in progress at its next step (no-op when idle). */
  cancel(): void {
    this.abort?.abort();
  }

  /**
   * Derives an evacuation scenario from IFC bytes: web-ifc parse → building structure → scenario
   * (workers/ifc/structure/toScenario.ts). Throws naming the file when it has no usable storey.
   */
  async deriveFromIfc(bytes: Uint8Array, fileName: string, opts: Omit<BuildingToScenarioOptions, 'wayOut'>): Promise<DerivedForPanel> {
    if (this.ifc.status !== 'ready') { await this.ifc.init(this.wasmLocation); patchStreamMeshes(this.ifc.api); }
    const { modelID } = this.ifc.open(bytes, fileName);
    try {
      const structure = this.ifc.read(modelID, fileName, (api) => extractStructure(api, modelID));
      const { scenario, nav, emptied } = deriveScenario(structure, { name: fileName, ...opts });
      // Keyed as a run will see it: parsed from JSON (field order and defaults as the schema gives them).
      if (nav) this.mapFor(parseScenario(JSON.stringify(scenario)), nav);
      // As `twin simulate` refuses it: a scenario nobody can walk in or leave is no scenario to run.
      if (scenario.floors.length === 0) {
        throw new Error(noWalkableReason(structure.storeys.length));
      }
      if (scenario.exits.length === 0) {
        throw new Error(NO_EXIT_REASON);
      }
      return { scenario, note: emptied.length ? emptiedNote(emptied, opts.occupants !== undefined) : null };
    } catch (e) {
      if (e instanceof ScenarioError) throw new Error(`${fileName}: ${e.message}`);
      throw e;
    } finally {
      this.ifc.close(modelID);
    }
  }

  dispose(): void {
    this.abort?.abort();
    if (this.ifc.status !== 'disposed') this.ifc.dispose();
    this.state = 'disposed';
  }
}

/** What a scenario's navigation map is built from (NavMap.build): its floors, links, exits (open or closed), zones and cell size. */
function mapKey(s: Scenario): string {
  return JSON.stringify([s.floors, s.links ?? [], s.exits, s.zones ?? [], s.cellSize ?? null]);
}
