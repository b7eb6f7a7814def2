/**
 * Hub benchmark (one core, one process):
 *  1. hub throughput: records/s through Hub.ingest (latest/history, dedupe, alerts) + a frame per
 *     33 ms worth of records, and through the whole edge (MQTT payload → normalise → hub), beside
 *     the peer: a plain JSON.parse + JSON.stringify pass-through of the same records.
 *  2. recorder throughput (records/s, MB/s into zstd MCAP), CPU share and bytes per hour at the
 *     default testbed load (60 robots + bus, 2 000 tags, 400 beacons; with and without computed
 *     positions), chunks closed every second as live.
 *  3. publish → renderer-store latency p50/p99 at 10 000 records/s through a real mosquitto
 *     broker (the publisher is a separate process so it does not share this event loop): MQTT
 *     source → hub → 33 ms frame → loopback WebSocket → decode → entitiesStore apply.
 * Targets: ≥ 50 000 records/s; p99 ≤ 100 ms; recorder ≤ 10 % of a core and ≤ 2 GB/hour at the
 * default testbed load (our budgets: issue 5 names none).  Run: npm run bench hub
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { WebSocket, WebSocketServer } from 'ws';
import type { TelemetryRecord } from '../../common/records.js';
import { decodeTelemetryFrame } from '../../common/telemetryFrame.js';
import { Hub } from '../../main/hub/Hub.js';
import { McapRecorder } from '../../main/recording/McapRecorder.js';
import { MqttSource } from '../../main/sources/mqtt.js';
import { normaliseMqttMessage } from '../../main/sources/normalise.js';
import { TestbedSimulator } from '../../main/sources/testbed/TestbedSimulator.js';
import { PositioningService } from '../../workers/positioning/PositioningService.js';
import { walkableFromLayout } from '../../workers/positioning/walkableFromLayout.js';
import { applyFrameView, EntityTable, PeopleTable } from '../../renderer/stores/entitiesStore.js';
import { startBroker } from '../helpers/mosquitto.js';

const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);
const N = Number(process.env.BENCH_RECORDS ?? 300_000);
/** BENCH_PARTS=1,3 runs only those parts. */
const PARTS = new Set((process.env.BENCH_PARTS ?? '1,2,3').split(',').map(Number));
const ENTITIES = 2000;
const pct = (a: number[], p: number) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const STATES = ['idle', 'moving', 'charging'] as const;

// Records as a source hands them over (already normalised), and as MQTT payloads.
const records: TelemetryRecord[] = [];
const payloads: { topic: string; text: string }[] = [];
for (let i = 0; i < N; i++) {
  const e = i % ENTITIES;
  const id = `robot-${e}`;
  const r = { id, kind: 'robot', type: 'delivery', t: T0 + Math.floor(i / ENTITIES) * 1000, floor: `${(e % 3) + 1}F`, x: (e * 7) % 120, y: (i % 97) * 0.3, heading: i % 360, speed: 0.8, battery: 0.2 + (e % 80) / 100, state: STATES[e % 3]!, task: `deliver ${e % 40}`, error: null };
  records.push({ kind: 'state', record: r });
  payloads.push({ topic: `testbed/state/robot/${id}`, text: JSON.stringify(r) });
}

/** CPU time of this process, ms: "on one core" is a CPU budget, and the bench machine may be shared. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** Best of `runs` of `fn`, by CPU ms (fn returns nothing; its CPU time is measured around it). */
function bestOf(runs: number, fn: () => void): number {
  let best = Infinity;
  for (let k = 0; k < runs; k++) {
    const c0 = cpuMs();
    fn();
    best = Math.min(best, cpuMs() - c0);
  }
  return best;
}

if (PARTS.has(1)) {
console.log(`\n1. hub throughput (${fmt(N)} state records, ${ENTITIES} entities, one core; records per CPU second, best of 3)`);
const FRAME_EVERY = 1650; // records per 33 ms frame at 50 000 records/s
const hubMs = bestOf(3, () => {
  const hub = new Hub();
  let frames = 0;
  hub.onFrame(() => frames++);
  hub.onRecords(() => {});
  // Wall time advances 33 ms per frame's worth of records (50 000 records/s).
  for (let i = 0, f = 0; i < N; i += FRAME_EVERY, f++) {
    hub.ingest(records.slice(i, i + FRAME_EVERY), T0 + f * 33);
    hub.tick(T0 + f * 33);
  }
  if (frames === 0) throw new Error('no frames');
});
const edgeMs = bestOf(2, () => {
  const hub = new Hub();
  hub.onFrame(() => {});
  let batch: TelemetryRecord[] = [];
  for (let i = 0; i < N; i++) {
    const p = payloads[i]!;
    const n = normaliseMqttMessage(p.topic, p.text, 'testbed', 'bench', T0);
    batch.push(...n.records);
    if (batch.length >= FRAME_EVERY) {
      const wall = T0 + Math.floor(i / FRAME_EVERY) * 33;
      hub.ingest(batch, wall);
      hub.tick(wall);
      batch = [];
    }
  }
  hub.ingest(batch, T0);
});
const peerMs = bestOf(3, () => {
  let bytes = 0;
  for (let i = 0; i < N; i++) bytes += JSON.stringify(JSON.parse(payloads[i]!.text)).length;
  if (bytes === 0) throw new Error('nothing');
});
const hubRate = N / (hubMs / 1000);
console.log(`   hub.ingest + frames          ${fmt(hubRate).padStart(12)} records/s   (target ≥ 50,000: ${hubRate >= 50_000 ? 'met' : 'NOT met'})`);
const edgeRate = N / (edgeMs / 1000);
console.log(`   MQTT payload → zod → hub     ${fmt(edgeRate).padStart(12)} records/s   (target ≥ 50,000: ${edgeRate >= 50_000 ? 'met' : 'NOT met'})`);
console.log(`   peer JSON.parse+stringify    ${fmt(N / (peerMs / 1000)).padStart(12)} records/s`);
console.log(`   ratio hub / peer ${(peerMs / hubMs).toFixed(2)}×, edge / peer ${(peerMs / edgeMs).toFixed(2)}×`);
}

console.log('\n2. recorder (zstd MCAP, a chunk closed every wall second as live)');
if (PARTS.has(2)) {
const dir = mkdtempSync(join(tmpdir(), 'twin-bench-'));
{
  const file = join(dir, 'throughput.mcap');
  const rec = await McapRecorder.create({ target: { file }, metadata: { source: 'bench' } });
  const c0 = cpuMs();
  const t = performance.now();
  for (let i = 0; i < N; i += 1000) rec.write(records.slice(i, i + 1000), T0 + i);
  rec.close();
  const ms = performance.now() - t;
  const cpu = cpuMs() - c0;
  const bytes = statSync(file).size;
  const rate = N / (cpu / 1000);
  // The recorder must keep up with the hub's own target rate on one core.
  console.log(`   throughput: ${fmt(rate)} records/s per CPU s (${fmt(N / (ms / 1000))}/s wall), ${((bytes / 1e6) / (ms / 1000)).toFixed(1)} MB/s written, ${(bytes / N).toFixed(1)} bytes/record on disk (target ≥ 50,000/s, the hub target: ${rate >= 50_000 ? 'met' : 'NOT met'})`);
}
for (const withPositions of [false, true]) {
  const SIM_S = withPositions ? 30 : 60;
  // Simulate (and position) first: only the recorder's own work is timed.
  const sim = new TestbedSimulator({ seed: 7, start: T0 });
  const positioner = withPositions ? new PositioningService(sim.beacons(), { walkable: walkableFromLayout(sim.layout) }) : null;
  const seconds: TelemetryRecord[][] = [];
  let n = 0;
  for (let s = 0; s < SIM_S; s++) {
    const batch = sim.step(1);
    if (positioner) {
      const scans = batch.flatMap((r) => (r.kind === 'scan' ? [r.record] : []));
      for (const p of positioner.processBatch(scans)) batch.push({ kind: 'position', record: p });
    }
    seconds.push(batch);
    n += batch.length;
  }
  positioner?.dispose();
  const file = join(dir, `testbed-${withPositions}.mcap`);
  const rec = await McapRecorder.create({ target: { file }, metadata: { source: 'testbed:' } });
  const c0 = cpuMs();
  for (let s = 0; s < SIM_S; s++) {
    rec.write(seconds[s]!, T0 + s * 1000);
    rec.flush(); // live, the 1 s timer closes a chunk per second: the same chunking, so the same bytes
  }
  rec.close();
  const cpu = cpuMs() - c0;
  const bytes = statSync(file).size;
  const share = (100 * cpu) / (SIM_S * 1000);
  const gbh = ((bytes / SIM_S) * 3600) / 1e9;
  const label = withPositions ? 'default testbed load + computed positions' : 'default testbed load (60 units, 2 000 tags, 400 beacons)';
  console.log(`   ${label}: ${fmt(n / SIM_S)} records/s`);
  // Targets of our own (issue 5 asks for the figures, names no bound): the recorder stays a
  // small share of one core, and an hour fits a 2 GB budget (a rotated 15-min file ≤ 500 MB).
  console.log(`     recorder CPU share ${share.toFixed(1)} % of one core (${fmt((n / cpu) * 1000)} records/s per CPU s) (target ≤ 10 %: ${share <= 10 ? 'met' : 'NOT met'})`);
  console.log(`     MCAP ${(bytes / n).toFixed(1)} bytes/record → ${gbh.toFixed(2)} GB/hour (target ≤ 2 GB/hour: ${gbh <= 2 ? 'met' : 'NOT met'})`);
}
rmSync(dir, { recursive: true, force: true });
}

console.log('\n3. publish → renderer store latency through mosquitto at 10 000 records/s');
if (PARTS.has(3)) {
  const RATE = 10_000;
  const SECONDS = 6;
  const broker = await startBroker();
  const source = new MqttSource(`${broker.url}/bench`);
  const hub = new Hub();
  // The renderer side: frames travel over a loopback WebSocket (as `twin serve` sends them to a
  // page), are decoded and applied to the renderer's entity store (renderer/stores/entitiesStore).
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const sockets = new Set<WebSocket>();
  wss.on('connection', (ws) => {
    sockets.add(ws);
    hub.requestFullFrame();
  });
  hub.onFrame((frame) => {
    for (const ws of sockets) ws.send(frame);
  });
  const table = new EntityTable();
  const people = new PeopleTable();
  /** Send time of each published record, by `id t` (each is unique in the stream). */
  const sentAt = new Map<string, number>();
  const hubLat: number[] = [];
  const storeLat: number[] = [];
  let received = 0;
  const page = new WebSocket(`ws://127.0.0.1:${(wss.address() as { port: number }).port}`);
  page.binaryType = 'arraybuffer';
  await new Promise<void>((r) => page.once('open', () => r()));
  page.on('message', (data: ArrayBuffer) => {
    const view = decodeTelemetryFrame(data, 0);
    applyFrameView(view, table, people);
    const now = Date.now();
    const e = view.entities;
    for (let i = 0; i < e.count; i++) {
      const key = `${view.strings[e.id[i]!]} ${e.t[i]}`;
      const sent = sentAt.get(key);
      if (sent === undefined) continue;
      sentAt.delete(key);
      storeLat.push(now - sent);
    }
  });
  await source.start({
    onBatch: (b) => {
      const now = Date.now();
      hub.ingest(b, now);
      for (const r of b) {
        if (r.kind !== 'state') continue;
        received++;
        const sent = (r.record as { sentAt?: number }).sentAt;
        if (typeof sent !== 'number' || r.record.t <= T0 + 1000) continue; // skip the first second (warm-up)
        hubLat.push(now - sent);
        sentAt.set(`${r.record.id} ${r.record.t}`, sent);
      }
    },
    onStatus: () => {},
  });
  // Peer: a bare mqtt.js subscriber in this same process (same event loop, same CPU share): the
  // least any MQTT consumer here can do. Its latency is the floor the machine sets.
  const peerLat: number[] = [];
  const bare = mqtt.connect(broker.url);
  await new Promise<void>((r) => bare.once('connect', () => bare.subscribe('bench/#', () => r())));
  bare.on('message', (_topic, payload) => {
    const now = Date.now();
    const m = /"t":(\d+).*"sentAt":(\d+)/.exec(payload.toString());
    if (m && Number(m[1]) > T0 + 1000) peerLat.push(now - Number(m[2]));
  });
  const ticker = setInterval(() => hub.tick(), 33);
  while (source.status().state !== 'live') await new Promise((r) => setTimeout(r, 20));
  const c0 = cpuMs();
  const w0 = performance.now();
  // The publisher: its own process, 100 records every 10 ms, each stamped with its send time.
  const script = `
    const mqtt = require('mqtt');
    const c = mqtt.connect(${JSON.stringify(broker.url)});
    c.on('connect', () => {
      const start = Date.now(); let i = 0;
      const timer = setInterval(() => {
        const due = Math.min(${RATE * SECONDS}, Math.floor((Date.now() - start) * ${RATE} / 1000));
        for (; i < due; i++) {
          const id = 'robot-' + (i % 500);
          c.publish('bench/state/robot/' + id, JSON.stringify({ id, kind: 'robot', t: ${T0} + Math.floor(i / 500) * 50, x: i % 100, y: 1, speed: 1, state: 'moving', sentAt: Date.now() }));
        }
        if (i >= ${RATE * SECONDS}) { clearInterval(timer); c.end(false, {}, () => process.exit(0)); }
      }, 10);
    });`;
  const pub = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: 'inherit' });
  await new Promise((r) => pub.once('exit', r));
  await new Promise((r) => setTimeout(r, 1000));
  const share = (100 * (cpuMs() - c0)) / (performance.now() - w0);
  clearInterval(ticker);
  await bare.endAsync();
  page.close();
  wss.close();
  await source.stop();
  await broker.stop();
  const p99 = pct(storeLat, 99);
  console.log(`   ${fmt(received)} of ${fmt(RATE * SECONDS)} received; ${fmt(storeLat.length)} of ${fmt(hubLat.length)} measured records reached the store (the rest were superseded within a frame)`);
  console.log(`   publish → hub ingest     p50 ${pct(hubLat, 50)} ms, p99 ${pct(hubLat, 99)} ms`);
  console.log(`   publish → renderer store p50 ${pct(storeLat, 50)} ms, p99 ${p99} ms, max ${Math.max(...storeLat)} ms (target p99 ≤ 100 ms: ${p99 <= 100 ? 'met' : 'NOT met'})`);
  console.log(`   peer: bare mqtt.js subscriber in this process p50 ${pct(peerLat, 50)} ms, p99 ${pct(peerLat, 99)} ms → ours adds ${pct(storeLat, 50) - pct(peerLat, 50)} ms at p50, ${p99 - pct(peerLat, 99)} ms at p99`);
  console.log(`   this process (source + hub + page) used ${share.toFixed(0)} % of one core; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores — on a loaded machine the queue grows while it waits for CPU`);
  console.log('   (includes the source\'s 20 ms batching window and the hub\'s 33 ms frame tick; publisher and broker run beside it)');
}
process.exit(0);
