/**
 * The Simulation panel's state: the scenario (derived from the loaded model or loaded from JSON),
 * the user's run options, the run lifecycle and its progress, the last results with their playback
 * track, and the playback cursor (independent of the live timeline).
 *
 * Vanilla zustand store with a pure reducer over a discriminated union of actions (STYLE.md
 * habits 5, 6, 11). Run lifecycle: 'idle' → 'running' → 'done' | 'failed' | 'cancelled' → 'running' …;
 * deriving a scenario is its own flag so a finished result stays visible while a new one loads.
 * Invalid transitions throw (a run without a scenario, a second run while one runs).
 */
import { createStore } from 'zustand/vanilla';
import { assertNever } from '../../common/records.js';
import type { Scenario } from '../../common/scenario.js';
import type { SimRunOutput } from '../../workers/sim/SimWorkerService.js';

export type RunStatus = 'idle' | 'running' | 'done' | 'failed' | 'cancelled';
/** Pre-movement profile: none, uniform 10–60 s, RiMEA (uniform 10–100 s). */
export type PremovementProfile = 'scenario' | 'none' | 'uniform10-60' | 'rimea10-100';
/** Free-speed profile: Weidmann normal 1.34 ± 0.26 m/s, slow 0.8 ± 0.2 m/s, or as in the scenario. */
export type SpeedProfile = 'scenario' | 'weidmann' | 'slow';

/** Playback speeds offered (simulated s per wall-clock s). */
export const PLAYBACK_SPEEDS = [0.5, 1, 2, 4, 10] as const;
export type PlaybackSpeed = (typeof PLAYBACK_SPEEDS)[number];

export interface SimOptions {
  runs: number;
  seed: number;
  /**
   * Compute threads a single run may use: 2 lets a crowd of TWO_THREAD_PEOPLE or more share each step with a second
   * thread (same results); 'auto': 2 where the machine has the cores for it (SimWorkerClient.singleRunThreads).
   */
  threads: 'auto' | 1 | 2;
  /**
   * Moving obstacles on: the scenario's own; when it has none, `robotCount` generated ones, or (robotSource 'live')
   * the live robots halted where they were at the last Run (`liveRobots`, their snapshot).
   */
  robots: boolean;
  robotCount: number;
  robotSource: 'generated' | 'live';
  liveRobots: LiveRobot[];
  premovement: PremovementProfile;
  speed: SpeedProfile;
  /** Exit id → open (missing: as in the scenario). */
  exitsOpen: Record<string, boolean>;
  /** Agent group id (one per space in a derived scenario) → occupants (missing: as in the scenario). */
  groupCounts: Record<string, number>;
}

/** A live robot where it is: its id, floor label (a storey name) and building-frame position, m. */
export interface LiveRobot {
  id: string;
  floor: string;
  x: number;
  y: number;
}

export interface SimulationState {
  scenario: Scenario | null;
  /** Where the scenario came from ("derived from duplex.ifc", "file room.json"). */
  source: string;
  /** What the derivation says of the scenario: spaces left empty for want of a way out (deriveScenario); null: nothing. */
  scenarioNote: string | null;
  /**
   * Content hash of the model the scenario was derived from; null for a scenario file (it carries its own building).
   * When another model is opened, a scenario derived from the previous one and its results are dropped (modelChanged).
   */
  scenarioModel: string | null;
  /**
   * Where the scenario dropped at the last model change came from (its `source`), until another is loaded: the
   * message that replaces `source` names the model open now, also after a second change (a superseded open).
   */
  dropped: string | null;
  deriving: boolean;
  /** Last scenario problem: field path ('' for the whole document) and message; the old scenario stays. */
  scenarioError: { path: string; message: string } | null;
  options: SimOptions;
  status: RunStatus;
  progress: { fraction: number; simTime: number; evacuated: number } | null;
  runError: string | null;
  output: SimRunOutput | null;
  /**
   * Playback cursor, s, whether it advances, and how many simulated seconds pass per wall-clock second;
   * `onViews`: the plan and 3D views show the run (its people, robots and maximum-density map) in place of the
   * live entities, people and heatmaps, which would otherwise mix with it (see simulationOnViews).
   */
  playback: { time: number; playing: boolean; speed: PlaybackSpeed; onViews: boolean };
}

export type SimulationAction =
  | { type: 'deriveStarted' }
  /** `note`: what the derivation says of the scenario (spaces left empty for want of a way out). */
  | { type: 'scenarioLoaded'; scenario: Scenario; source: string; model?: string; note?: string | null }
  /** The session's model is now `hash` (`name`); null: no model. */
  | { type: 'modelChanged'; hash: string | null; name: string }
  | { type: 'scenarioFailed'; path: string; message: string }
  | { type: 'setOptions'; options: Partial<Omit<SimOptions, 'exitsOpen' | 'groupCounts'>> }
  | { type: 'setExitOpen'; exit: string; open: boolean }
  | { type: 'setGroupCount'; group: string; count: number }
  | { type: 'runStarted' }
  | { type: 'runProgress'; fraction: number; simTime: number; evacuated: number }
  | { type: 'runFinished'; output: SimRunOutput }
  | { type: 'runFailed'; message: string; cancelled: boolean }
  | { type: 'seek'; time: number }
  | { type: 'setPlaying'; playing: boolean }
  | { type: 'setPlaybackSpeed'; speed: number }
  /** Show the run on the views in place of the live picture (true), or go back to the live picture (false). */
  | { type: 'showOnViews'; on: boolean };

export const initialSimulationState: SimulationState = {
  scenario: null,
  source: '',
  scenarioNote: null,
  scenarioModel: null,
  dropped: null,
  deriving: false,
  scenarioError: null,
  options: { runs: 1, seed: 1, threads: 'auto', robots: true, robotCount: 0, robotSource: 'generated', liveRobots: [], premovement: 'scenario', speed: 'scenario', exitsOpen: {}, groupCounts: {} },
  status: 'idle',
  progress: null,
  runError: null,
  output: null,
  playback: { time: 0, playing: false, speed: 4, onViews: false },
};

/** Whether the plan and 3D views show the simulation's playback now, in place of the live entities and people. */
export function simulationOnViews(s: Pick<SimulationState, 'output' | 'playback'>): boolean {
  return s.output !== null && s.playback.onViews;
}

/** Length of the playback track, s. */
export function playbackDuration(s: Pick<SimulationState, 'output'>): number {
  const t = s.output?.track;
  return t && t.frames > 0 ? (t.frames - 1) * t.interval : 0;
}

const droppedMessage = (model: string, dropped: string) =>
  `The model is now ${model || 'none'}: derive a scenario from it (the one ${dropped} and its results were cleared).`;

export function reduceSimulation(s: SimulationState, a: SimulationAction): SimulationState {
  switch (a.type) {
    case 'deriveStarted':
      return { ...s, deriving: true, scenarioError: null };
    case 'scenarioLoaded':
      return { ...s, deriving: false, scenario: a.scenario, source: a.source, scenarioNote: a.note ?? null, scenarioModel: a.model ?? null, dropped: null, scenarioError: null, options: { ...s.options, exitsOpen: {}, groupCounts: {}, seed: a.scenario.seed ?? s.options.seed } };
    case 'modelChanged':
      // A scenario derived from another building, and its results, do not describe this one: its floors, exits and
      // people would be run and played back over the new model. A scenario file stays (it is its own building).
      // Opened again before anything was loaded: the message names this model, not the one it superseded.
      if (s.scenario === null && s.dropped !== null) return { ...s, source: droppedMessage(a.name, s.dropped) };
      if (s.scenarioModel === null || s.scenarioModel === a.hash) return s;
      return {
        ...s, scenario: null, scenarioNote: null, scenarioModel: null, output: null, status: 'idle', progress: null, runError: null, scenarioError: null,
        dropped: s.source, source: droppedMessage(a.name, s.source),
        options: { ...s.options, exitsOpen: {}, groupCounts: {} },
        playback: { ...s.playback, time: 0, playing: false, onViews: false },
      };
    case 'scenarioFailed':
      return { ...s, deriving: false, scenarioError: { path: a.path, message: a.message } };
    case 'setOptions':
      return { ...s, options: { ...s.options, ...a.options } };
    case 'setExitOpen':
      if (!s.scenario?.exits.some((e) => e.id === a.exit)) throw new Error(`simulationStore: no exit "${a.exit}" in the scenario`);
      return { ...s, options: { ...s.options, exitsOpen: { ...s.options.exitsOpen, [a.exit]: a.open } } };
    case 'setGroupCount': {
      const g = s.scenario?.agentGroups.find((x) => x.id === a.group);
      if (!g) throw new Error(`simulationStore: no agent group "${a.group}" in the scenario`);
      if (g.positions) throw new Error(`simulationStore: agent group "${a.group}" has fixed positions; its count is theirs`);
      if (!Number.isInteger(a.count) || a.count < 0) throw new Error(`simulationStore: occupants of "${a.group}" must be a whole number ≥ 0, got ${a.count}`);
      return { ...s, options: { ...s.options, groupCounts: { ...s.options.groupCounts, [a.group]: a.count } } };
    }
    case 'runStarted':
      if (!s.scenario) throw new Error('simulationStore: cannot run without a scenario');
      if (s.status === 'running') throw new Error('simulationStore: a run is already in progress');
      // The last run's results stay (a cancel keeps them) but leave the views: its density map over the plan read as the
      // new run's while that one ran.
      return { ...s, status: 'running', progress: { fraction: 0, simTime: 0, evacuated: 0 }, runError: null, playback: { ...s.playback, playing: false, onViews: false } };
    case 'runProgress':
      if (s.status !== 'running') return s; // a late progress message after cancel/finish
      return { ...s, progress: { fraction: a.fraction, simTime: a.simTime, evacuated: a.evacuated } };
    case 'runFinished':
      if (s.status !== 'running') throw new Error(`simulationStore: results arrived in state ${s.status}`);
      // The user asked for this run: it goes on the views at once (its t = 0 and maximum-density map).
      return { ...s, status: 'done', progress: null, output: a.output, playback: { ...s.playback, time: 0, playing: false, onViews: true } };
    case 'runFailed':
      if (s.status !== 'running') throw new Error(`simulationStore: run failure in state ${s.status}`);
      return { ...s, status: a.cancelled ? 'cancelled' : 'failed', progress: null, runError: a.message };
    case 'seek':
      // Moving the cursor means looking at the run: it comes back on the views.
      return { ...s, playback: { ...s.playback, time: Math.min(Math.max(0, a.time), playbackDuration(s)), onViews: s.output !== null } };
    case 'setPlaying':
      if (a.playing && !s.output) return s;
      return { ...s, playback: { ...s.playback, time: a.playing && s.playback.time >= playbackDuration(s) ? 0 : s.playback.time, playing: a.playing, onViews: a.playing || s.playback.onViews } };
    case 'showOnViews':
      // Back to live also stops the playback: a run playing where nobody sees it would only cost frames.
      return { ...s, playback: { ...s.playback, onViews: a.on && s.output !== null, playing: a.on && s.playback.playing } };
    case 'setPlaybackSpeed': {
      const speed = PLAYBACK_SPEEDS.find((v) => v === a.speed);
      if (speed === undefined) throw new Error(`simulationStore: playback speed ${a.speed} is not one of ${PLAYBACK_SPEEDS.join(', ')}`);
      return { ...s, playback: { ...s.playback, speed } };
    }
    default:
      return assertNever(a);
  }
}

export const simulationStore = createStore<SimulationState>(() => initialSimulationState);

export function dispatchSimulation(action: SimulationAction): void {
  simulationStore.setState(reduceSimulation(simulationStore.getState(), action), true);
}

/**
 * The progress bar's fill: the share of maxTime simulated or of the people out, whichever is further, as `twin simulate`
 * reports it (time alone read 18 % with 1 018 of 1 500 out, then jumped to 100 % when the last one left).
 */
export function runProgressFraction(timeFraction: number, evacuated: number, people: number): number {
  return Math.min(1, Math.max(timeFraction, people > 0 ? evacuated / people : 0));
}
