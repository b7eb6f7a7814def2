import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TelemetryRecord } from '../../../../common/records.js';
import { TwinState, type SnapshotRecord } from '../../../../main/recording/snapshots.js';
import { Recording, type Timeline } from '../../../../main/replay/Recording.js';
import { setHeatCacheDir } from '../../../../main/replay/heatBlockCache.js';
import { DensityHeatmap } from '../../../../main/analytics/DensityHeatmap.js';
import { analyseWindow } from '../../../../main/analytics/analyseWindow.js';
import { McapChunkFile, McapOpenError } from '../../../../main/replay/McapChunkFile.js';
import { ALL_BUT_SCANS } from '../../../../main/replay/decodeRecord.js';
import { McapRecorder } from '../../../../main/recording/McapRecorder.js';
import { writeFixtureRecording, writeForeignMcap, type FixtureInfo } from '../../../helpers/mcapFixture.js';

const dir = mkdtempSync(join(tmpdir(), 'twin-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Brute force: fold every written record with t ≤ T, from the start. */
function truthAt(records: readonly TelemetryRecord[], t: number): SnapshotRecord {
  const st = new TwinState();
  for (const r of records) if (r.record.t <= t) st.apply(r);
  return st.snapshot(t);
}
const byKey = <R,>(rows: R[], key: (r: R) => string) => Object.fromEntries(rows.map((r) => [key(r), r]));
function expectSameTwin(actual: SnapshotRecord, expected: SnapshotRecord): void {
  expect(byKey(actual.states, (r) => r.id)).toEqual(byKey(expected.states, (r) => r.id));
  expect(byKey(actual.positions, (r) => r.id)).toEqual(byKey(expected.positions, (r) => r.id));
  expect(byKey(actual.counts, (r) => r.zone)).toEqual(byKey(expected.counts, (r) => r.zone));
  expect(byKey(actual.alerts, (r) => r.id)).toEqual(byKey(expected.alerts, (r) => r.id));
}

function randomTimes(info: FixtureInfo, n: number, seed: number): number[] {
  let s = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out.push(Math.round(info.start - 500 + (s / 2147483648) * (info.end - info.start + 1000)));
  }
  return out;
}

describe.each([
  { name: 'with recorded /snapshot keyframes', snapshots: true },
  { name: 'without snapshots (keyframes built in the index pass)', snapshots: false },
])('Recording seek $name', ({ snapshots }) => {
  const records: TelemetryRecord[] = [];
  let info: FixtureInfo;
  let rec: Recording;
  const file = join(dir, `seek-${snapshots}.mcap`);
  beforeAll(async () => {
    info = await writeFixtureRecording(file, { durationS: 300, robots: 8, people: 30, snapshots, chunkSize: 32 * 1024, onRecord: (r) => records.push(r) });
    rec = await Recording.open(file);
    await rec.ready();
  });
  afterAll(() => rec.close());

  it('shows every entity at random moments exactly as a sequential scan from the start does', async () => {
    expect(rec.chunks.length).toBeGreaterThan(10);
    expect(rec.hasRecordedSnapshots).toBe(snapshots);
    for (const t of randomTimes(info, 25, snapshots ? 1 : 2)) {
      expectSameTwin(await rec.seek(t), truthAt(records, t));
    }
  });

  it('heatmap from the per-chunk pre-aggregates equals feeding every record from the start, for any window', async () => {
    await rec.heatReady();
    // Pre-aggregate blocks: consecutive chunks, ≥ 2 min of record time each, covering every chunk.
    const blocks = [];
    for (let c = 0; c < rec.chunks.length; c++) {
      const b = rec.heatBlock(c);
      expect(b, `chunk ${c} starts a block`).toBeDefined();
      blocks.push(b!);
      c = b!.last;
    }
    expect(blocks.length).toBeGreaterThan(1);
    expect(blocks[0]!.maxPub - blocks[0]!.minPub).toBeGreaterThanOrEqual(120_000);
    const b1 = blocks[1]!;
    const used = vi.spyOn(DensityHeatmap.prototype, 'addPartial');
    for (const [from, to] of [[info.start, info.end], [info.start + 37_300, info.start + 211_700], [b1.minPub - 700, b1.maxPub + 300]] as const) {
      const fast = await analyseWindow(rec, { what: ['heatmap'], from, to });
      const truth = new DensityHeatmap({ from, to });
      for (const r of records) {
        if (r.record.t > to) continue;
        if (r.kind === 'position' || (r.kind === 'state' && r.record.kind === 'person')) truth.add(r.record);
      }
      const expected = truth.result();
      expect(fast.heatmap!.map((h) => h.floor)).toEqual(expected.map((h) => h.floor));
      fast.heatmap!.forEach((h, i) => {
        expect(h.personSeconds).toBeCloseTo(expected[i]!.personSeconds, 3);
        expect(h.density.length).toBe(expected[i]!.density.length);
        h.density.forEach((d, j) => expect(d).toBeCloseTo(expected[i]!.density[j]!, 9));
      });
      expect(fast.heatmap![0]!.personSeconds).toBeGreaterThan(0);
    }
    expect(used).toHaveBeenCalled(); // the blocks stood in for their records
    used.mockRestore();
  });

  it('seeks at exact record times, before the start and after the end', async () => {
    const someT = records[Math.floor(records.length / 2)]!.record.t;
    for (const t of [someT, someT - 1, info.start - 1, info.end + 60_000]) expectSameTwin(await rec.seek(t), truthAt(records, t));
    expect((await rec.seek(info.start - 1)).states).toEqual([]);
  });

  it('reads a time window in time order with every record in it', async () => {
    const from = info.start + 42_000;
    const to = info.start + 47_500;
    const got = await rec.read(from, to);
    const want = records.filter((r) => r.record.t > from && r.record.t <= to);
    expect(got.length).toBe(want.length);
    expect(got.map((r) => r.record.t)).toEqual([...want.map((r) => r.record.t)].sort((a, b) => a - b));
  });

  it('gives a timeline with message rate, people and the alerts raised', () => {
    const tl = rec.timeline(60)!;
    expect(tl.start).toBe(records.reduce((m, r) => Math.min(m, r.record.t), Infinity));
    expect(tl.peopleBasis).toBe('zone counts');
    expect(Math.max(...tl.people.map((p) => p ?? 0))).toBe(30);
    expect(Math.round(tl.rate.reduce((a, b) => a + b, 0) * (tl.bucketMs / 1000))).toBeGreaterThanOrEqual(records.length);
    expect(tl.alerts.length).toBe(records.filter((r) => r.kind === 'alert' && r.record.active).length);
    // 1 s buckets while counts come every 10 s: the people line holds its value, no gaps to zero.
    const fine = rec.timeline(1000)!;
    expect(fine.bucketMs).toBe(1000);
    expect(fine.people.slice(fine.people.findIndex((p) => p !== null)).every((p) => p !== null && p > 0)).toBe(true);
  });
});

describe('Recording: damaged, foreign and rotated files', () => {
  it('opens a file cut off by a crash with everything before the damage and says what was lost', async () => {
    const records: TelemetryRecord[] = [];
    const full = join(dir, 'full.mcap');
    const info = await writeFixtureRecording(full, { durationS: 200, robots: 5, people: 10, snapshots: true, chunkSize: 16 * 1024, onRecord: (r) => records.push(r) });
    const cut = join(dir, 'cut.mcap');
    const bytes = readFileSync(full);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const rec = await Recording.open(cut);
    await rec.ready();
    expect(rec.files[0]!.mode).toBe('sequential');
    expect(rec.notices.join('\n')).toMatch(/was cut short \(.*\): its first [\d.]+ MiB of [\d.]+ MiB replay; the last \d+ KiB could not be read$/);
    const range = rec.range!;
    expect(range.start).toBe(info.start + 10);
    expect(range.end).toBeLessThan(info.end);
    expect(range.end).toBeGreaterThan(info.start + 60_000);
    // Everything before the damage is there, exactly.
    for (const t of [info.start + 30_000, range.end - 5000, range.end]) expectSameTwin(await rec.seek(t), truthAt(records, t));
    await rec.close();
  });

  it('rejects a file that is not MCAP with a message naming it', async () => {
    const bad = join(dir, 'bad.mcap');
    writeFileSync(bad, 'this is not mcap at all');
    await expect(Recording.open(bad)).rejects.toThrow(McapOpenError);
    await expect(Recording.open(bad)).rejects.toThrow(/bad\.mcap: not an MCAP file/);
  });

  it.each([true, false])('opens a foreign recording (chunked: %s), lists and ignores unknown channels', async (chunked) => {
    const f = join(dir, `foreign-${chunked}.mcap`);
    const { positions } = await writeForeignMcap(f, { chunked, seconds: 20 });
    const rec = await Recording.open(f);
    await rec.ready();
    expect(rec.unknownChannels.map((c) => `${c.topic} ${c.messageEncoding}`).sort()).toEqual(['/camera/info protobuf', '/tf cdr']);
    const all = await rec.read(-Infinity, Infinity);
    expect(all.length).toBe(positions);
    expect(all.every((r) => r.kind === 'position')).toBe(true);
    const snap = await rec.seek(rec.range!.start + 10_500);
    expect(snap.positions.map((p) => [p.id, p.x]).sort()).toEqual([['dev-0', 10], ['dev-1', 11], ['dev-2', 12]]);
    expect(rec.timeline()!.peopleBasis).toBe('positioned ids');
    await rec.close();
  });

  it('reads a folder of rotated files as one continuous timeline across the boundary', async () => {
    const folder = join(dir, 'rotated');
    mkdirSync(folder);
    const records: TelemetryRecord[] = [];
    const start = Date.parse('2026-11-24T09:00:00Z');
    const a = await writeFixtureRecording(join(folder, 'twin-20261124-090000.mcap'), { start, durationS: 60, robots: 4, people: 6, snapshots: true, onRecord: (r) => records.push(r) });
    await writeFixtureRecording(join(folder, 'twin-20261124-090101.mcap'), { start: a.end + 50, durationS: 60, robots: 4, people: 6, snapshots: true, seed: 7, onRecord: (r) => records.push(r) });
    const rec = await Recording.open(folder);
    await rec.ready();
    expect(rec.files.length).toBe(2);
    expect(rec.range!.start).toBe(start + 10);
    for (const t of [a.end - 100, a.end + 20, a.end + 3000, a.end + 59_000]) expectSameTwin(await rec.seek(t), truthAt(records, t));
    const across = await rec.read(a.end - 2000, a.end + 2000);
    expect(across.length).toBe(records.filter((r) => r.record.t > a.end - 2000 && r.record.t <= a.end + 2000).length);
    expect(rec.notices).toEqual([]); // one source
    await rec.close();
  });

  it('says so when a folder holds recordings of different sources (their entities would merge by id)', async () => {
    // QA: a 30× testbed and then an MQTT broker recorded into one folder; twin export merged bus-01 of both.
    const folder = join(dir, 'two-sources');
    mkdirSync(folder);
    const start = Date.parse('2026-11-24T09:00:00Z');
    const a = await writeFixtureRecording(join(folder, 'twin-20261124-090000.mcap'), { start, durationS: 30, robots: 2, people: 2, source: 'testbed:?speed=30' });
    await writeFixtureRecording(join(folder, 'twin-20261124-090101.mcap'), { start: a.end + 50, durationS: 30, robots: 2, people: 2, source: 'mqtt://127.0.0.1:1883/testbed' });
    const rec = await Recording.open(folder);
    expect(rec.notices).toEqual([`${folder}: recordings of 2 sources, read as one timeline (entities with the same id merged): testbed:?speed=30 (1 file), mqtt://127.0.0.1:1883/testbed (1 file); keep each source's files in a folder of their own`]);
    await rec.close();
  });
});

describe('Recording: heatmap pre-aggregates kept in the heat cache', () => {
  const cacheDir = join(dir, 'heat-cache');
  const file = join(dir, 'heat-cache.mcap');
  let info: FixtureInfo;
  const open = async () => {
    const rec = await Recording.open(file);
    await rec.heatReady();
    return rec;
  };
  const wholeDay = async (rec: Recording) => (await analyseWindow(rec, { what: ['heatmap'], from: info.start, to: info.end })).heatmap!;
  beforeAll(async () => {
    info = await writeFixtureRecording(file, { durationS: 300, robots: 4, people: 20, chunkSize: 32 * 1024 });
    setHeatCacheDir(cacheDir);
  });
  afterAll(() => setHeatCacheDir(null));

  it('writes them after the pass and reuses them on the next open of the same file; a changed or damaged entry is rebuilt', async () => {
    const first = await open();
    await first.heatStored();
    const entries = readdirSync(cacheDir).filter((n) => n.endsWith('.json'));
    expect(entries).toHaveLength(1);
    const fresh = await wholeDay(first);
    await first.close();
    expect(fresh[0]!.personSeconds).toBeGreaterThan(0);

    // The next open takes the blocks from the entry: doubling every stored person-ms doubles the heatmap,
    // which only happens if the pass did not run again.
    const entry = join(cacheDir, entries[0]!);
    const stored = JSON.parse(readFileSync(entry, 'utf8')) as { blocks: { cells: [string, number[]][] }[] };
    for (const b of stored.blocks) for (const [, flat] of b.cells) for (let i = 1; i < flat.length; i += 2) flat[i]! *= 2;
    writeFileSync(entry, JSON.stringify(stored));
    const second = await open();
    const fromCache = await wholeDay(second);
    await second.close();
    expect(fromCache[0]!.personSeconds).toBeGreaterThan(1.5 * fresh[0]!.personSeconds);

    // A damaged entry reads as none: the pass runs, the heatmap is right, and the entry is replaced.
    writeFileSync(entry, '{"format":1,"chunks":');
    const third = await open();
    await third.heatStored();
    expect((await wholeDay(third))[0]!.personSeconds).toBeCloseTo(fresh[0]!.personSeconds, 6);
    await third.close();
    expect(() => JSON.parse(readFileSync(entry, 'utf8'))).not.toThrow();

    // The same path with other contents (size and time change) does not match the old entry.
    await writeFixtureRecording(file, { durationS: 200, robots: 4, people: 5, chunkSize: 32 * 1024, seed: 3 });
    const changed = await open();
    await changed.heatStored();
    expect(readdirSync(cacheDir).filter((n) => n.endsWith('.json'))).toHaveLength(2);
    await changed.close();
  });

  it('the live review (files still being written) keeps nothing', async () => {
    const before = existsSync(cacheDir) ? readdirSync(cacheDir).length : 0;
    const rec = await Recording.openFiles('live', [file]);
    await rec.heatReady();
    await rec.heatStored();
    await rec.close();
    expect(existsSync(cacheDir) ? readdirSync(cacheDir).length : 0).toBe(before);
  });
});

describe("Recording: the recorder's scan chunks (McapFileWriter ownChunks)", () => {
  const T0 = Date.UTC(2026, 11, 6, 9);
  const beacons = Array.from({ length: 30 }, (_, b) => `b-${String(b).padStart(3, '0')}`);
  /**
   * 200 s of 20 tags (a scan of 30 beacons and the position computed from it, 1 Hz) and 3 robots, written by the
   * recorder, which closes its chunks every 5 s. The first second holds scans only, in chunks of their own.
   */
  async function scansAndPositions(file: string): Promise<TelemetryRecord[]> {
    const rec = await McapRecorder.create({ target: { file }, metadata: { source: 'mqtt://x' } });
    const written: TelemetryRecord[] = [];
    for (let s = 0; s < 200; s++) {
      const t = T0 + 1000 * s;
      const batch: TelemetryRecord[] = [];
      if (s > 0) for (let k = 0; k < 3; k++) batch.push({ kind: 'state', record: { id: `robot-${k}`, kind: 'robot', t, floor: '1F', x: s / 10 + k, y: k } });
      for (let d = 0; d < 20; d++) {
        batch.push({ kind: 'scan', record: { device: `tag-${d}`, t, rssi: Object.fromEntries(beacons.map((b, i) => [b, -50 - ((i + d + s) % 40)])) } });
        if (s > 0) batch.push({ kind: 'position', record: { id: `tag-${d}`, t, floor: '1F', x: d, y: (s % 30) + 0.5 } });
      }
      rec.write(batch, t);
      written.push(...batch);
      if (s === 0 || s % 5 === 4) rec.flush();
    }
    rec.close();
    return written;
  }
  const file = join(dir, 'scan-chunks.mcap');
  let written: TelemetryRecord[] = [];
  beforeAll(async () => {
    written = await scansAndPositions(file);
  });
  /** Chunks of the recording holding scans only, by the channel sets the file gives (McapChunkFile). */
  function scanChunks(rec: Recording): Set<number> {
    const out = new Set<number>();
    rec.chunks.forEach((e, c) => {
      const ref = e.file.chunks[e.index]!;
      if (ref.kind === 'file' && ref.channels && [...ref.channels].every((ch) => e.file.channels.get(ch)?.topic === '/scan')) out.add(c);
    });
    return out;
  }

  it('plays and seeks without decompressing a scan chunk, and the records are all there', async () => {
    const rec = await Recording.open(file);
    const scans = scanChunks(rec);
    expect(scans.size).toBeGreaterThanOrEqual(40); // one per 5 s, and the first second's
    expect(scans.size).toBeLessThan(rec.chunks.length);
    const read = vi.spyOn(McapChunkFile.prototype, 'readChunk');
    // The first frame: the first chunk holds scans only, and the robots are in the next.
    expect(scans.has(0)).toBe(true);
    const first = await rec.firstFrame();
    expect(first.states.map((s) => s.id).sort()).toEqual(['robot-0', 'robot-1', 'robot-2']);
    // Playback as the replay source reads it (no index pass yet: every chunk overlaps), and a seek after the index pass.
    const played = await rec.read(T0 - 1, T0 + 200_000, ALL_BUT_SCANS);
    const decoded = read.mock.calls.map(([i]) => i);
    expect(decoded.filter((i) => scans.has(i))).toEqual([]);
    expect(played).toEqual(written.filter((r) => r.kind !== 'scan'));
    await rec.ready();
    expectSameTwin(await rec.seek(T0 + 123_400), truthAt(written, T0 + 123_400));
    // Scans are still there for whoever asks for them.
    expect((await rec.read(T0 + 9_999, T0 + 10_000, new Set(['scan']))).map((r) => r.kind)).toEqual(new Array(20).fill('scan'));
    read.mockRestore();
    await rec.close();
  });

  it('is ready for seeks before its scan chunks are read; a second pass adds them to the message rate', async () => {
    const rec = await Recording.open(file);
    const scans = scanChunks(rec);
    const read = vi.spyOn(McapChunkFile.prototype, 'readChunk');
    await rec.ready();
    expect(read.mock.calls.map(([i]) => i).filter((i) => scans.has(i))).toEqual([]);
    read.mockRestore();
    const early = rec.timeline(200)!;
    expect(early.partial).toBe(true);
    expectSameTwin(await rec.seek(T0 + 77_700), truthAt(written, T0 + 77_700));
    // A read of scans before the second pass is through decodes scan chunks itself: they are counted all the same.
    expect(await rec.read(T0 + 9_999, T0 + 10_000, new Set(['scan']))).toHaveLength(20);
    await rec.complete();
    const done = rec.timeline(200)!;
    expect(done.partial).toBeUndefined();
    const total = (t: Timeline) => t.rate.reduce((a, r) => a + (r * t.bucketMs) / 1000, 0);
    // Every message once the scans are counted (records and /snapshot keyframes); the early rate lacked exactly the scans.
    expect(Math.round(total(done))).toBe(rec.chunks.reduce((a, e) => a + e.count, 0));
    expect(Math.round(total(done) - total(early))).toBe(written.filter((r) => r.kind === 'scan').length);
    await rec.close();
  });

  it('draws the heatmap from blocks that take in the scan chunks unread, equal to feeding every position', async () => {
    const rec = await Recording.open(file);
    await rec.heatReady();
    const scans = scanChunks(rec);
    // Every chunk with positions starts a block or lies in one (scan chunks join one once the index knows their range).
    let inBlocks = 0;
    for (let c = 0; c < rec.chunks.length; c++) {
      const b = rec.heatBlock(c);
      if (!b) {
        expect(scans.has(c), `chunk ${c} starts a block`).toBe(true);
        continue;
      }
      inBlocks += b.last - b.first + 1;
      c = b.last;
    }
    expect(inBlocks).toBeGreaterThan(rec.chunks.length - scans.size);
    const [from, to] = [T0, T0 + 200_000];
    const fast = await analyseWindow(rec, { what: ['heatmap'], from, to });
    const truth = new DensityHeatmap({ from, to });
    for (const r of written) if (r.kind === 'position') truth.add(r.record);
    const expected = truth.result();
    expect(fast.heatmap![0]!.personSeconds).toBeGreaterThan(0);
    expect(fast.heatmap![0]!.personSeconds).toBeCloseTo(expected[0]!.personSeconds, 3);
    expect(scans.size).toBeGreaterThan(0);
    await rec.close();
  });

  it('a copy cut short in a chunk\'s message indexes reads sequentially, and that chunk is read whole', async () => {
    // Cut inside the MessageIndex records after a chunk of robots and positions: the channel set they give is partial
    // (the robots' index only), so a reader trusting it would skip that chunk's positions.
    const whole = await McapChunkFile.open(file);
    const k = whole.chunks.findIndex((ref, i) => i > whole.chunks.length / 2 && ref.kind === 'file' && (ref.channels?.size ?? 0) >= 2);
    const ref = whole.chunks[k]!;
    await whole.close();
    if (ref.kind !== 'file') throw new Error('expected a chunk in the file');
    const bytes = readFileSync(file);
    const indexAt = ref.offset + ref.length;
    expect(bytes[indexAt]).toBe(0x07); // a MessageIndex record follows the chunk
    const firstIndexLength = 9 + Number(bytes.readBigUInt64LE(indexAt + 1));
    const cut = join(dir, 'scan-chunks-cut.mcap');
    writeFileSync(cut, bytes.subarray(0, indexAt + firstIndexLength + 5));
    const rec = await Recording.open(cut);
    await rec.ready();
    expect(rec.files[0]!.mode).toBe('sequential');
    expect(scanChunks(rec).size).toBeGreaterThan(10); // the other chunks' sets are whole and used
    const end = rec.range!.end;
    const played = await rec.read(T0 - 1, end, ALL_BUT_SCANS);
    expect(played.filter((r) => r.kind === 'position' && r.record.t === end)).toHaveLength(20);
    expect(played).toEqual(written.filter((r) => r.kind !== 'scan' && r.record.t <= end));
    await rec.close();
  });
});
