/**
 * Testbed benchmark (one core, one process):
 *  1. simulator: build time, simulated seconds per real second (the most `speed` a machine can
 *     sustain) and records/s at the default load (60 units, 2 000 tags, 400 beacons) and a light
 *     one (200 tags), beside the peer: JSON.stringify of the same records (the least any
 *     publisher must spend on them).
 *  2. renderer CPU per frame for 10 000 moving entities (target ≤ 4 ms): decode + store apply
 *     (renderer/stores/entitiesStore, DOM-free) + 3D instance & plan column sync of the changed
 *     slots (EntityTable.dirty) + per-render glide/matrix
 *     write, (a) with all 10 000 changed in one frame (in the hub's stable row order, 1 % with a
 *     new task; (a') in a new order every frame, so no id table repeats) and (b) at the testbed rhythm (1 Hz reports,
 *     a delta frame per 30 Hz rendered frame) and (c) at 10 Hz reports; beside the peer: the usual three.js way (an
 *     Object3D per entity: position/rotation set, updateMatrix, setMatrixAt). The WebGL draw
 *     itself (GPU upload, draw calls) is not measured here: there is no GPU in Node.
 * Run: npm run bench testbed   (BENCH_SIM_S=60 sets the simulated span of part 1)
 */
import * as THREE from 'three';
import type { TelemetryRecord } from '../../common/records.js';
import { decodeTelemetryFrame, encodeTelemetryFrame, type FrameEntity } from '../../common/telemetryFrame.js';
import { TestbedSimulator } from '../../main/sources/testbed/TestbedSimulator.js';
import { EntityMarkers3D } from '../../renderer/features/entities/EntityMarkers3D.js';
import { EntityPlanLayers } from '../../renderer/features/entities/EntityPlanLayers.js';
import { applyFrameView, EntityTable, PeopleTable } from '../../renderer/stores/entitiesStore.js';

const SIM_S = Number(process.env.BENCH_SIM_S ?? 60);
const T0 = Date.UTC(2026, 10, 25, 0, 0, 0);
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/**
 * CPU time of this process, ms (getrusage): the bench machine may be shared, and wall time would
 * count the time this process waits for a core. "One core" figures are CPU budgets.
 */
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** `minSpeed`: the real-time factor the load must sustain on one core (×1 = keeps up live). */
function simulate(label: string, tags: number, minSpeed: number): void {
  let t = cpuNow();
  const sim = new TestbedSimulator({ seed: 7, tags, start: T0 });
  const buildMs = cpuNow() - t;
  sim.step(10); // warm-up
  const all: TelemetryRecord[][] = [];
  t = cpuNow();
  let n = 0;
  for (let s = 0; s < SIM_S; s++) { const r = sim.step(1); n += r.length; all.push(r); }
  const simMs = cpuNow() - t;
  t = cpuNow();
  let bytes = 0;
  for (const batch of all) for (const r of batch) bytes += JSON.stringify(r.record).length;
  const jsonMs = cpuNow() - t;
  const speed = (SIM_S * 1000) / simMs;
  console.log(`  ${label}: build ${fmt(buildMs)} ms; ${fmt(SIM_S)} sim s in ${fmt(simMs)} ms → ×${fmt(speed, 1)} real time max; ${fmt(n / SIM_S)} records per sim s (${fmt((n * 1000) / simMs)} records/s of CPU), ${fmt(bytes / SIM_S / 1024)} KiB JSON per sim s`);
  console.log(`    peer JSON.stringify of the same records: ${fmt(jsonMs)} ms → simulating costs ${fmt(simMs / jsonMs, 2)}× serialising`);
  console.log(`    target ≥ ×${minSpeed} real time: ${speed >= minSpeed ? 'met' : 'NOT met'}`);
}

console.log(`1. simulator (${SIM_S} simulated s, seed 7; CPU time)`);
// Default load must run live (×1) on one core; a light load fast enough for the documented
// `twin testbed --speed 10` example.
simulate('default load, 60 units + 2 000 tags + 400 beacons', 2000, 1);
simulate('light load, 60 units + 200 tags', 200, 10);

// 2. Renderer: 10 000 entities moving (CPU time, as part 1).
const N = 10_000, FRAMES = 60, WARM = 10, RENDER_HZ = 30;
const entityRow = (i: number, f: number): FrameEntity => {
  const a = (i * 0.37 + f * 0.05) % (2 * Math.PI);
  return { id: `robot-${i}`, kind: i % 50 === 0 ? 'bus' : 'robot', type: 'delivery', floor: `${1 + (i % 3)}F`, t: T0 + f * 1000, x: 50 + 40 * Math.cos(a) + (i % 97), y: 20 + 15 * Math.sin(a), heading: (a * 180) / Math.PI, speed: 1, battery: 0.5 + (i % 50) / 100, state: 'moving', task: (i + f) % 100 === 0 ? `deliver ${f}` : null, error: null, stale: false }; // 1 % get a new task per record
};
// (a) every entity changed in every telemetry frame (the worst case: 10 000 at 30 Hz-ish bursts).
const frames: ArrayBuffer[] = [];
for (let f = 0; f < FRAMES; f++) {
  const entities: FrameEntity[] = [];
  for (let i = 0; i < N; i++) entities.push(entityRow(i, f));
  frames.push(encodeTelemetryFrame({ time: T0 + f * 1000, full: f === 0, entities, positions: [], counts: [] }).buffer as ArrayBuffer);
}
// (a') the same, but every frame lists the entities in another order, so no frame repeats the
// previous string table (the decoder's table memo misses and every id is looked up again).
const shuffled: ArrayBuffer[] = [];
for (let f = 0; f < FRAMES; f++) {
  const entities: FrameEntity[] = [];
  const shift = (f * 3_137) % N;
  for (let j = 0; j < N; j++) entities.push(entityRow((j + shift) % N, 2 * FRAMES + f)); // after (b) and (c), which run first
  shuffled.push(encodeTelemetryFrame({ time: T0 + (2 * FRAMES + f) * 1000, full: false, entities, positions: [], counts: [] }).buffer as ArrayBuffer);
}
// (b) the testbed's rhythm: 10 000 entities reporting at 1 Hz, the hub sending a delta frame per
// rendered frame, so each frame carries 1/30 of them.
/** Delta frames for entities reporting at `hz`: each 30 Hz frame carries N·hz/30 of them. */
function deltaFrames(hz: number, firstRecord: number): ArrayBuffer[] {
  const framesPerCycle = RENDER_HZ / hz;
  const per = Math.ceil(N / framesPerCycle);
  const out: ArrayBuffer[] = [];
  for (let f = 0; f < FRAMES; f++) {
    const entities: FrameEntity[] = [];
    const from = (f % framesPerCycle) * per;
    for (let i = from; i < Math.min(N, from + per); i++) entities.push(entityRow(i, firstRecord + Math.floor(f / framesPerCycle)));
    out.push(encodeTelemetryFrame({ time: T0 + f * 33, full: false, entities, positions: [], counts: [] }).buffer as ArrayBuffer);
  }
  return out;
}
const PER_DELTA = Math.ceil(N / RENDER_HZ);
const deltas = deltaFrames(1, FRAMES);
// (c) a faster fleet: 10 000 reporting at 10 Hz, a third of them in each rendered frame.
const deltas10 = deltaFrames(10, FRAMES + 10);
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const table = new EntityTable(), people = new PeopleTable();
const markers = new EntityMarkers3D(table, people);
const plan = new EntityPlanLayers(table, people, () => {});
const scene = { floor: null, storeys: [], selected: -1, hovered: -1 };
const cost = { decode: [] as number[], apply: [] as number[], sync: [] as number[], update: [] as number[] };
let firstFrameMs = 0;
/** Decode + apply + 3D sync of one telemetry frame, then one rendered frame's glide; ms per step. */
function renderFrame(buf: ArrayBuffer, record: boolean): number {
  let t = cpuNow();
  const view = decodeTelemetryFrame(buf, 0);
  const a = cpuNow() - t; t = cpuNow();
  applyFrameView(view, table, people);
  const b = cpuNow() - t; t = cpuNow();
  // Only the frame's changed slots (table.dirty), as the entities feature does: 3D, then plan.
  markers.sync(scene);
  plan.sync(null, -1);
  table.clearDirty();
  const c = cpuNow() - t; t = cpuNow();
  markers.update(1000 / RENDER_HZ, scene);
  const d = cpuNow() - t;
  if (record) { cost.decode.push(a); cost.apply.push(b); cost.sync.push(c); cost.update.push(d); }
  return a + b + c + d;
}
for (let f = 0; f < FRAMES; f++) {
  const ms = renderFrame(frames[f]!, f >= WARM);
  if (f === 0) firstFrameMs = ms;
}
const all = { decode: median(cost.decode), apply: median(cost.apply), sync: median(cost.sync), update: median(cost.update) };
const storeMs = all.decode + all.apply;
const fullMs = storeMs + all.sync + all.update;
for (const k of Object.keys(cost) as (keyof typeof cost)[]) cost[k] = [];
for (let f = 0; f < FRAMES; f++) renderFrame(deltas[f]!, f >= WARM);
const perRendered = median(cost.decode) + median(cost.apply) + median(cost.sync) + median(cost.update);
for (const k of Object.keys(cost) as (keyof typeof cost)[]) cost[k] = [];
for (let f = 0; f < FRAMES; f++) renderFrame(deltas10[f]!, f >= WARM);
const perRendered10 = median(cost.decode) + median(cost.apply) + median(cost.sync) + median(cost.update);
for (const k of Object.keys(cost) as (keyof typeof cost)[]) cost[k] = [];
for (let f = 0; f < FRAMES; f++) renderFrame(shuffled[f]!, f >= WARM);
const miss = { decode: median(cost.decode), apply: median(cost.apply), sync: median(cost.sync), update: median(cost.update) };
const missMs = miss.decode + miss.apply + miss.sync + miss.update;
// Peer: an Object3D per entity, matrices composed by three.js.
const mesh = new THREE.InstancedMesh(new THREE.BoxGeometry(), new THREE.MeshBasicMaterial(), N);
const objs = Array.from({ length: N }, () => new THREE.Object3D());
const peer: number[] = [];
for (let f = 0; f < FRAMES; f++) {
  const view = decodeTelemetryFrame(frames[f]!, 0);
  const t = cpuNow();
  const e = view.entities;
  for (let i = 0; i < e.count; i++) {
    const o = objs[i]!;
    o.position.set(e.x[i]!, 4 * (i % 3), -e.y[i]!);
    o.rotation.y = (-e.heading[i]! * Math.PI) / 180;
    o.updateMatrix();
    mesh.setMatrixAt(i, o.matrix);
  }
  mesh.instanceMatrix.needsUpdate = true;
  if (f >= WARM) peer.push(cpuNow() - t);
}
const verdict = (ms: number) => `target ≤ 4 ms: ${ms <= 4 ? 'met' : 'NOT met'}`;
console.log(`2. renderer CPU, ${fmt(N)} moving entities (CPU ms, median of ${FRAMES - WARM} frames after ${WARM} warm-up; 3D markers without the WebGL draw)`);
console.log(`  (a) all ${fmt(N)} changed in one telemetry frame: decode ${fmt(all.decode, 2)} + store apply ${fmt(all.apply, 2)} + 3D & plan sync ${fmt(all.sync, 2)} + glide/matrix write ${fmt(all.update, 2)} ms`);
console.log(`      store apply (decode + entitiesStore)   ${fmt(storeMs, 2)} ms per frame (${verdict(storeMs)})`);
console.log(`      whole renderer path (+ 3D/plan, glide) ${fmt(fullMs, 2)} ms per frame (${verdict(fullMs)})`);
console.log(`  (a') the same with the entities in a new order every frame (no repeated string table): decode ${fmt(miss.decode, 2)} + apply ${fmt(miss.apply, 2)} + sync ${fmt(miss.sync, 2)} + glide ${fmt(miss.update, 2)} = ${fmt(missMs, 2)} ms per frame (${verdict(missMs)})`);
console.log(`  (b) ${fmt(N)} reporting at 1 Hz, a delta frame of ${fmt(PER_DELTA)} per ${RENDER_HZ} Hz rendered frame: ${fmt(perRendered, 2)} ms per rendered frame (${verdict(perRendered)})`);
console.log(`  (c) ${fmt(N)} reporting at 10 Hz, a delta frame of ${fmt(Math.ceil(N / 3))} per rendered frame: ${fmt(perRendered10, 2)} ms per rendered frame (${verdict(perRendered10)})`);
console.log(`  first (full) frame that creates the ${fmt(N)} slots: ${fmt(firstFrameMs, 1)} ms, once per page load`);
console.log(`  peer Object3D per entity (position/rotation/updateMatrix/setMatrixAt): ${fmt(median(peer), 2)} ms per frame → our glide + matrix write ${fmt(all.update / median(peer), 2)}× the peer`);
markers.dispose();
mesh.dispose();
