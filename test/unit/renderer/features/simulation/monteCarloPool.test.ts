import { describe, it, expect } from 'vitest';
import type { Scenario } from '../../../../../common/scenario.js';
import { SimWorkerService, type BatchRun } from '../../../../../workers/sim/SimWorkerService.js';
import { extraWorkerCount, MonteCarloBatch, partitionSeeds, singleRunThreads, type MonteCarloWorker } from '../../../../../renderer/features/simulation/monteCarloPool.js';

/** A 10 m × 6 m room with one 1.2 m exit in the east wall and `count` people in its west half. */
const room = (count = 10, maxTime = 120): Scenario => ({
  name: 'room', seed: 7, maxTime,
  floors: [{ id: 'F0', walkable: [[[0, 0], [10, 0], [10, 6], [0, 6]]] }],
  exits: [{ id: 'east', floor: 'F0', segment: [[10, 2.4], [10, 3.6]] }],
  agentGroups: [{ id: 'g', floor: 'F0', area: [[0.5, 0.5], [5, 0.5], [5, 5.5], [0.5, 5.5]], count }],
});

/** 600 people behind a 0.8 m exit in a 40 m × 20 m hall: over a second per run, even warm. */
const hall = (): Scenario => {
  const big = room(600, 900);
  big.floors[0]!.walkable = [[[0, 0], [40, 0], [40, 20], [0, 20]]];
  big.exits = [{ id: 'east', floor: 'F0', segment: [[40, 9.6], [40, 10.4]] }];
  big.agentGroups[0]!.area = [[0.5, 0.5], [20, 0.5], [20, 19.5], [0.5, 19.5]];
  return big;
};

const svc = () => new SimWorkerService('unused/');

/** Forwards to a service and records how its calls ended ('ok' or the rejection message). */
function watched(w: SimWorkerService): { worker: SimWorkerService; outcomes: string[] } {
  const outcomes: string[] = [];
  const note = <T>(p: Promise<T>): Promise<T> => { p.then(() => outcomes.push('ok'), (e: Error) => outcomes.push(e.message)); return p; };
  const worker = Object.create(w) as SimWorkerService;
  worker.run = (...a) => note(w.run(...a));
  worker.runBatch = (...a) => note(w.runBatch(...a));
  return { worker, outcomes };
}

describe('partitionSeeds / extraWorkerCount', () => {
  it('splits seeds seed+1 … seed+N−1 into contiguous, non-empty slices of near-equal size', () => {
    expect(partitionSeeds(1, 10, 4)).toEqual([[2, 3, 4], [5, 6], [7, 8], [9, 10]]);
    expect(partitionSeeds(5, 3, 4)).toEqual([[6], [7]]);
    expect(partitionSeeds(1, 1, 4)).toEqual([]);
    expect(partitionSeeds(0, 4, 1)).toEqual([[1, 2, 3]]);
  });

  it('uses hardwareConcurrency − 1 extra workers, between 1 and 4', () => {
    expect([undefined, 1, 2, 3, 5, 16].map(extraWorkerCount)).toEqual([1, 1, 1, 2, 4, 4]);
    // a single run: a second thread where a core is left beside the page's own (auto), or as asked
    expect([undefined, 1, 2, 3, 4, 16].map((n) => singleRunThreads('auto', n))).toEqual([1, 1, 1, 1, 2, 2]);
    expect([singleRunThreads(2, 2), singleRunThreads(1, 16)]).toEqual([2, 1]);
  });
});

describe('MonteCarloBatch (in-thread SimWorkerService instances as workers)', () => {
  it('gives the same runs, summary, first run and track as run(runs = N) in one worker', async () => {
    const seq = await svc().run(JSON.stringify(room()), { runs: 5, seed: 3 });
    const progress: number[] = [];
    const batch = new MonteCarloBatch(room(), { runs: 5, seed: 3 }, svc(), [svc(), svc()], (f) => progress.push(f));
    expect(batch.workers).toBe(3);
    const pooled = await batch.result;
    expect(pooled.results.runs).toEqual(seq.results.runs);
    expect(pooled.results.runs.map((r) => r.seed)).toEqual([3, 4, 5, 6, 7]);
    expect(new Set(pooled.results.runs.map((r) => r.evacuationTime)).size).toBeGreaterThan(1); // the seeds differ
    expect(pooled.results.summary).toEqual(seq.results.summary);
    expect(pooled.results.performance.agentSteps).toBe(seq.results.performance.agentSteps);
    expect(pooled.results.evacuationTime).toBe(seq.results.evacuationTime);
    expect(pooled.results.agents).toEqual(seq.results.agents);
    expect(pooled.track.frames).toBe(seq.track.frames);
    expect(Array.from(pooled.track.x)).toEqual(Array.from(seq.track.x));
    expect(pooled.workers).toBe(3);
    // progress over all runs: within [0, 1], never going back, ending at 1
    expect(progress.length).toBeGreaterThan(5);
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1]!);
    expect(progress.every((f) => f >= 0 && f <= 1)).toBe(true);
    expect(progress.at(-1)).toBe(1);
  });

  it('counts every worker\'s runs in the progress: run 0 plus the primary\'s own slice is 2/N until the extra reports', async () => {
    const progress: number[] = [];
    const slowExtra: MonteCarloWorker = {
      runBatch: (json, seeds, onProgress) => new Promise<BatchRun[]>((resolve) => setTimeout(() => { onProgress(1, 0, 0); resolve(seeds.map((seed) => ({ seed, evacuationTime: 10, agentsEvacuated: 10, agentSteps: 100, wallSeconds: 0.5 }))); }, 1500)),
      cancel: () => undefined,
    };
    const out = await new MonteCarloBatch(room(), { runs: 4, seed: 1 }, svc(), [slowExtra], (f) => progress.push(f)).result;
    // seeds 2–3 go to the extra, seed 4 to the primary after run 0: progress passed 1/4 (run 0), reached
    // 2/4 (its slice) long before the slow extra reported, and stayed there until it did
    expect(progress.filter((f) => Math.abs(f - 0.25) < 1e-12).length).toBeGreaterThanOrEqual(1);
    expect(progress.filter((f) => Math.abs(f - 0.5) < 1e-12).length).toBeGreaterThanOrEqual(1);
    expect(progress.filter((f) => f > 0.5 && f < 1)).toEqual([]);
    expect(out.results.runs.map((r) => r.seed)).toEqual([1, 2, 3, 4]);
    expect(out.results.summary.runs).toBe(4);
  });

  it('cancel() stops every worker: the batch rejects with "cancelled" and the workers can run again', async () => {
    const services = [svc(), svc(), svc()];
    const ws = services.map(watched);
    let batch: MonteCarloBatch | null = null;
    batch = new MonteCarloBatch(hall(), { runs: 6, seed: 1 }, ws[0]!.worker, [ws[1]!.worker, ws[2]!.worker], (f) => { if (f > 0.005) batch?.cancel(); });
    await expect(batch.result).rejects.toThrow(/^Monte-Carlo cancelled \(0 of 6 runs had finished\)$/);
    // every worker stopped in its first run, at the next step
    expect(ws.map((w) => w.outcomes.length === 1 && /cancelled/.test(w.outcomes[0]!))).toEqual([true, true, true]);
    expect(services.map((w) => w.status)).toEqual(['idle', 'idle', 'idle']);
    const again = await new MonteCarloBatch(room(5), { runs: 3, seed: 1 }, services[0]!, services.slice(1)).result;
    expect(again.results.runs.map((r) => r.agentsEvacuated)).toEqual([5, 5, 5]);
  });

  it('a failing worker rejects the batch naming the worker, its seeds and the problem; the others stop', async () => {
    const primary = watched(svc()), extra = watched(svc());
    const failing: MonteCarloWorker = {
      runBatch: () => new Promise((_, reject) => setTimeout(() => reject(new Error('out of memory')), 300)),
      cancel: () => undefined,
    };
    const batch = new MonteCarloBatch(hall(), { runs: 5, seed: 1 }, primary.worker, [extra.worker, failing]);
    await expect(batch.result).rejects.toThrow('Monte-Carlo worker 3 of 3 (seed 4): out of memory');
    expect([primary.outcomes, extra.outcomes].map((o) => o.length === 1 && /cancelled/.test(o[0]!))).toEqual([true, true]);
    expect([primary.worker.status, extra.worker.status]).toEqual(['idle', 'idle']);
  });

  it('a bad scenario rejects with the scenario error itself, naming the field', async () => {
    const bad = { ...room(), exits: [{ id: 'e', floor: 'F0', segment: [[1, 1]] }] } as unknown as Scenario;
    await expect(new MonteCarloBatch(bad, { runs: 3, seed: 1 }, svc(), [svc(), svc()]).result).rejects.toThrow(/^exits\[0\]\.segment/);
  });
});
