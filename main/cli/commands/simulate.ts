/**
 * `twin simulate FILE.json|FILE.ifc [--runs N] [--seed S] [--workers K] [--out FILE] [--record FILE.mcap]
 *  [--occupants N] [--density P] [--write-scenario FILE]` (spec/cli.md, spec/scenario.md).
 * Monte-Carlo runs go to a worker_threads pool (dist/workers/sim.js); run i uses seed + i.
 */
import { closeSync, existsSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { IWritable } from '@mcap/core';
import { parseScenario, ScenarioError, type Scenario, type SimulationResults } from '../../../common/scenario.js';
import { formatSeconds, runsSummaryLine } from '../../../common/simFigures.js';
import { NavMap } from '../../../workers/nav/NavMap.js';
import { checkScenario } from '../../../workers/sim/checkScenario.js';
import { TrajectoryRecorder } from '../../../workers/sim/recordTrajectories.js';
import { runScenarioAsync } from '../../../workers/sim/runScenario.js';
import { reachableOutTime, summarizeRuns } from '../../../workers/sim/summarizeRuns.js';
import { startSlotThread } from '../../../workers/sim/node/slotThread.js';
import { worthASecondThread } from '../../../workers/sim/slotProtocol.js';
import type { SlotJob } from '../../../workers/sim/slotStages.js';
import { NO_EXIT_REASON, noWalkableReason } from '../../../workers/ifc/structure/toScenario.js';
import { deriveScenario, emptiedNote } from '../../../workers/sim/deriveScenario.js';
import { numberFlag, parseFlags, progress, UsageError, writableFile, type CliCommand, type CliIo } from '../command.js';
import { loadIfcStructure } from './ifc.js';

const HELP = `Usage: twin simulate FILE.json|FILE.ifc [options]

Runs an evacuation / people-flow simulation (scenario format: spec/scenario.md) and writes the
results JSON to standard output or --out. Progress goes to standard error.

Options:
  --runs N              Monte-Carlo runs (default 1); run i uses seed + i
  --seed S              seed of run 0 (default: the scenario's seed, else 1)
  --workers K           compute threads, this one included (default: min(runs, cores); one run of
                        2 000 people or more: min(2, cores), sharing its steps, same results)
  --out FILE            write the results JSON to FILE
  --record FILE.mcap    trajectories of run 0 as MCAP (/position at 2 Hz, /sim/summary)
  --occupants N         IFC input: total occupants spread over the spaces by area
  --density P           IFC input: occupants per m² of space (when --occupants is not given)
  --write-scenario FILE IFC input: save the derived scenario JSON

Exit codes: 0 success, 1 runtime failure, 2 bad input (names the file and the field path).
Examples:
  twin simulate bottleneck.json --out results.json
  twin simulate bottleneck.json --runs 20 --workers 2
  twin simulate samples/testbed-complex.ifc --occupants 500 --record evac.mcap`;

/** A tiny synchronous file adapter for McapWriter. */
class FileWritable implements IWritable {
  private readonly fd: number;
  private pos = 0n;
  constructor(path: string) { this.fd = openSync(path, 'w'); }
  async write(buffer: Uint8Array): Promise<void> { writeSync(this.fd, buffer); this.pos += BigInt(buffer.byteLength); }
  position(): bigint { return this.pos; }
  close(): void { closeSync(this.fd); }
}

/** The scenario to run; from an IFC model also its map (built to find the spaces with no way out) and what the derivation says. */
async function loadScenario(file: string, flags: { occupants?: string; density?: string; seed?: string; 'write-scenario'?: string }): Promise<{ scenario: Scenario; nav?: NavMap; note?: string }> {
  if (/\.ifc$/i.test(file)) {
    const occupants = flags.occupants === undefined ? undefined : numberFlag('simulate', 'occupants', flags.occupants, 0, { min: 0, max: 1_000_000, integer: true });
    // A crowd packed shoulder to shoulder is ~8 people per m².
    const density = flags.density === undefined ? undefined : numberFlag('simulate', 'density', flags.density, 0, { min: 0, max: 10 });
    const seed = flags.seed === undefined ? undefined : numberFlag('simulate', 'seed', flags.seed, 1, { integer: true });
    const { structure } = await loadIfcStructure(file, 'simulate');
    // Named by the file, as the Simulation panel names it (it read "IFC building" here, the file name there).
    const { scenario, nav, emptied } = deriveScenario(structure, { name: basename(file), occupants, density, seed });
    // As the Simulation panel says it (SimWorkerService.deriveFromIfc): nothing walkable first, it is why there is no exit.
    if (scenario.floors.length === 0) throw new UsageError(`twin simulate: ${file}: ${noWalkableReason(structure.storeys.length)}`);
    if (scenario.exits.length === 0) {
      throw new UsageError(`twin simulate: ${file}: ${NO_EXIT_REASON}`);
    }
    if (flags['write-scenario']) writeFileSync(flags['write-scenario'], JSON.stringify(scenario, null, 1));
    return { scenario, ...(nav ? { nav } : {}), ...(emptied.length ? { note: emptiedNote(emptied, occupants !== undefined) } : {}) };
  }
  // These options shape a scenario derived from a model: on a scenario file they would do nothing, and silently.
  const ifcOnly = (['occupants', 'density', 'write-scenario'] as const).filter((k) => flags[k] !== undefined);
  if (ifcOnly.length) {
    throw new UsageError(`twin simulate: ${file}: ${ifcOnly.map((k) => `--${k}`).join(', ')} ${ifcOnly.length > 1 ? 'apply' : 'applies'} to an IFC model (FILE.ifc) only; a scenario file gives each agent group's "count" or "positions" itself`);
  }
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch { throw new UsageError(`twin simulate: ${file}: cannot read the file`); }
  return { scenario: parseScenario(text) };
}

/** Per-agent parts dropped from every run but run 0 (the document keeps run 0's detail and all runs' summaries). */
function summaryOnly(r: SimulationResults): SimulationResults {
  r.agents = []; r.lines = {}; r.areas = {}; delete r.trajectories;
  return r;
}

/**
 * Runs every seed on K compute threads: this thread (which always takes run 0, so that it can record and
 * report per-step progress, and reuses the map it already built) plus K − 1 worker threads
 * (dist/workers/sim.js, started at once so that their start-up and map build overlap run 0;
 * a worker builds the map once per batch). Each thread
 * pulls the next seed from one queue when it finishes, so short and long runs balance. With K = 1 no
 * thread is started at all. Results come back in seed order.
 */
async function runPool(scenario: Scenario, seeds: number[], workers: number, signal: AbortSignal,
  runHere: (seed: number, index: number) => Promise<SimulationResults>, onDone: (n: number) => void): Promise<SimulationResults[]> {
  const threadFile = join(dirname(fileURLToPath(import.meta.url)), '..', 'workers', 'sim.js');
  const threads = Math.max(0, Math.min(workers, seeds.length) - 1);
  if (threads > 0 && !existsSync(threadFile)) throw new Error(`twin simulate: ${threadFile} missing; run npm run build`);
  const out: SimulationResults[] = new Array(seeds.length);
  let next = 0, done = 0;
  const local = async () => {
    while (next < seeds.length && !signal.aborted) {
      const i = next++;
      const r = await runHere(seeds[i]!, i);
      out[i] = i === 0 ? r : summaryOnly(r); onDone(++done);
    }
  };
  const pool = Array.from({ length: threads }, () => new Worker(threadFile));
  const remote = (w: Worker) => new Promise<void>((resolve, reject) => {
    const feed = () => {
      if (signal.aborted || next >= seeds.length) { resolve(); return; }
      const i = next++;
      w.once('message', (m: { ok: true; results: SimulationResults } | { ok: false; error: string; path: string | null }) => {
        if (!m.ok) { reject(m.path !== null ? new ScenarioError(m.path, m.error.replace(/^[^:]*: /, '')) : new Error(m.error)); return; }
        out[i] = m.results; onDone(++done); feed();
      });
      w.postMessage({ scenario, seed: seeds[i], full: i === 0 });
    };
    w.once('error', reject);
    feed();
  });
  try {
    // local() takes run 0 synchronously before any worker is fed.
    await Promise.all([local(), ...pool.map(remote)]);
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return out.filter(Boolean);
}

export const simulateCommand: CliCommand = {
  name: 'simulate',
  summary: 'runs an evacuation / people-flow simulation from a scenario JSON or an IFC model',
  help: HELP,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseFlags('simulate', args, {
      runs: { type: 'string' }, seed: { type: 'string' }, workers: { type: 'string' }, out: { type: 'string' }, record: { type: 'string' },
      occupants: { type: 'string' }, density: { type: 'string' }, 'write-scenario': { type: 'string' },
    });
    if (positionals.length !== 1) throw new UsageError('twin simulate: expected one scenario file (FILE.json or FILE.ifc); see twin simulate --help');
    const file = positionals[0]!;
    const runs = numberFlag('simulate', 'runs', values.runs, 1, { min: 1, max: 100000, integer: true });
    const workers = numberFlag('simulate', 'workers', values.workers, Math.min(Math.max(runs, 2), availableParallelism()), { min: 1, max: 64, integer: true });
    // Where the results go is checked before the run, not after it.
    for (const flag of ['out', 'record', 'write-scenario'] as const) if (values[flag] !== undefined) writableFile('simulate', flag, values[flag]);
    const started = performance.now();
    let scenario: Scenario, nav: NavMap, note: string | undefined;
    let derived: Scenario | undefined;
    // From an IFC model the field paths are the derived scenario's: say what they are and what to change.
    const scenarioError = (e: ScenarioError): UsageError => {
      const gi = /^agentGroups\[(\d+)\]/.exec(e.path)?.[1], g = gi !== undefined ? derived?.agentGroups[Number(gi)] : undefined;
      const hint = !derived ? '' : !g ? ' (in the scenario derived from the model)'
        : ` (in the scenario derived from the model: agentGroups[${gi}] is "${g.name ?? g.id}" on ${g.floor}; give fewer --occupants or a lower --density)`;
      return new UsageError(`twin simulate: ${file}: ${e.message}${hint}`);
    };
    try {
      const loaded = await loadScenario(file, values);
      scenario = loaded.scenario; note = loaded.note;
      if (/\.ifc$/i.test(file)) derived = scenario;
      checkScenario(scenario);
      nav = loaded.nav ?? NavMap.build(scenario);
    } catch (e) {
      if (e instanceof ScenarioError) throw scenarioError(e);
      throw e;
    }
    const seed = values.seed !== undefined ? numberFlag('simulate', 'seed', values.seed, 1, { integer: true }) : scenario.seed ?? 1;
    const report = progress(io, 'simulate');
    const recorder = values.record ? new TrajectoryRecorder() : null;
    const seeds = Array.from({ length: runs }, (_, i) => seed + i);
    // One big run on two threads: both take chunks of each step's stages 5 and 6 (same results).
    const slotFile = join(dirname(fileURLToPath(import.meta.url)), '..', 'workers', 'slots.js');
    const split = runs === 1 && workers >= 2 && worthASecondThread(scenario) && existsSync(slotFile);
    let all: SimulationResults[];
    try {
      all = await runPool(scenario, seeds, workers, io.signal, (s, i) => runScenarioAsync(scenario, {
        seed: s, nav, signal: io.signal,
        ...(split ? { slotHelper: (job: SlotJob) => startSlotThread(slotFile, job) } : {}),
        onProgress: runs === 1 ? (f, ev, total) => report(Math.max(f, total ? ev / total : 0), `${ev}/${total} out`) : undefined,
        onPositions: recorder && i === 0 ? (sim) => recorder.capture(sim) : undefined,
      }), (n) => { if (runs > 1) report(n / runs, `run ${n}/${runs}`); });
    } catch (e) {
      if (e instanceof ScenarioError) throw scenarioError(e);
      throw e;
    }
    const first = all[0]!;
    first.runs = all.map((r) => ({ seed: r.seed, evacuationTime: r.evacuationTime, agentsEvacuated: r.agentsEvacuated }));
    first.summary = summarizeRuns(all.map((r) => r.evacuationTime));
    const wall = (performance.now() - started) / 1000, steps = all.reduce((s, r) => s + r.performance.agentSteps, 0);
    first.performance = { wallSeconds: Math.round(wall * 1000) / 1000, agentSteps: steps, agentStepsPerSecond: Math.round(steps / Math.max(wall, 1e-6)), threads: split ? 2 : Math.min(workers, runs) };
    if (note) first.warnings.unshift(note);
    if (io.signal.aborted && runs > 1) first.warnings.push(`stopped by a signal after ${all.length} of ${runs} run(s)`);
    if (recorder && values.record) {
      const w = new FileWritable(values.record);
      try { await recorder.write(w, first); } finally { w.close(); }
    }
    const text = JSON.stringify(first) + '\n';
    if (values.out) writeFileSync(values.out, text); else io.out(text);
    // When the only ones left inside are those who cannot reach an exit, when the others were out says how long the evacuation took.
    // The figures read as in the Simulation panel (common/simFigures.ts): two decimals, the same Monte-Carlo line.
    const othersOut = reachableOutTime(first);
    io.err(`simulate: ${first.agentsEvacuated}/${first.agentsTotal} evacuated` +
      (first.agentsUnreachable ? `, ${first.agentsUnreachable} cannot reach any exit from where they start` : '') +
      `, evacuation time ${first.evacuationTime === null ? 'n/a (not all left)' : formatSeconds(first.evacuationTime)}` +
      (othersOut !== null ? ` (the ${first.agentsEvacuated} who could reach an exit were out at ${formatSeconds(othersOut)})` : '') +
      (runs > 1 ? `, ${runsSummaryLine(first)}` : '') + `, ${first.performance.wallSeconds} s wall\n`);
    for (const w of first.warnings) io.err(`simulate: ${w}\n`);
    return 0;
  },
};
