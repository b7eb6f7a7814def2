// `npm run bench sim`: people-flow engine speed. Figures:
//  1. agent-steps/s on one core at 1 000, 10 000, 50 000 agents (room at ~0.8 P/m², four 4 m exits),
//     against the peer @recast-navigation DetourCrowd on the same room, same agents, same dt, same run;
//  2. wall time to evacuate 10 000 occupants from samples/testbed-complex.ifc (stopped after 300 s);
//  3. Monte-Carlo worker-pool scaling: `twin simulate --runs 8` (3 000 agents, ~2 s of compute per run) with 1 vs 2 workers,
//     against the machine's ceiling: the same runs as two independent one-thread processes side by side.
// SIM_BENCH_RATES_ONLY=1 runs figure 1 alone.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { init, Crowd } from '@recast-navigation/core';
import { generateSoloNavMesh } from '@recast-navigation/generators';
import type { Scenario } from '../../common/scenario';
import { NavMap } from '../../workers/nav/NavMap';
import { Simulation } from '../../workers/sim/Simulation';
import { runScenario } from '../../workers/sim/runScenario';
import { startSlotThread } from '../../workers/sim/node/slotThread';
import type { SlotJob } from '../../workers/sim/slotStages';

const rect = (x0: number, y0: number, x1: number, y1: number): [number, number][] => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
/** CPU seconds of this process (user + system): figures stay meaningful on a loaded shared machine. */
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
const fmt = (v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : `${(v / 1e3).toFixed(0)} k`);

function room(n: number): Scenario {
  const side = Math.ceil(Math.sqrt(n / 0.8));
  const m = side / 2;
  return { seed: 1, maxTime: 10_000, cellSize: 0.25, floors: [{ id: 'F0', walkable: [rect(0, 0, side, side)] }],
    exits: [{ id: 'S', floor: 'F0', segment: [[m - 2, 0], [m + 2, 0]] }, { id: 'N', floor: 'F0', segment: [[m - 2, side], [m + 2, side]] },
      { id: 'W', floor: 'F0', segment: [[0, m - 2], [0, m + 2]] }, { id: 'E', floor: 'F0', segment: [[side, m - 2], [side, m + 2]] }],
    agentGroups: [{ id: 'G', floor: 'F0', area: rect(0.5, 0.5, side - 0.5, side - 0.5), count: n }] };
}

/**
 * Rounds per size: each round is a fresh Simulation (and a fresh Crowd) from the same starts, 3 untimed steps, then the
 * timed steps. A round at 10 000 agents takes ~0.3 s of CPU, and this shared machine's speed drifts by tens of percent
 * within seconds, so one round can land on a slow or a fast patch: the figure is the median over rounds, with the range.
 */
const ROUNDS = 5, PEER_ROUNDS = 3;
/** `npm run bench` runs node with --expose-gc: a collection before each timed window (a no-op without the flag). */
const gc = (globalThis as { gc?: () => void }).gc;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const spread = (xs: number[]) => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`;

console.log(`sim bench: agent-steps/s on one core (room at 0.8 P/m², dt 0.05 s; median of ${ROUNDS} rounds, DetourCrowd ${PEER_ROUNDS}; CPU range in brackets)`);
await init();
const rows: string[][] = [['agents', 'twin CFSM /s (wall | CPU)', 'DetourCrowd /s (wall | CPU)', 'ratio (CPU)', 'nav build']];
/** CPU-time agent-steps/s per size (CPU time: the figure holds on a shared, loaded machine). */
const perCpu = new Map<number, number>();
for (const n of [1_000, 10_000, 50_000]) {
  const s = room(n);
  const t0 = performance.now();
  const nav = NavMap.build(s);
  const navMs = performance.now() - t0;
  const steps = n <= 1000 ? 300 : n <= 10_000 ? 60 : 15;
  const oursWall: number[] = [], oursCpus: number[] = [];
  let sim = new Simulation(s, nav, 1);
  for (let round = 0; round < ROUNDS; round++) {
    if (round > 0) sim = new Simulation(s, nav, 1);
    for (let i = 0; i < 3; i++) sim.step(); // warm-up
    gc?.(); // the previous round's simulation is garbage: its collection is not this round's cost
    const s0 = sim.agentSteps, t1 = performance.now(), c1 = cpu();
    for (let i = 0; i < steps; i++) sim.step();
    const c = cpu() - c1, w = performance.now() - t1;
    oursWall.push(((sim.agentSteps - s0) / w) * 1000);
    oursCpus.push((sim.agentSteps - s0) / c);
  }
  const ours = median(oursWall), oursCpu = median(oursCpus);
  perCpu.set(n, oursCpu);
  const peerWall: number[] = [], peerCpus: number[] = [];
  if (n <= 10_000) {
    // The same room as two triangles (y up in Recast), agents at the same starts, each sent to its nearest exit.
    const side = Math.ceil(Math.sqrt(n / 0.8)), m = side / 2;
    const { navMesh, success } = generateSoloNavMesh([0, 0, 0, side, 0, 0, side, 0, side, 0, 0, side], [0, 2, 1, 0, 3, 2],
      { cs: 0.25, ch: 0.2, walkableRadius: 1, maxVertsPerPoly: 6 });
    if (success && navMesh) {
      const exits = [[m, 0], [m, side], [0, m], [side, m]] as const;
      for (let round = 0; round < PEER_ROUNDS; round++) {
        const crowd = new Crowd(navMesh, { maxAgents: n, maxAgentRadius: 0.3 });
        for (let i = 0; i < n; i++) {
          const x = sim.startX[i]!, z = sim.startY[i]!;
          const agent = crowd.addAgent({ x, y: 0, z }, { radius: 0.2, height: 1.8, maxSpeed: sim.v0[i]!, maxAcceleration: 8, collisionQueryRange: 2, pathOptimizationRange: 10, separationWeight: 2 });
          const e = exits.reduce((b, p) => (Math.hypot(p[0] - x, p[1] - z) < Math.hypot(b[0] - x, b[1] - z) ? p : b));
          agent.requestMoveTarget({ x: e[0], y: 0, z: e[1] });
        }
        for (let i = 0; i < 3; i++) crowd.update(0.05);
        gc?.();
        const t2 = performance.now(), c2 = cpu();
        for (let i = 0; i < steps; i++) crowd.update(0.05);
        peerWall.push(((n * steps) / (performance.now() - t2)) * 1000);
        peerCpus.push((n * steps) / (cpu() - c2));
        crowd.destroy();
      }
      navMesh.destroy();
    }
  }
  const peer = peerWall.length ? median(peerWall) : NaN, peerCpu = peerCpus.length ? median(peerCpus) : NaN;
  rows.push([String(n), `${fmt(ours)} | ${fmt(oursCpu)} (${spread(oursCpus)})`,
    Number.isNaN(peer) ? 'n/a (not run at this size)' : `${fmt(peer)} | ${fmt(peerCpu)} (${spread(peerCpus)})`,
    Number.isNaN(peer) ? '' : `${(oursCpu / peerCpu).toFixed(2)}×`, `${navMs.toFixed(0)} ms`]);
}
for (const r of rows) console.log(r.map((c, i) => c.padEnd(i === 0 ? 8 : i < 3 ? 38 : 14)).join(''));
const at10k = perCpu.get(10_000)!, at50k = perCpu.get(50_000)!, at1k = perCpu.get(1_000)!;
console.log(`agent-steps/s at 10 000 (one core, CPU time): ${fmt(at10k)} (target ≥ 2 M) ${at10k >= 2e6 ? 'PASS' : 'FAIL'}`);
console.log(`cost growth 10 000 → 50 000: per-agent-step rate ${(at50k / at10k).toFixed(2)}× of 10k's (target ≥ 0.75, near-linear) ${at50k / at10k >= 0.75 ? 'PASS' : 'FAIL'}` +
  `; 1 000: ${(at1k / at10k).toFixed(2)}× of 10k's`);

const ratesOnly = process.env.SIM_BENCH_RATES_ONLY === '1';
/** Wall-clock limit of the evacuation run, s (it takes ~150 s on this machine). */
const LIMIT_S = 300;
const ifc = 'samples/testbed-complex.ifc';
if (ratesOnly) console.log('SIM_BENCH_RATES_ONLY=1: evacuation and pool figures skipped');
else if (existsSync(ifc)) {
  const { loadIfcStructure } = await import('../../main/cli/commands/ifc');
  const { buildingToScenario, totalExitWidth } = await import('../../workers/ifc/structure/toScenario');
  const t0 = performance.now();
  // maxTime 6 000 s: 10 000 people need more than the default 1 200 s to leave this building (see the bound below).
  const scenario = buildingToScenario((await loadIfcStructure(ifc, 'bench')).structure, { occupants: 10_000, seed: 1, maxTime: 6_000 });
  const deadline = performance.now() + LIMIT_S * 1000;
  let last = { f: 0, ev: 0 }, stopped = false;
  // On both cores, as `twin simulate` runs one run of ≥ 2 000 people: a second thread computes half of each
  // step's velocities and moves (same results as one thread). SIM_BENCH_EVAC_THREADS=1: this thread alone.
  const threads = process.env.SIM_BENCH_EVAC_THREADS === '1' ? 1 : 2;
  const slotFile = join(dirname(fileURLToPath(import.meta.url)), '..', 'workers', 'slots.js');
  const helper = threads === 2 && existsSync(slotFile) ? { slotHelper: (job: SlotJob) => startSlotThread(slotFile, job) } : {};
  const r = runScenario({ ...scenario, dt: 0.1 }, { ...helper, shouldStop: () => (stopped = performance.now() > deadline), onProgress: (f, ev) => { last = { f, ev }; } });
  const wall = (performance.now() - t0) / 1000;
  console.log(`testbed-complex.ifc, 10 000 occupants (dt 0.1 s, ${'slotHelper' in helper ? '2 threads' : '1 thread'}): ${r.agentsEvacuated}/${r.agentsTotal} out, evacuation time ${r.evacuationTime ?? 'n/a'} s, ` +
    `wall ${wall.toFixed(1)} s (target ≤ 30 s) ${r.evacuationTime !== null && wall <= 30 ? 'PASS' : 'FAIL'}` +
    `${stopped ? `, stopped at the ${LIMIT_S} s bench limit (sim t ≈ ${(last.f * scenario.maxTime).toFixed(0)} s)` : ''}; ${fmt(r.performance.agentStepsPerSecond)} agent-steps/s, ${(r.performance.agentSteps / 1e6).toFixed(0)} M agent-steps`);
  // Physics bound: the exits pass at most q = 1.3 P/(m·s) × their width, so the run takes ≥ N / q s of simulated time.
  // Its agent-steps (people walking; not those waiting to start or on a flight) would take steps / 2 M s even at the
  // target rate; with the outflow at the exits' capacity from the start they fall as 1 / q, so exits that much wider.
  const exitWidth = totalExitWidth(scenario.exits);
  const q = 1.3 * exitWidth, minSim = 10_000 / q, atTarget = r.performance.agentSteps / 2e6;
  console.log(`  physics bound: ${exitWidth.toFixed(1)} m of exits pass ≤ ${q.toFixed(1)} P/s → ≥ ${minSim.toFixed(0)} s simulated; ` +
    `this run's ${(r.performance.agentSteps / 1e6).toFixed(0)} M agent-steps take ${atTarget.toFixed(0)} s even at 2 M agent-steps/s` +
    `${!stopped && atTarget > 30 ? `: the 30 s target needs a building that empties ≈ ${(atTarget / 30).toFixed(1)}× faster (that much more exit and stair width)` : ''}`);
} else console.log(`${ifc} missing: run npm run samples`);

// Pool scaling: 8 Monte-Carlo runs of 3 000 people in the room (≈ 80 s simulated, ~2 s of compute each, so
// process and thread start-up and the per-worker map build are a small share, as in real batches) on 1 and 2 compute threads.
// The machine's own ceiling, measured beside it: the same 8 runs as two independent processes of 4 runs on one thread each,
// side by side. No pool can scale better than two programs that share nothing; this VM's two vCPUs give ~1.5×, not 2×.
const dir = mkdtempSync(join(tmpdir(), 'sim-bench-'));
const file = join(dir, 'room.json');
writeFileSync(file, JSON.stringify({ ...room(3000), maxTime: 600 }));
const simulate = (runs: number, workers: number, out: string) =>
  spawn(process.execPath, ['bin/twin.js', 'simulate', file, '--runs', String(runs), '--workers', String(workers), '--out', join(dir, out)], { stdio: ['ignore', 'ignore', 'pipe'] });
/** Wall time of the given processes run side by side, s; null if one failed (its standard error is printed). */
async function sideBySide(...procs: ChildProcess[]): Promise<number | null> {
  const t0 = performance.now();
  const codes = await Promise.all(procs.map((p) => new Promise<{ code: number | null; err: string }>((res) => {
    let err = '';
    p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => res({ code, err }));
  })));
  const bad = codes.find((c) => c.code !== 0);
  if (bad) { console.log(`worker pool run failed: ${bad.err.trim()}`); return null; }
  return (performance.now() - t0) / 1000;
}
if (!ratesOnly) {
  const one = await sideBySide(simulate(8, 1, 'one.json'));
  const pool2 = one === null ? null : await sideBySide(simulate(8, 2, 'pool.json'));
  const apart = pool2 === null ? null : await sideBySide(simulate(4, 1, 'a.json'), simulate(4, 1, 'b.json'));
  if (one !== null && pool2 !== null && apart !== null) {
    const speedup = one / pool2, ceiling = one / apart, share = speedup / ceiling;
    console.log(`--runs 8 (3 000 agents): 1 thread ${one.toFixed(1)} s, 2 threads ${pool2.toFixed(1)} s, speed-up ${speedup.toFixed(2)}×; ` +
      `this machine's ceiling (two independent processes of 4 runs side by side, ${apart.toFixed(1)} s) ${ceiling.toFixed(2)}×; ` +
      `the pool reaches ${(share * 100).toFixed(0)} % of it (target ≥ 90 %) ${share >= 0.9 ? 'PASS' : 'FAIL'}`);
  }
}
rmSync(dir, { recursive: true, force: true });
