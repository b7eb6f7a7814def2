/**
 * Runs one scenario to the end and assembles the results document (spec/scenario.md). Plain
 * module: the CLI, the worker-pool thread, the Web Worker and tests call it directly.
 */
import type { AgentResult, AreaResult, LineResult, Scenario, SimulationResults } from '../../common/scenario.js';
import { NavMap } from '../nav/NavMap.js';
import { pointInPolygon, polygonArea } from '../nav/planarGeometry.js';
import { checkScenario } from './checkScenario.js';
import { describeHeldUp, heldUp } from './heldUp.js';
import { AgentState, Simulation } from './Simulation.js';
import { summarizeRuns } from './summarizeRuns.js';
import type { SlotHelper, SlotJob } from './slotStages.js';

export interface RunOptions {
  /** Overrides scenario.seed. */
  seed?: number;
  /** A prebuilt map for this scenario (Monte-Carlo runs share one). */
  nav?: NavMap;
  signal?: AbortSignal;
  /** Polled every step: return true to stop early (a wall-clock budget in benches; the loop is synchronous). */
  shouldStop?: () => boolean;
  /** Called about every 1 % of maxTime with the fraction of time and of people done. */
  onProgress?: (timeFraction: number, evacuated: number, total: number) => void;
  /** Called every `positionInterval` s (default 0.5) with the simulation, for recording. */
  onPositions?: (sim: Simulation) => void;
  positionInterval?: number;
  /**
   * Starts a second thread for stages 5 and 6 (Node: workers/sim/node/slotThread.ts; app: web/slotWorker.ts); the run's columns are
   * then made in shared memory. The results are the same as on one thread.
   */
  slotHelper?: (job: SlotJob) => SlotHelper;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** Runs to the end in one go (tests, worker threads). */
export function runScenario(scenario: Scenario, opts: RunOptions = {}): SimulationResults {
  const it = runSteps(scenario, opts);
  let r = it.next();
  while (!r.done) r = it.next();
  return r.value;
}

/**
 * Same run, yielding to the event loop every ~100 ms of wall time so that signals (SIGINT), progress
 * output and cancellation in the UI get through; the results are identical to runScenario's.
 */
export async function runScenarioAsync(scenario: Scenario, opts: RunOptions = {}): Promise<SimulationResults> {
  const it = runSteps(scenario, opts);
  let r = it.next();
  while (!r.done) { await new Promise((resolve) => setTimeout(resolve, 0)); r = it.next(); }
  return r.value;
}

/** The run as a generator: yields every ~100 ms of wall time, returns the results. */
function* runSteps(scenario: Scenario, opts: RunOptions): Generator<void, SimulationResults, void> {
  const started = performance.now();
  if (!opts.nav) checkScenario(scenario);
  const nav = opts.nav ?? NavMap.build(scenario);
  const seed = opts.seed ?? scenario.seed ?? 1;
  const sim = new Simulation(scenario, nav, seed, { shareColumns: opts.slotHelper !== undefined });
  const helper = opts.slotHelper?.({ scenario, columns: sim.columns, agents: sim.agents, slots: sim.slots, rmax: sim.rmax, dt: sim.dt }) ?? null;
  sim.useSlotHelper(helper);
  try {
    // A Web Worker helper takes the run through this thread's event loop (see SlotHelper.ready); cancelled
    // meanwhile, the run goes on without it (and stops at its first step).
    while (helper?.ready && !helper.ready()) {
      if (opts.signal?.aborted) { sim.useSlotHelper(null); break; }
      yield;
    }
    return yield* steps(scenario, opts, nav, sim, seed, started);
  } finally {
    helper?.close();
  }
}

function* steps(scenario: Scenario, opts: RunOptions, nav: NavMap, sim: Simulation, seed: number, started: number): Generator<void, SimulationResults, void> {
  const m = scenario.measurements ?? {};
  const areaDefs = (m.areas ?? []).map((a) => ({ ...a, f: nav.floorIndex.get(a.floor)!, size: polygonArea(a.polygon) }));
  const areas: AreaResult[] = areaDefs.map(() => ({ t: [], density: [], speed: [] }));
  const areaInterval = m.areaInterval ?? 1;
  const trajInterval = m.trajectoryInterval ?? sim.dt;
  const multiFloor = scenario.floors.length > 1;
  const traj: (number | string)[][][] | null = m.trajectories ? Array.from({ length: sim.agents }, () => []) : null;
  let nextArea = 0, nextTraj = 0, nextPos = 0, nextProgress = 0;
  const posInterval = opts.positionInterval ?? 0.5;
  const sample = () => {
    const t = sim.t;
    if (areaDefs.length && t >= nextArea - 1e-9) {
      nextArea += areaInterval;
      areaDefs.forEach((a, k) => {
        let n = 0, v = 0;
        for (let i = 0; i < sim.agents; i++) {
          const s = sim.state[i];
          if (s === AgentState.Out || s === AgentState.Transit || sim.floor[i] !== a.f) continue;
          if (!pointInPolygon(sim.x[i]!, sim.y[i]!, a.polygon)) continue;
          n++; v += Math.hypot(sim.vx[i]!, sim.vy[i]!);
        }
        areas[k]!.t.push(r3(t)); areas[k]!.density.push(r3(n / a.size)); areas[k]!.speed.push(r3(n ? v / n : 0));
      });
    }
    if (traj && t >= nextTraj - 1e-9) {
      nextTraj += trajInterval;
      for (let i = 0; i < sim.agents; i++) {
        const s = sim.state[i];
        if (s === AgentState.Out || s === AgentState.Transit) continue;
        const row: (number | string)[] = [r3(t), r3(sim.x[i]!), r3(sim.y[i]!)];
        if (multiFloor) row.push(scenario.floors[sim.floor[i]!]!.id);
        traj[i]!.push(row);
      }
    }
    if (opts.onPositions && t >= nextPos - 1e-9) { nextPos += posInterval; opts.onPositions(sim); }
    if (opts.onProgress && t >= nextProgress) { nextProgress += scenario.maxTime / 100; opts.onProgress(t / scenario.maxTime, sim.evacuated, sim.agents); }
  };
  sample();
  let aborted = false, lastYield = performance.now();
  while (!sim.done) {
    if (opts.signal?.aborted || opts.shouldStop?.()) { aborted = true; break; }
    sim.step();
    sample();
    if (performance.now() - lastYield > 100) { yield; lastYield = performance.now(); }
  }

  const agents: AgentResult[] = [];
  let evacuated = 0, last = 0;
  const exitUsage: Record<string, number> = Object.fromEntries(scenario.exits.map((e) => [e.id, 0]));
  const overTime: number[] = [];
  for (let i = 0; i < sim.agents; i++) {
    const out = sim.state[i] === AgentState.Out, et = sim.exitTime[i]!;
    if (out) {
      evacuated++; last = Math.max(last, et);
      exitUsage[scenario.exits[sim.exitUsed[i]!]!.id]!++;
      const sec = Math.ceil(et);
      while (overTime.length <= sec) overTime.push(0);
      overTime[sec]!++;
    }
    agents.push({
      id: i, group: scenario.agentGroups[sim.group[i]!]!.id, start: [r3(sim.startX[i]!), r3(sim.startY[i]!)] as [number, number],
      startTime: r3(sim.startTime[i]!), exitTime: out ? r3(et) : null, exit: out ? scenario.exits[sim.exitUsed[i]!]!.id : null,
      distance: r3(sim.walked[i]!), reachable: sim.reachable[i] === 1,
    });
  }
  for (let s = 1; s < overTime.length; s++) overTime[s]! += overTime[s - 1]!;
  // With people left inside (held up, unable to reach an exit, out of time, stopped) the curve runs on to the end of the
  // run: its flat tail is what a planner needs to see. It stopped at the last person out (10 s of a 120 s run).
  if (evacuated < sim.agents) {
    const end = Math.ceil(sim.t - 1e-6), out = overTime.length ? overTime[overTime.length - 1]! : 0;
    while (overTime.length <= end) overTime.push(out);
  }
  const lines: Record<string, LineResult> = Object.fromEntries((m.lines ?? []).map((l) => [l.id, { crossings: [] as LineResult['crossings'] }]));
  for (const c of sim.crossings) lines[m.lines![c.line]!.id]!.crossings.push({ t: r3(c.t), agent: c.agent, dir: c.dir });
  const warnings: string[] = [];
  // Accepted without a word before: a scenario of nobody ("0/0 evacuated, evacuation time 0.00 s"), a dt the engine clamps.
  if (sim.agents === 0) warnings.push('nobody to evacuate: the scenario places 0 people (agentGroups)');
  if (scenario.dt !== undefined && scenario.dt !== sim.dt) warnings.push(`dt ${scenario.dt} s is outside the engine's 0.005–0.1 s: the run used ${sim.dt} s`);
  const unreachable = agents.filter((a) => !a.reachable);
  let shutIn = 0;
  for (let i = 0; i < sim.agents; i++) if (sim.reachable[i] === 2) shutIn++;
  if (unreachable.length) warnings.push(`${unreachable.length} agent(s) cannot reach any allowed open exit from where they start: ${unreachableByGroup(scenario, unreachable)}` +
    (shutIn ? ` (${shutIn === unreachable.length ? 'all' : shutIn} only through gaps narrower than their body)` : ''));
  if (aborted) warnings.push(`stopped by a signal at t = ${r3(sim.t)} s`);
  const inside = sim.agents - evacuated - unreachable.length;
  if (!aborted && inside > 0) {
    // Who they are and what holds them (a robot halted in a doorway and the queue behind it), also per agent (heldBy).
    const held = heldUp(sim);
    held.robotOf.forEach((k, i) => { if (k >= 0) agents[i]!.heldBy = scenario.obstaclesMoving![k]!.id; });
    warnings.push(`${inside} agent(s) who could reach an exit still inside at the end (t = ${r3(sim.t)} s, maxTime ${scenario.maxTime} s): ${describeHeldUp(scenario, sim, held)}`);
  }
  const evacuationTime = evacuated === sim.agents ? r3(last) : null;
  const wallSeconds = (performance.now() - started) / 1000;
  const results: SimulationResults = {
    scenario: scenario.name ?? '', seed, agentsTotal: sim.agents, agentsEvacuated: evacuated, agentsUnreachable: unreachable.length, evacuationTime, agents,
    lines, areas: Object.fromEntries(areaDefs.map((a, k) => [a.id, areas[k]!])),
    runs: [{ seed, evacuationTime, agentsEvacuated: evacuated }], summary: summarizeRuns([evacuationTime]),
    performance: { wallSeconds: r3(wallSeconds), agentSteps: sim.agentSteps, agentStepsPerSecond: Math.round(sim.agentSteps / Math.max(wallSeconds, 1e-6)), threads: opts.slotHelper ? 2 : 1 },
    exitUsage, warnings, evacuatedOverTime: overTime,
  };
  if (traj) results.trajectories = Object.fromEntries(traj.map((rows, i) => [String(i), rows]));
  return results;
}

/** "G6 "Roof" on Roof: 37, G2 on F1: 3": the groups of the unreachable agents, with their names and floors, in group order. */
function unreachableByGroup(scenario: Scenario, unreachable: readonly AgentResult[]): string {
  const counts = new Map<string, number>();
  for (const a of unreachable) counts.set(a.group, (counts.get(a.group) ?? 0) + 1);
  return scenario.agentGroups.filter((g) => counts.has(g.id))
    .map((g) => `${g.id}${g.name ? ` "${g.name}"` : ''} on ${g.floor}: ${counts.get(g.id)!}`).join(', ');
}
