/**
 * Replay benchmark (npm run bench replay): recordings written with the fixture writer (the
 * recorder's McapFileWriter, zstd chunks, /snapshot keyframes every 10 s), then:
 * write rate and size; open + first frame; the one-time index pass; seek latency p50/p95 to
 * random times (targets: p95 ≤ 50 ms for 1 h, ≤ 100 ms for 24 h); playback at 100× (records/s
 * needed vs achieved by the reader); heatmap over the whole window (target ≤ 2 s for 24 h);
 * memory; and the peer: a plain sequential read of the same file (McapStreamReader) in this run.
 *
 * Sizes: 1 h at 60 robots + 100 people (1 Hz each, counts every 10 s); 24 h with the real record
 * rate per entity but 10 robots + 10 people (a full-load 24 h file takes too long to generate on
 * the 2-core machine). REPLAY_BENCH_HOURS=1 runs only the first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyseWindow } from '../../main/analytics/analyseWindow.js';
import { readMcapFile } from '../../main/recording/McapMessageReader.js';
import { Recording } from '../../main/replay/Recording.js';
import { writeFixtureRecording } from '../helpers/mcapFixture.js';

const dir = mkdtempSync(join(tmpdir(), 'twin-replay-bench-'));
const pct = (a: number[], p: number) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(p * a.length))]!;
const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
const cases = [
  { name: '1 h', hours: 1, robots: 60, people: 100, target: 50 },
  { name: '24 h', hours: 24, robots: 10, people: 10, target: 100 },
].filter((c) => process.env.REPLAY_BENCH_HOURS !== '1' || c.hours === 1);

try {
  for (const c of cases) {
    const file = join(dir, `${c.hours}h.mcap`);
    let t0 = performance.now();
    const info = await writeFixtureRecording(file, { durationS: c.hours * 3600, robots: c.robots, people: c.people, snapshots: true });
    const writeS = (performance.now() - t0) / 1000;
    console.log(`\n== ${c.name}: ${c.robots} robots + ${c.people} people, ${info.messages} messages, ${mb(info.bytes)} MiB; written at ${Math.round(info.messages / writeS)} msg/s (${(info.bytes / 1024 / 1024 / writeS).toFixed(1)} MiB/s, ${writeS.toFixed(1)} s)`);

    t0 = performance.now();
    const rec = await Recording.open(file);
    await rec.firstFrame();
    const openMs = performance.now() - t0;
    t0 = performance.now();
    await rec.ready();
    const indexMs = performance.now() - t0;
    console.log(`open + first frame: ${openMs.toFixed(1)} ms; index pass (once, background): ${indexMs.toFixed(0)} ms over ${rec.chunks.length} chunks`);

    const seeks: number[] = [];
    let s = 12345;
    for (let i = 0; i < 60; i++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      const t = info.start + (s / 2147483648) * (info.end - info.start);
      const q = performance.now();
      await rec.seek(t);
      seeks.push(performance.now() - q);
    }
    console.log(`seek to random times (n=60): p50 ${pct(seeks, 0.5).toFixed(1)} ms, p95 ${pct(seeks, 0.95).toFixed(1)} ms (target p95 ≤ ${c.target} ms) ${pct(seeks, 0.95) <= c.target ? 'OK' : 'MISSED'}`);

    // Playback at 100×: read 10 min of record time in 5 s slices (what 50 ms ticks ask for).
    const span = Math.min(600_000, info.end - info.start);
    let n = 0;
    t0 = performance.now();
    for (let t = info.start; t < info.start + span; t += 5000) n += (await rec.read(t, t + 5000)).length;
    const playS = (performance.now() - t0) / 1000;
    const needed = (n / (span / 1000)) * 100;
    console.log(`playback 100×: needs ${Math.round(needed)} records/s, reader achieves ${Math.round(n / playS)} records/s (${(n / playS / needed).toFixed(1)}× headroom)`);

    t0 = performance.now();
    const heat = await analyseWindow(rec, { what: ['heatmap'] });
    console.log(`heatmap over the whole ${c.name} window: ${(performance.now() - t0).toFixed(0)} ms (${heat.heatmap!.length} storeys)${c.hours === 24 ? ' (target ≤ 2000 ms)' : ''}`);
    const mem = process.memoryUsage();
    console.log(`memory after index + playback + heatmap: rss ${mb(mem.rss)} MiB, heap ${mb(mem.heapUsed)} MiB (file ${mb(info.bytes)} MiB)`);
    await rec.close();

    t0 = performance.now();
    let seq = 0;
    for await (const ev of readMcapFile(file)) if (ev.type === 'message') seq++;
    const seqMs = performance.now() - t0;
    console.log(`peer: plain sequential read of the whole file: ${seqMs.toFixed(0)} ms (${seq} messages); one seek p95 = ${((pct(seeks, 0.95) / seqMs) * 100).toFixed(2)}% of it; the index pass = ${(indexMs / seqMs).toFixed(2)}× it`);
    rmSync(file, { force: true });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
