/**
 * Testbed benchmark (one core, one process):
 *  1. simulator: build time, simulated seconds per real second (the most `speed` a machine can
 *     sustain) and records/s at the default load (60 units, 2 000 tags, 400 beacons) and a light
 *     one (200 tags), beside the peer: JSON.stringify of the same records (the least any
 *     publisher must spend on them).
 *  2. renderer apply of 10 000 moving entities per frame: decode + store apply + 3D instance sync
 *     + per-render glide/matrix write, beside the peer: the usual three.js way (an Object3D per
 *     entity: position/rotation set, updateMatrix, setMatrixAt).
 * Run: npm run bench testbed   (BENCH_SIM_S=60 sets the simulated span of part 1)
 */
import * as THREE from 'three';
import type { TelemetryRecord } from '../../common/records.js';
import { decodeTelemetryFrame, encodeTelemetryFrame, type FrameEntity } from '../../common/telemetryFrame.js';
import { TestbedSimulator } from '../../main/sources/testbed/TestbedSimulator.js';
import { EntityMarkers3D } from '../../renderer/features/entities/EntityMarkers3D.js';
import { applyFrameView, EntityTable, PeopleTable } from '../../renderer/stores/entitiesStore.js';

const SIM_S = Number(process.env.BENCH_SIM_S ?? 60);
const T0 = Date.UTC(2026, 10, 25, 0, 0, 0);
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

function simulate(label: string, tags: number): void {
  let t = performance.now();
  const sim = new TestbedSimulator({ seed: 7, tags, start: T0 });
  const buildMs = performance.now() - t;
  sim.step(10); // warm-up
  const all: TelemetryRecord[][] = [];
  t = performance.now();
  let n = 0;
  for (let s = 0; s < SIM_S; s++) { const r = sim.step(1); n += r.length; all.push(r); }
  const simMs = performance.now() - t;
  t = performance.now();
  let bytes = 0;
  for (const batch of all) for (const r of batch) bytes += JSON.stringify(r.record).length;
  const jsonMs = performance.now() - t;
  const speed = (SIM_S * 1000) / simMs;
  console.log(`  ${label}: build ${fmt(buildMs)} ms; ${fmt(SIM_S)} sim s in ${fmt(simMs)} ms → ×${fmt(speed, 1)} real time max; ${fmt(n / SIM_S)} records per sim s (${fmt((n * 1000) / simMs)} records/s of CPU), ${fmt(bytes / SIM_S / 1024)} KiB JSON per sim s`);
  console.log(`    peer JSON.stringify of the same records: ${fmt(jsonMs)} ms → simulating costs ${fmt(simMs / jsonMs, 2)}× serialising`);
}

console.log(`1. simulator (${SIM_S} simulated s, seed 7)`);
simulate('default load, 60 units + 2 000 tags + 400 beacons', 2000);
simulate('light load, 60 units + 200 tags', 200);

// 2. Renderer: 10 000 entities moving every frame.
const N = 10_000, FRAMES = 60;
const frames: ArrayBuffer[] = [];
for (let f = 0; f < FRAMES; f++) {
  const entities: FrameEntity[] = [];
  for (let i = 0; i < N; i++) {
    const a = (i * 0.37 + f * 0.05) % (2 * Math.PI);
    entities.push({ id: `robot-${i}`, kind: i % 50 === 0 ? 'bus' : 'robot', type: 'delivery', floor: `${1 + (i % 3)}F`, t: T0 + f * 1000, x: 50 + 40 * Math.cos(a) + (i % 97), y: 20 + 15 * Math.sin(a), heading: (a * 180) / Math.PI, speed: 1, battery: 0.5 + (i % 50) / 100, state: 'moving', task: null, error: null, stale: false });
  }
  frames.push(encodeTelemetryFrame({ time: T0 + f * 1000, full: f === 0, entities, positions: [], counts: [] }).buffer as ArrayBuffer);
}
const table = new EntityTable(), people = new PeopleTable();
const markers = new EntityMarkers3D(table, people);
const scene = { floor: null, storeys: [], selected: -1, hovered: -1 };
let decodeMs = 0, applyMs = 0, syncMs = 0, updateMs = 0;
for (let f = 0; f < FRAMES; f++) {
  let t = performance.now();
  const view = decodeTelemetryFrame(frames[f]!, 0);
  decodeMs += performance.now() - t; t = performance.now();
  applyFrameView(view, table, people);
  applyMs += performance.now() - t; t = performance.now();
  markers.sync(scene);
  syncMs += performance.now() - t; t = performance.now();
  markers.update(16, scene);
  updateMs += performance.now() - t;
}
// Peer: an Object3D per entity, matrices composed by three.js.
const mesh = new THREE.InstancedMesh(new THREE.BoxGeometry(), new THREE.MeshBasicMaterial(), N);
const objs = Array.from({ length: N }, () => new THREE.Object3D());
let peerMs = 0;
for (let f = 0; f < FRAMES; f++) {
  const view = decodeTelemetryFrame(frames[f]!, 0);
  const t = performance.now();
  const e = view.entities;
  for (let i = 0; i < e.count; i++) {
    const o = objs[i]!;
    o.position.set(e.x[i]!, 4 * (i % 3), -e.y[i]!);
    o.rotation.y = (-e.heading[i]! * Math.PI) / 180;
    o.updateMatrix();
    mesh.setMatrixAt(i, o.matrix);
  }
  mesh.instanceMatrix.needsUpdate = true;
  peerMs += performance.now() - t;
}
const per = (ms: number) => ms / FRAMES;
console.log(`2. renderer, ${fmt(N)} moving entities per frame (${FRAMES} frames)`);
console.log(`  decode ${fmt(per(decodeMs), 2)} ms + store apply ${fmt(per(applyMs), 2)} ms + 3D sync ${fmt(per(syncMs), 2)} ms per telemetry frame; glide + matrix write ${fmt(per(updateMs), 2)} ms per rendered frame`);
console.log(`  peer Object3D per entity (position/rotation/updateMatrix/setMatrixAt): ${fmt(per(peerMs), 2)} ms per frame → ours ${fmt(per(updateMs) / per(peerMs), 2)}× the peer per rendered frame`);
markers.dispose();
mesh.dispose();
