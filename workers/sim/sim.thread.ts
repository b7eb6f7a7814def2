/**
 * worker_threads entry for Monte-Carlo batches (built to dist/workers/sim.js): receives
 * `{ scenario, seed, full }` jobs, answers `{ ok: true, results }` or `{ ok: false, error, path }`.
 * Only run i = 0 returns the full per-agent document (`full`); the others return the summary fields.
 */
import { parentPort } from 'node:worker_threads';
import { ScenarioError, type Scenario } from '../../common/scenario.js';
import { NavMap } from '../nav/NavMap.js';
import { runScenario } from './runScenario.js';

export type SimJob = { scenario: Scenario; seed: number; full: boolean };
/** The map of the last scenario seen (jobs of one batch share it). */
let nav: { key: string; map: NavMap } | null = null;

parentPort!.on('message', (job: SimJob) => {
  try {
    const key = JSON.stringify(job.scenario);
    if (!nav || nav.key !== key) nav = { key, map: NavMap.build(job.scenario) };
    const r = runScenario(job.scenario, { seed: job.seed, nav: nav.map });
    if (!job.full) { r.agents = []; r.lines = {}; r.areas = {}; delete r.trajectories; }
    parentPort!.postMessage({ ok: true, results: r });
  } catch (e) {
    parentPort!.postMessage({ ok: false, error: (e as Error).message, path: e instanceof ScenarioError ? e.path : null });
  }
});
