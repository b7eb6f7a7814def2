/**
 * Monte-Carlo on a pool of simulation workers (DOM-free, so tests drive it with in-thread
 * SimWorkerService instances as fake workers).
 *
 * Run 0 (the chosen seed) goes to the primary worker with `run(…, { runs: 1 })`, which records the
 * playback track and max-density grids; seeds seed+1 … seed+N−1 are split into contiguous slices,
 * one per extra worker and the smallest (last) one for the primary after run 0, each computed with
 * `runBatch` (evacuation figures only), so no core idles while the batch runs. The results are
 * assembled exactly as SimWorkerService.run does for runs > 1 in one worker: results.runs in seed
 * order, results.summary = summarizeRuns(evacuation times), results.performance summed over runs
 * (wallSeconds = total compute seconds, not elapsed time). Same seeds → same evacuation times.
 *
 * Progress = fraction of all N runs (each worker's fraction weighted by its number of runs), with
 * the simulated time and evacuated count of whichever worker reported last. cancel() cancels every
 * worker; the batch then rejects with a message containing "cancelled" once all have stopped (so
 * none is still busy when the next run starts). A failure in one worker cancels the others and
 * rejects with that worker's message, prefixed with the worker and its seeds for an extra worker.
 */
import type { Scenario } from '../../../common/scenario.js';
import type { BatchRun, SimProgressFn, SimRunOutput } from '../../../workers/sim/SimWorkerService.js';
import { summarizeRuns } from '../../../workers/sim/summarizeRuns.js';

/** The primary worker: runs run 0 with its track (SimWorkerService.run with runs = 1), then the last slice of seeds. */
export interface MonteCarloPrimary {
  run(scenarioJson: string, opts: { runs: number; seed: number }, onProgress: SimProgressFn): Promise<SimRunOutput>;
  runBatch(scenarioJson: string, seeds: number[], onProgress: SimProgressFn): Promise<BatchRun[]>;
  cancel(): void | Promise<void>;
}

/** An extra worker: runs a slice of seeds without a track (SimWorkerService.runBatch). */
export interface MonteCarloWorker {
  runBatch(scenarioJson: string, seeds: number[], onProgress: SimProgressFn): Promise<BatchRun[]>;
  cancel(): void | Promise<void>;
}

/** Extra workers for a batch: hardwareConcurrency − 1 (the page keeps a core), between 1 and 4. */
export function extraWorkerCount(hardwareConcurrency: number | undefined): number {
  const n = Math.floor((hardwareConcurrency ?? 2) - 1);
  return Math.min(4, Math.max(1, Number.isFinite(n) ? n : 1));
}

/**
 * Threads for a single run: as asked, or for 'auto' 2 from 4 cores up. The page itself needs a core (rendering, and
 * on a machine without a GPU its WebGL too), so on 2 cores the step barrier of two threads waits on a busy core:
 * in Chromium on this project's 2-core machine, 20 s of 10 000 people took 3.4–4.9 s on two threads against 2.7–2.9 s
 * on one (the machine otherwise idle; twin simulate, with no page, runs 1.8× faster on the same two cores).
 */
export function singleRunThreads(asked: 'auto' | 1 | 2, hardwareConcurrency: number | undefined): 1 | 2 {
  return asked === 'auto' ? ((hardwareConcurrency ?? 1) >= 4 ? 2 : 1) : asked;
}

/**
 * Seeds seed+1 … seed+runs−1 in contiguous slices over at most `workers` workers (sizes differ by
 * at most one, larger first; no empty slice). runs ≤ 1 → [].
 */
export function partitionSeeds(seed: number, runs: number, workers: number): number[][] {
  const rest = Math.max(0, Math.floor(runs) - 1);
  const k = Math.min(rest, Math.max(1, Math.floor(workers)));
  const out: number[][] = [];
  let next = seed + 1;
  for (let w = 0; w < k; w++) {
    const size = Math.floor(rest / k) + (w < rest % k ? 1 : 0);
    out.push(Array.from({ length: size }, (_, i) => next + i));
    next += size;
  }
  return out;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Run 0's output (from run with runs = 1) plus the other runs → the output run() gives for all of
 * them in one worker. Mutates and returns `first`.
 */
export function assembleMonteCarlo(first: SimRunOutput, rest: readonly BatchRun[], workers: number): SimRunOutput {
  const r = first.results;
  const all: BatchRun[] = [
    { seed: r.seed, evacuationTime: r.evacuationTime, agentsEvacuated: r.agentsEvacuated, agentSteps: r.performance.agentSteps, wallSeconds: r.performance.wallSeconds },
    ...[...rest].sort((a, b) => a.seed - b.seed),
  ];
  r.runs = all.map((x) => ({ seed: x.seed, evacuationTime: x.evacuationTime, agentsEvacuated: x.agentsEvacuated }));
  r.summary = summarizeRuns(all.map((x) => x.evacuationTime));
  const steps = all.reduce((s, x) => s + x.agentSteps, 0), wall = all.reduce((s, x) => s + x.wallSeconds, 0);
  r.performance = { wallSeconds: r3(wall), agentSteps: steps, agentStepsPerSecond: Math.round(steps / Math.max(wall, 1e-6)) };
  first.workers = workers;
  return first;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const isCancel = (e: unknown): boolean => /cancelled/.test(message(e));

/** One Monte-Carlo batch in flight: `result` settles once every worker has stopped. */
export class MonteCarloBatch {
  readonly result: Promise<SimRunOutput>;
  /** Workers used (primary + extras with a slice). */
  readonly workers: number;
  private cancelled = false;
  private failed = false;
  private readonly all: { cancel(): void | Promise<void> }[];

  constructor(
    scenario: Scenario,
    opts: { runs: number; seed: number },
    primary: MonteCarloPrimary,
    extras: readonly MonteCarloWorker[],
    onProgress?: SimProgressFn,
  ) {
    const runs = Math.max(1, Math.floor(opts.runs));
    // One slice per extra worker plus one for the primary (the last, smallest: it also runs run 0).
    const parts = partitionSeeds(opts.seed, runs, extras.length + 1);
    const mine = parts.length > extras.length ? parts.pop()! : [];
    const slices = parts;
    const used = extras.slice(0, slices.length);
    this.all = [primary, ...used];
    this.workers = this.all.length;
    const json = JSON.stringify(scenario);
    const done = new Array<number>(this.workers).fill(0);
    const weight = [1 + mine.length, ...slices.map((s) => s.length)];
    const report = (w: number): SimProgressFn => (fraction, simTime, evacuated) => {
      done[w] = Math.max(done[w]!, fraction);
      if (!this.cancelled && !this.failed) onProgress?.(done.reduce((s, f, i) => s + f * weight[i]!, 0) / runs, simTime, evacuated);
    };
    const named = (s: number[], w: number) => (e: unknown): never => {
      if (isCancel(e)) throw e;
      throw new Error(`Monte-Carlo worker ${w} of ${this.workers} (${s.length === 1 ? `seed ${s[0]}` : `seeds ${s[0]}–${s[s.length - 1]}`}): ${message(e)}`);
    };
    // runBatch throttles its reports: a slice's completion is reported here when it resolves.
    const finished = (w: number) => (r: BatchRun[]): BatchRun[] => {
      const last = r[r.length - 1];
      report(w)(1, last?.evacuationTime ?? scenario.maxTime, last?.agentsEvacuated ?? 0);
      return r;
    };
    const primaryWeight = weight[0]!;
    const primaryCall: Promise<{ first: SimRunOutput; more: BatchRun[] }> = primary
      .run(json, { runs: 1, seed: opts.seed }, (f, t, ev) => report(0)(f / primaryWeight, t, ev))
      .then(async (first) => {
        if (!mine.length || this.cancelled || this.failed) return { first, more: [] };
        const more = await primary.runBatch(json, mine, (f, t, ev) => report(0)((1 + f * mine.length) / primaryWeight, t, ev)).then(finished(0), named(mine, 1));
        return { first, more };
      });
    const calls: Promise<unknown>[] = [
      primaryCall,
      ...used.map((w, i) => w.runBatch(json, slices[i]!, report(i + 1)).then(finished(i + 1), named(slices[i]!, i + 2))),
    ];
    // The first real failure stops the others at once; the batch settles when all have stopped.
    for (const c of calls) c.catch((e: unknown) => { if (!isCancel(e) && !this.failed) { this.failed = true; this.stopAll(); } });
    this.result = Promise.allSettled(calls).then((settled) => {
      const errors = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
      const real = errors.find((e) => !isCancel(e));
      if (real !== undefined) throw real instanceof Error ? real : new Error(message(real));
      if (this.cancelled || errors.length) {
        const finished = settled.reduce((n, s, i) => n + (s.status !== 'fulfilled' ? 0 : i === 0 ? 1 + (s.value as { more: BatchRun[] }).more.length : weight[i]!), 0);
        throw new Error(`Monte-Carlo cancelled (${finished} of ${runs} runs had finished)`);
      }
      const { first, more } = (settled[0] as PromiseFulfilledResult<{ first: SimRunOutput; more: BatchRun[] }>).value;
      const rest = [...more, ...settled.slice(1).flatMap((s) => (s as PromiseFulfilledResult<BatchRun[]>).value)];
      const out = assembleMonteCarlo(first, rest, this.workers);
      onProgress?.(1, out.results.evacuationTime ?? scenario.maxTime, out.results.agentsEvacuated);
      return out;
    });
  }

  /** Cancels every worker of the batch; `result` then rejects with "… cancelled …". */
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.stopAll();
  }

  private stopAll(): void {
    for (const w of this.all) void Promise.resolve().then(() => w.cancel()).catch(() => undefined);
  }
}
