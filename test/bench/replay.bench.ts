/**
 * Replay benchmark (npm run bench replay). Recordings:
 *  - 1 h written by the fixture writer (the recorder's McapFileWriter, zstd, 1 MiB chunks,
 *    /snapshot keyframes every 10 s): 60 robots + 100 people, 1 Hz each, counts every 10 s;
 *  - the same hour written by the LIVE recorder (McapRecorder: a chunk closed every second,
 *    rotation every 15 min → a folder of 4 files), the shape a live session leaves behind;
 *  - 24 h with the real per-entity record rate but 10 robots + 10 people (a full-load day is
 *    ~10⁹ messages: too long to generate on the 2-core machine; its size is extrapolated from
 *    the bytes per message measured here).
 * Figures per recording: write rate and size; open → first frame; the one-time index pass and
 * heatmap pre-aggregate pass (both background); seek p50/p95 to random times (targets p95 ≤ 50 ms
 * for 1 h, ≤ 100 ms for 24 h); playback at 100× (the 5 s slice each 50 ms tick asks for, p95
 * against the 50 ms tick; over the whole 24 h with peak RSS); heatmap over the whole window
 * (target ≤ 2 s for 24 h; also from a fresh open, the first time and again with the kept pre-aggregates); and the peer, a plain sequential read of the same file
 * (McapStreamReader) in this run. REPLAY_BENCH_HOURS=1 runs only the 1 h recordings, =24 only the day.
 *  - full load: 300 s of the default testbed (60 robots, 2 000 tagged people: a 50-beacon scan and the position computed
 *    from it per person per second) recorded by `twin record` (scans in chunks of their own), and the same messages
 *    rewritten in one chunk stream as recordings were before (the peer): index pass, reading the 300 s as playback
 *    does (no scans), and playback through the pipeline (McapReplaySource → TelemetryPipeline, frames built) asked for
 *    at 100× (target: ≥ 80×, where the timeline stops saying "at N×"). REPLAY_BENCH_FULL=0 skips it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TelemetryRecord } from '../../common/records.js';
import { DEFAULT_SETTINGS } from '../../common/api.js';
import { analyseWindow } from '../../main/analytics/analyseWindow.js';
import { TelemetryPipeline } from '../../main/hub/TelemetryPipeline.js';
import { McapFileWriter } from '../../main/recording/McapFileWriter.js';
import { readMcapFile } from '../../main/recording/McapMessageReader.js';
import { McapRecorder } from '../../main/recording/McapRecorder.js';
import { ALL_BUT_SCANS } from '../../main/replay/decodeRecord.js';
import { McapReplaySource } from '../../main/replay/McapReplaySource.js';
import { setHeatCacheDir } from '../../main/replay/heatBlockCache.js';
import { Recording } from '../../main/replay/Recording.js';
import { writeFixtureRecording, type FixtureInfo } from '../helpers/mcapFixture.js';

const dir = mkdtempSync(join(tmpdir(), 'twin-replay-bench-'));
const pct = (a: number[], p: number) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(p * a.length))]!;
const mib = (b: number) => (b / 1024 / 1024).toFixed(1);
const rows: { figure: string; value: string; target: string; verdict: string }[] = [];
function report(figure: string, value: string, target = '—', ok?: boolean): void {
  const verdict = ok === undefined ? 'info' : ok ? 'OK' : 'MISSED';
  rows.push({ figure, value, target, verdict });
  console.log(`${figure}: ${value}${target !== '—' ? ` (target ${target}) ${verdict}` : ''}`);
}

async function measure(name: string, path: string, info: Pick<FixtureInfo, 'start' | 'end'>, seekTarget: number, opts: { wholeDay?: boolean; heatTarget?: number; peerFile?: string }): Promise<void> {
  let t0 = performance.now();
  const rec = await Recording.open(path);
  await rec.firstFrame();
  report(`${name}: open → first frame`, `${(performance.now() - t0).toFixed(0)} ms`, '≤ 1000 ms', performance.now() - t0 <= 1000);
  t0 = performance.now();
  await rec.ready();
  const indexMs = performance.now() - t0;
  report(`${name}: index pass (once, background; seeks wait for it)`, `${indexMs.toFixed(0)} ms over ${rec.chunks.length} chunks in ${rec.files.length} file(s)`);

  const seeks: number[] = [];
  let s = 12345;
  for (let i = 0; i < 60; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const t = info.start + (s / 2147483648) * (info.end - info.start);
    const q = performance.now();
    await rec.seek(t);
    seeks.push(performance.now() - q);
  }
  report(`${name}: seek p50 (n=60, random times)`, `${pct(seeks, 0.5).toFixed(1)} ms`);
  report(`${name}: seek p95`, `${pct(seeks, 0.95).toFixed(1)} ms`, `≤ ${seekTarget} ms`, pct(seeks, 0.95) <= seekTarget);

  // Playback at 100×: each 50 ms tick reads the next 5 s of record time.
  const span = opts.wholeDay ? info.end - info.start : Math.min(600_000, info.end - info.start);
  const ticks: number[] = [];
  let n = 0;
  let peakRss = process.memoryUsage().rss;
  t0 = performance.now();
  for (let t = info.start; t < info.start + span; t += 5000) {
    const q = performance.now();
    n += (await rec.read(t, t + 5000)).length;
    ticks.push(performance.now() - q);
    if (ticks.length % 200 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const playS = (performance.now() - t0) / 1000;
  const needed = (n / (span / 1000)) * 100;
  report(`${name}: playback 100×, tick read p95 over ${(span / 3_600_000).toFixed(span < 3_600_000 ? 2 : 0)} h (${Math.round(needed)} records/s needed, ${Math.round(n / playS)} read)`, `${pct(ticks, 0.95).toFixed(1)} ms`, '≤ 50 ms (one tick)', pct(ticks, 0.95) <= 50);
  if (opts.wholeDay) report(`${name}: peak RSS while playing the whole day`, `${mib(peakRss)} MiB`, '≤ 1024 MiB', peakRss <= 1024 * 1024 * 1024);

  t0 = performance.now();
  await rec.heatReady();
  const heatPassMs = performance.now() - t0;
  report(`${name}: heatmap pre-aggregate pass (once, background after the index)`, `${heatPassMs.toFixed(0)} ms`);
  t0 = performance.now();
  const heat = await analyseWindow(rec, { what: ['heatmap'] });
  const heatMs = performance.now() - t0;
  report(`${name}: heatmap over the whole window (${heat.heatmap!.length} storeys)`, `${heatMs.toFixed(0)} ms`, opts.heatTarget ? `≤ ${opts.heatTarget} ms` : '—', opts.heatTarget ? heatMs <= opts.heatTarget : undefined);
  t0 = performance.now();
  // The same heatmap with every record decoded (asking for a trail too turns the pre-aggregates off).
  const decoded = await analyseWindow(rec, { what: ['heatmap', 'trails'], trailIds: ['no-such-id'] });
  const decodedMs = performance.now() - t0;
  report(`${name}: the same heatmap decoding every record (previous way)`, `${decodedMs.toFixed(0)} ms; ${(decodedMs / heatMs).toFixed(1)}× the pre-aggregated time; equal: ${JSON.stringify(decoded.heatmap) === JSON.stringify(heat.heatmap)}`);
  const mem = process.memoryUsage();
  report(`${name}: memory after all of the above`, `rss ${mib(mem.rss)} MiB, heap ${mib(mem.heapUsed)} MiB`);
  await rec.close();

  const peer = opts.peerFile ?? path;
  t0 = performance.now();
  let seq = 0;
  for await (const ev of readMcapFile(peer)) if (ev.type === 'message') seq++;
  const seqMs = performance.now() - t0;
  report(`${name}: peer, plain sequential read${opts.peerFile ? ' (one of the files)' : ''}`, `${seqMs.toFixed(0)} ms (${seq} messages); seek p95 = ${((pct(seeks, 0.95) / seqMs) * 100).toFixed(2)}% of it; index pass = ${(indexMs / seqMs).toFixed(2)}× it`);
}

try {
  if (process.env.REPLAY_BENCH_HOURS !== '24') await oneHour();
  if (process.env.REPLAY_BENCH_HOURS !== '1') await oneDay();
  if (process.env.REPLAY_BENCH_FULL !== '0') await fullLoad();
  console.log('\n| figure | value | target | verdict |\n|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.figure} | ${r.value} | ${r.target} | ${r.verdict} |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

async function oneHour(): Promise<void> {
  // ── 1 h, fixture writer; the records are kept to write the same hour with the live recorder.
  const file1 = join(dir, '1h.mcap');
  const bySecond = new Map<number, TelemetryRecord[]>();
  let t0 = performance.now();
  const info1 = await writeFixtureRecording(file1, {
    durationS: 3600, robots: 60, people: 100, snapshots: true,
    onRecord: (r) => {
      const sec = Math.floor(r.record.t / 1000);
      const b = bySecond.get(sec);
      if (b) b.push(r);
      else bySecond.set(sec, [r]);
    },
  });
  let writeS = (performance.now() - t0) / 1000;
  console.log(`\n== 1 h: 60 robots + 100 people, ${info1.messages} messages`);
  report('1 h: size, write rate (fixture writer)', `${mib(info1.bytes)} MiB; ${Math.round(info1.messages / writeS)} msg/s, ${(info1.bytes / 1048576 / writeS).toFixed(1)} MiB/s`);
  const perMessage = info1.bytes / info1.messages;
  await measure('1 h', file1, info1, 50, {});
  rmSync(file1, { force: true });

  // ── the same hour through the live recorder: a chunk per second, rotation every 15 min.
  const liveDir = join(dir, 'live');
  let now = info1.start;
  const recorder = await McapRecorder.create({ target: { dir: liveDir }, metadata: { source: 'bench:' }, flushIntervalMs: 3_600_000, now: () => now });
  t0 = performance.now();
  let liveMessages = 0;
  for (const sec of [...bySecond.keys()].sort((a, b) => a - b)) {
    now = sec * 1000;
    const batch = bySecond.get(sec)!;
    recorder.write(batch, now);
    recorder.flush(); // what the recorder's 1 s timer does in a live session
    liveMessages += batch.length;
  }
  recorder.close();
  bySecond.clear();
  writeS = (performance.now() - t0) / 1000;
  const liveFiles = readdirSync(liveDir).map((f) => join(liveDir, f));
  const liveBytes = liveFiles.reduce((a, f) => a + statSync(f).size, 0);
  console.log(`\n== 1 h written by the live recorder (${liveFiles.length} rotated files)`);
  report('1 h live: size, write rate (McapRecorder, 1 chunk/s)', `${mib(liveBytes)} MiB in ${liveFiles.length} files; ${Math.round(liveMessages / writeS)} msg/s, ${(liveBytes / 1048576 / writeS).toFixed(1)} MiB/s (live needs ${Math.round(liveMessages / 3600)} msg/s)`, '≥ 10× live', liveMessages / writeS >= 10 * (liveMessages / 3600));
  await measure('1 h live', liveDir, info1, 50, { peerFile: liveFiles[0] });
  // 60 robots + 100 people: records/s + snapshots → 24 h at that load, at the bytes per message measured here.
  report('24 h at 60 robots + 100 people (extrapolated)', `${(((info1.messages / 3600) * 86_400 * perMessage) / 1024 ** 3).toFixed(2)} GiB`);
}

async function oneDay(): Promise<void> {
  {
    const file24 = join(dir, '24h.mcap');
    let t0 = performance.now();
    const info24 = await writeFixtureRecording(file24, { durationS: 24 * 3600, robots: 10, people: 10, snapshots: true });
    const writeS = (performance.now() - t0) / 1000;
    console.log(`\n== 24 h: 10 robots + 10 people, ${info24.messages} messages`);
    report('24 h: size, write rate', `${mib(info24.bytes)} MiB; ${Math.round(info24.messages / writeS)} msg/s, ${(info24.bytes / 1048576 / writeS).toFixed(1)} MiB/s`);
    // First open with a heat cache (as in the app): the pass runs and its blocks are written; the next open reads them.
    const heatDir = join(dir, 'heat');
    setHeatCacheDir(heatDir);
    t0 = performance.now();
    const cold = await Recording.open(file24);
    const coldHeat = await analyseWindow(cold, { what: ['heatmap'] });
    report('24 h: open → heatmap, first open (index + pre-aggregate + query)', `${(performance.now() - t0).toFixed(0)} ms`);
    await cold.heatStored();
    await cold.close();
    const entryBytes = readdirSync(heatDir).reduce((a, f) => a + statSync(join(heatDir, f)).size, 0);
    t0 = performance.now();
    const again = await Recording.open(file24);
    const againHeat = await analyseWindow(again, { what: ['heatmap'] });
    const againMs = performance.now() - t0;
    report('24 h: open → heatmap, the same file again (index + kept pre-aggregates + query)', `${againMs.toFixed(0)} ms; kept entry ${mib(entryBytes)} MiB; equal: ${JSON.stringify(againHeat.heatmap) === JSON.stringify(coldHeat.heatmap)}`, '≤ 2000 ms', againMs <= 2000);
    await again.close();
    setHeatCacheDir(null);
    await measure('24 h', file24, info24, 100, { wholeDay: true, heatTarget: 2000 });
    rmSync(file24, { force: true });
  }
}

async function fullLoad(): Promise<void> {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const split = join(dir, 'full.mcap');
  let t0 = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'bin', 'twin.js'), 'record', '--source', 'testbed:?speed=10', '--out', split, '--duration', '300'], { cwd: root, encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) {
    report('full load: twin record', `failed: ${r.stderr.trim().split('\n').pop()}`);
    return;
  }
  console.log(`\n== full load: 300 s of the default testbed, recorded in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  // The peer: the same messages in one chunk stream, a chunk per second of receive time (the live recorder's flush).
  const mixed = join(dir, 'full-mixed.mcap');
  const w = await McapFileWriter.open(mixed, { profile: 'twin' });
  const schemas = new Map<string, number>(), channels = new Map<string, number>();
  let second = -1n;
  for await (const ev of readMcapFile(split)) {
    if (ev.type !== 'message') continue;
    const m = ev.message, ch = m.channel;
    let schemaId = schemas.get(ch.schemaName);
    if (schemaId === undefined) schemas.set(ch.schemaName, (schemaId = w.registerSchema({ name: ch.schemaName, encoding: ch.schemaEncoding, data: new Uint8Array() })));
    let channelId = channels.get(ch.topic);
    if (channelId === undefined) channels.set(ch.topic, (channelId = w.registerChannel({ topic: ch.topic, schemaId, messageEncoding: ch.messageEncoding, metadata: new Map() })));
    const s = m.logTime / 1_000_000_000n;
    if (s !== second && second >= 0n) w.flushChunk();
    second = s;
    w.addMessage({ channelId, sequence: 0, logTime: m.logTime, publishTime: m.publishTime, data: m.data });
  }
  w.close();
  for (const [label, file] of [['full load, scan chunks', split], ['full load, one chunk stream (peer: recordings before)', mixed]] as const) {
    t0 = performance.now();
    const rec = await Recording.open(file);
    await rec.ready();
    const indexMs = performance.now() - t0;
    const { start, end } = rec.range!;
    t0 = performance.now();
    let n = 0;
    for (let t = start - 1; t < end; t += 5000) n += (await rec.read(t, t + 5000, ALL_BUT_SCANS)).length;
    const readMs = performance.now() - t0;
    await rec.heatReady();
    await rec.close();
    report(`${label}: ${mib(statSync(file).size)} MiB; index pass (seeks wait for it)`, `${indexMs.toFixed(0)} ms`);
    report(`${label}: reading the 300 s as playback does (${n} records, no scans)`, `${readMs.toFixed(0)} ms`);
    // Playback asked for at 100× through the pipeline, after the background passes (as a second open with the heat cache would be).
    const source = new McapReplaySource(`file:${file}`, { autoplay: false });
    const pipeline = new TelemetryPipeline({ source, record: null, tickEveryMs: 33, settings: DEFAULT_SETTINGS });
    const frames = setInterval(() => pipeline.hub.tick(), 33);
    await pipeline.start();
    await source.recording!.ready();
    await source.recording!.heatReady();
    for (let i = 0; i < 500 && source.recording!.timeline()?.partial; i++) await new Promise((res) => setTimeout(res, 20));
    source.setSpeed(100);
    t0 = performance.now();
    source.resume();
    while (source.status().state !== 'ended') await new Promise((res) => setTimeout(res, 10));
    const speed = (end - start) / (performance.now() - t0);
    clearInterval(frames);
    await pipeline.stop();
    report(`${label}: playback through the pipeline asked for at 100×`, `${speed.toFixed(0)}×`, '≥ 80×', speed >= 80);
  }
}
