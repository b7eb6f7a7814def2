// One big run on two threads (workers/sim/node/slotThread.ts, built to dist/workers/slots.js; npm test builds
// first): both threads take chunks of each step's velocities and moves on shared columns. The results
// must be those of one thread, bit for bit, through runScenario and through `twin simulate`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Scenario, SimulationResults } from '../../common/scenario.js';
import { startSlotThread } from '../../workers/sim/node/slotThread.js';
import { runScenario } from '../../workers/sim/runScenario.js';
import { repoRoot } from '../helpers/twinCli.js';

const slotFile = join(repoRoot, 'dist', 'workers', 'slots.js');
const rect = (x0: number, y0: number, x1: number, y1: number): [number, number][] => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
/** 2 400 people in a 40 × 40 m hall with two 2 m doors (≈ 10 chunks of 256 slots, dense queues at the doors), and a robot. */
const hall = (): Scenario => ({
  name: 'hall', seed: 7, maxTime: 40, dt: 0.1,
  floors: [{ id: 'F0', walkable: [rect(0, 0, 40, 40)], obstacles: [rect(18, 18, 22, 22)] }],
  exits: [{ id: 'W', floor: 'F0', segment: [[0, 19], [0, 21]] }, { id: 'E', floor: 'F0', segment: [[40, 19], [40, 21]] }],
  agentGroups: [{ id: 'G', floor: 'F0', area: rect(2, 2, 38, 38), count: 2400, speed: { dist: 'normal', mean: 1.34, sd: 0.26, min: 0.5, max: 2 }, premovement: { dist: 'uniform', min: 0, max: 5 } }],
  obstaclesMoving: [{ id: 'R1', floor: 'F0', radius: 0.4, speed: 0.8, route: [[5, 5], [35, 5], [35, 35]], loop: true }],
  measurements: { trajectories: true, trajectoryInterval: 2 },
} as Scenario);
const withoutTiming = (r: SimulationResults) => ({ ...r, performance: { agentSteps: r.performance.agentSteps } });

describe('one run on two threads (shared velocities and moves)', () => {
  it('gives the results of one thread, bit for bit (positions every 2 s, exit times, agent-steps)', () => {
    const one = runScenario(hall());
    const two = runScenario(hall(), { slotHelper: (job) => startSlotThread(slotFile, job) });
    expect(one.performance.threads).toBe(1);
    expect(two.performance.threads).toBe(2);
    expect(one.agentsEvacuated).toBeGreaterThan(100); // people reached the doors: the run is not trivial
    expect(one.agentsEvacuated).toBeLessThan(2400); // … and queues formed
    expect(withoutTiming(two)).toEqual(withoutTiming(one));
  }, 120_000);

  it('twin simulate runs one run of 2 400 people on two threads by default, with the results of --workers 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'twin-velocity-'));
    const file = join(dir, 'hall.json');
    writeFileSync(file, JSON.stringify(hall()));
    const run = (...extra: string[]) => {
      const out = join(dir, `out${extra.join('')}.json`);
      const r = spawnSync(process.execPath, ['bin/twin.js', 'simulate', file, '--out', out, ...extra], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(readFileSync(out, 'utf8')) as SimulationResults;
    };
    const two = run(), one = run('--workers', '1');
    expect(two.performance.threads).toBe(2);
    expect(one.performance.threads).toBe(1);
    expect(withoutTiming(two)).toEqual(withoutTiming(one));
  }, 180_000);
});
