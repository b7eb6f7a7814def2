/**
 * A recording opened for replay: one MCAP file, or a folder of rotated files read as one
 * continuous timeline (`file:DIR`), on the records' own time `t` (MCAP publishTime, epoch ms).
 *
 * Opening reads only summaries (McapChunkFile), so the first frame shows after one chunk. The
 * index pass (`ready`, run once in the background) reads every chunk once and builds:
 *  - the publish-time range of every chunk (seek reads only chunks overlapping (keyframe, T]);
 *  - keyframes: the recorded `/snapshot` messages (SnapshotWriter), or for files without them
 *    (foreign, older) the same keyframes built from the records every `KEYFRAME_PERIOD_MS`,
 *    kept in memory as JSON and thinned when they pass `KEYFRAME_BUDGET_BYTES`;
 *  - the timeline strip: messages per second, people (sum of the latest zone counts, or distinct
 *    positioned ids when the file has no counts) and alert marks;
 * A second background pass (`heatReady`, started by the replay source once the index is ready,
 * or by the first heatmap) builds density heatmap pre-aggregates (analytics/HeatPartial.ts) per
 * block of consecutive chunks spanning ≥ HEAT_BLOCK_MS of record time (live files close a chunk
 * every second: per-chunk tables would be as many as the records they replace), so a heatmap
 * over hours adds up block tables instead of decoding
 * every position again; seeks do not wait for it. A recording opened with `open` keeps its blocks
 * in the heat cache (heatBlockCache.ts), so opening the same unchanged file again skips this pass.
 * Live records arrive slightly out of order (a chunk may hold records older than the snapshot
 * written before it). So each keyframe also knows `scanFrom`: the earliest record time that any
 * later chunk holds, if earlier than the keyframe. A seek applies the records in (scanFrom, T];
 * the fold keeps the latest per entity by `t`, so records the snapshot already covers change
 * nothing and late arrivals are not missed.
 *
 * Seek = keyframe ≤ T + records in (scanFrom, T], never a read from the start.
 *
 * In a recording with positions, chunks of scans only (the recorder's, McapFileWriter ownChunks) are left out of the
 * index pass, which then ends (`ready`: seeks, playback) after a sixth of the bytes; a second background pass reads
 * them for their time ranges and the timeline's message rate (`timeline().partial` until it is done). Playback of such
 * a recording never reads scans. Over 900 s of the default testbed: ready after 1.7 s instead of 4.5 s.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AlertRecord, TelemetryRecord } from '../../common/records.js';
import { SNAPSHOT_TOPIC, SnapshotSchema, TwinState, type SnapshotRecord } from '../recording/snapshots.js';
import { HeatPartialBuilder, type HeatPartial } from '../analytics/HeatPartial.js';
import { heatCacheDir, heatCacheKey, loadHeatBlocks, saveHeatBlocks } from './heatBlockCache.js';

/** A heatmap pre-aggregate over chunks `first..last` (chunk order) and their publish-time range. */
export interface HeatBlock {
  first: number;
  last: number;
  minPub: number;
  maxPub: number;
  partial: HeatPartial;
}
/** Record time a heatmap pre-aggregate block spans at least, ms (a window's edges decode ≤ 2 blocks). */
export const HEAT_BLOCK_MS = 120_000;
/** The record kinds a heatmap counts (positions, States of people; see heatChannelsOf). */
const HEAT_KINDS: ReadonlySet<RecordTopicKind> = new Set<RecordTopicKind>(['position', 'state']);
import { McapChunkFile, McapOpenError, type DecodedChunk } from './McapChunkFile.js';
import { decodeRecord, topicKind, TWIN_KINDS, type RecordTopicKind } from './decodeRecord.js';
import type { Timeline } from '../../common/replay.js';
export type { Timeline };

export const KEYFRAME_PERIOD_MS = 10_000;
/** Record time the first frame covers from the first record, ms. */
const FIRST_FRAME_MS = 1000;
/** Memory allowed for built keyframes (files without `/snapshot`), bytes of JSON. */
export const KEYFRAME_BUDGET_BYTES = 64 * 1024 * 1024;
/** Decoded chunks kept for repeated seeks and playback, bytes. */
const CHUNK_CACHE_BYTES = 96 * 1024 * 1024;

interface ChunkEntry {
  file: McapChunkFile;
  index: number;
  /** Publish-time range, ms; known after the index pass (or once decoded). */
  minPub: number;
  maxPub: number;
  count: number;
}

type Keyframe = (
  | { t: number; chunk: number; source: 'recorded'; message: number }
  | { t: number; chunk: number; source: 'built'; json: string }
) & { scanFrom?: number };

export interface UnknownChannel {
  file: string;
  topic: string;
  messageEncoding: string;
  schema: string;
}


export type RecordingState = 'open' | 'indexing' | 'ready' | 'closed';

export class Recording {
  readonly chunks: ChunkEntry[] = [];
  readonly notices: string[] = [];
  readonly unknownChannels: UnknownChannel[] = [];
  /** Messages that looked like records but failed the check (counted, not fatal). */
  rejected = 0;
  state: RecordingState = 'open';
  private keyframes: Keyframe[] = [];
  private readonly cache = new Map<number, DecodedChunk>();
  private cacheBytes = 0;
  private indexing: Promise<void> | null = null;
  /** Chunks of scans only that the index pass left to the second pass (see the top of this file); those from `deferredNext` on are not read yet. */
  private deferred: number[] = [];
  private deferredNext = 0;
  /** The second pass, once the index pass has started it. */
  private deferring: Promise<void> = Promise.resolve();
  private heating: Promise<void> | null = null;
  private perSecond = { origin: NaN, messages: [] as number[], people: [] as number[], basis: 'none' as Timeline['peopleBasis'] };
  private alertMarks: Timeline['alerts'] = [];
  private readonly kinds = new Map<McapChunkFile, Map<number, RecordTopicKind | 'snapshot' | null>>();
  /** Heatmap pre-aggregate blocks by their first chunk number. */
  private readonly heatBlocks = new Map<number, HeatBlock>();

  /** The write of this recording's pre-aggregates to the heat cache, once the pass built them (see heatBlockCache.ts). */
  private heatSave: Promise<void> = Promise.resolve();

  private constructor(readonly path: string, readonly files: McapChunkFile[], private readonly persistHeat: boolean) {
    const sources = new Map<string, number>();
    for (const f of files) {
      f.chunks.forEach((_, index) => this.chunks.push({ file: f, index, minPub: Infinity, maxPub: -Infinity, count: 0 }));
      if (f.damage) this.notices.push(f.damage);
      const source = f.metadata['twin']?.['source'];
      if (source) sources.set(source, (sources.get(source) ?? 0) + 1);
    }
    // One folder, two sources (a testbed, then a broker): one timeline with both sessions' entities merged by id.
    if (sources.size > 1) {
      const list = [...sources].map(([s, n]) => `${s} (${n} file${n === 1 ? '' : 's'})`).join(', ');
      this.notices.push(`${path}: recordings of ${sources.size} sources, read as one timeline (entities with the same id merged): ${list}; keep each source's files in a folder of their own`);
    }
    this.refreshChannels();
  }

  /** Opens a `.mcap` file, or every `.mcap` in a folder (name order = rotation order). */
  static async open(path: string): Promise<Recording> {
    let paths: string[];
    if (statSync(path).isDirectory()) {
      paths = readdirSync(path).filter((n) => n.endsWith('.mcap')).sort().map((n) => join(path, n));
      if (paths.length === 0) throw new McapOpenError(`${path}: folder holds no .mcap files`);
    } else paths = [path];
    return Recording.openFiles(path, paths, { persistHeat: true });
  }

  /**
   * Opens the given `.mcap` files (rotation order) as one timeline named `label` (e.g. the live review's last hour).
   * `persistHeat`: keep the heatmap pre-aggregates in the heat cache (heatBlockCache.ts) and reuse them on the next
   * open of the same, unchanged files; off for files still being written (the live review).
   */
  static async openFiles(label: string, paths: readonly string[], o: { persistHeat?: boolean } = {}): Promise<Recording> {
    if (paths.length === 0) throw new McapOpenError(`${label}: no .mcap files to open`);
    const files: McapChunkFile[] = [];
    try {
      for (const p of paths) files.push(await McapChunkFile.open(p));
    } catch (e) {
      await Promise.all(files.map((f) => f.close()));
      throw e;
    }
    return new Recording(label, files, o.persistHeat ?? false);
  }

  /** MCAP metadata by name, merged over the files (the first file wins). */
  get metadata(): Record<string, Record<string, string>> {
    const out: Record<string, Record<string, string>> = {};
    for (const f of [...this.files].reverse()) Object.assign(out, f.metadata);
    return out;
  }

  /**
   * The time each file covers, in file order (first to last record; files with none left out): a folder of two
   * sessions has a gap between them that nothing was recorded in.
   */
  get spans(): { start: number; end: number }[] {
    const byFile = new Map<McapChunkFile, { start: number; end: number }>();
    for (const c of this.chunks) {
      if (c.count === 0) continue;
      const s = byFile.get(c.file);
      if (!s) byFile.set(c.file, { start: c.minPub, end: c.maxPub });
      else { s.start = Math.min(s.start, c.minPub); s.end = Math.max(s.end, c.maxPub); }
    }
    return [...byFile.values()];
  }

  /** Record-time range, ms (complete after `ready`). */
  get range(): { start: number; end: number } | null {
    let start = Infinity;
    let end = -Infinity;
    for (const c of this.chunks) {
      if (c.count === 0) continue;
      start = Math.min(start, c.minPub);
      end = Math.max(end, c.maxPub);
    }
    return Number.isFinite(start) ? { start, end } : null;
  }

  get hasRecordedSnapshots(): boolean {
    return this.keyframes.some((k) => k.source === 'recorded');
  }

  /** The index pass; runs once, later calls share it. */
  ready(): Promise<void> {
    this.indexing ??= this.buildIndex();
    return this.indexing;
  }

  /**
   * The index pass and its second pass (the chunks of scans only, see the top of this file): every chunk's time range
   * known. For readers of scans (`twin replay`), which would otherwise decode every not-yet-ranged scan chunk at once.
   */
  async complete(): Promise<void> {
    await this.ready();
    await this.deferring;
  }

  /** The heatmap pre-aggregate pass (after the index pass); runs once, later calls share it. */
  heatReady(): Promise<void> {
    this.heating ??= this.ready().then(() => this.buildHeat());
    return this.heating;
  }

  /** The twin over the recording's first second (the first frame), from the first chunk, without waiting for the index. */
  async firstFrame(): Promise<SnapshotRecord> {
    const state = new TwinState();
    let t = NaN;
    for (let c = 0; c < this.chunks.length && Number.isNaN(t); c++) {
      if (!this.mayHold(c, TWIN_KINDS)) continue;
      const chunk = await this.chunk(c);
      if (!chunk || chunk.count === 0) continue;
      // The first second of the recording (every entity reporting at 1 Hz has appeared).
      t = Math.min(chunk.maxPub, chunk.minPub + FIRST_FRAME_MS);
      this.forEachRecord(c, chunk, 0, upperBound(chunk.pub, t), (r) => state.apply(r), TWIN_KINDS);
    }
    return state.snapshot(Number.isNaN(t) ? 0 : t);
  }

  /** The twin at record time `t` (ms): latest State/Position/Count with t ≤ T, alerts active then. */
  async seek(t: number): Promise<SnapshotRecord> {
    await this.ready();
    const k = this.keyframeAt(t);
    const state = k ? await this.loadKeyframe(k) : new TwinState();
    const from = k ? (k.scanFrom ?? k.t) : -Infinity;
    // Only what the twin holds: scans (half the messages of a full-load recording) are not decoded.
    await this.scan(from, t, (r) => state.apply(r), TWIN_KINDS);
    return state.snapshot(t);
  }

  /** Whether any file has a position channel: the live session positioned its scans (or the source gave positions). */
  get hasPositions(): boolean {
    return this.files.some((f) => [...f.channels.values()].some((ch) => topicKind(ch.topic, ch.messageEncoding) === 'position'));
  }

  /** Records with t in (from, to], sorted by t (stable: file order on ties); `kinds` as in `scan`. */
  async read(from: number, to: number, kinds?: ReadonlySet<RecordTopicKind>): Promise<TelemetryRecord[]> {
    const out: { r: TelemetryRecord; t: number; i: number }[] = [];
    let i = 0;
    await this.scan(from, to, (r, pub) => out.push({ r, t: pub, i: i++ }), kinds);
    out.sort((a, b) => a.t - b.t || a.i - b.i);
    return out.map((o) => o.r);
  }

  /**
   * Calls `fn` for every record with t in (from, to], chunk by chunk, each chunk in time order
   * (chunk order is file order: globally in time order for recordings written as they arrive).
   * `kinds` limits decoding to those record kinds (others are skipped undecoded; a chunk known to hold none of them,
   * such as the recorder's scan chunks, is not even decompressed: mayHold). `whole(c)`
   * may take chunks c, c+1, … from elsewhere: it returns how many (0: decode chunk c).
   */
  async scan(from: number, to: number, fn: (r: TelemetryRecord, pub: number) => void, kinds?: ReadonlySet<RecordTopicKind>, whole?: (c: number) => number): Promise<void> {
    for (let c = 0; c < this.chunks.length; c++) {
      const e = this.chunks[c]!;
      if (e.count > 0 && (e.maxPub <= from || e.minPub > to)) continue;
      // Chunks that the caller takes from a pre-aggregate (`whole` says how many, from c on) are not decoded.
      if (whole && e.count > 0 && e.minPub > from) {
        const k = whole(c);
        if (k > 0) {
          c += k - 1;
          continue;
        }
      }
      if (kinds && !this.mayHold(c, kinds)) continue;
      const chunk = await this.chunk(c);
      if (!chunk || chunk.count === 0 || chunk.maxPub <= from || chunk.minPub > to) continue;
      const lo = upperBound(chunk.pub, from);
      const hi = upperBound(chunk.pub, to);
      this.forEachRecord(c, chunk, lo, hi, fn, kinds);
    }
  }

  /** The heatmap pre-aggregate block starting at chunk `c` (after `heatReady`), or undefined. */
  heatBlock(c: number): HeatBlock | undefined {
    return this.heatBlocks.get(c);
  }

  timeline(buckets = 600): Timeline | null {
    const range = this.range;
    if (!range) return null;
    const ps = this.perSecond;
    const seconds = ps.messages.length;
    const bucketS = Math.max(1, Math.ceil(seconds / Math.max(1, buckets)));
    const rate: number[] = [];
    const people: (number | null)[] = [];
    // People at a bucket's end: the latest known value (counts arrive every few seconds).
    let p: number | null = null;
    for (let b = 0; b * bucketS < seconds; b++) {
      let m = 0;
      for (let s = b * bucketS; s < Math.min(seconds, (b + 1) * bucketS); s++) {
        m += ps.messages[s] ?? 0;
        const v = ps.people[s];
        if (v !== undefined && v >= 0) p = v;
      }
      rate.push(m / bucketS);
      people.push(p);
    }
    return { start: range.start, end: range.end, bucketMs: bucketS * 1000, rate, people, peopleBasis: ps.basis, alerts: this.alertMarks, ...(this.deferredNext < this.deferred.length ? { partial: true } : {}) };
  }

  async close(): Promise<void> {
    this.state = 'closed';
    this.cache.clear();
    await Promise.all(this.files.map((f) => f.close()));
  }

  // ── index pass ────────────────────────────────────────────────
  private async buildIndex(): Promise<void> {
    this.state = 'indexing';
    const built = new TwinState();
    let prevMaxPub = -Infinity;
    let lastKey = -Infinity;
    let period = KEYFRAME_PERIOD_MS;
    let builtBytes = 0;
    const hasSnapshots = this.files.some((f) => [...f.channels.values()].some((ch) => ch.topic === SNAPSHOT_TOPIC));
    const zoneCounts = new Map<string, number>();
    let peopleSum = 0;
    const positionedPerSecond = new Map<number, Set<string>>();
    // Playback of a recording with positions reads no scans, so its chunks of scans only can wait (second pass).
    const defer = this.hasPositions;
    const deferred: number[] = [];
    for (let c = 0; c < this.chunks.length; c++) {
      if ((this.state as RecordingState) === 'closed') return;
      if (defer && this.scansOnly(c)) {
        deferred.push(c);
        continue;
      }
      const chunk = await this.chunk(c);
      if (!chunk || chunk.count === 0) continue;
      const kinds = this.kindsOf(this.chunks[c]!.file);
      for (let i = 0; i < chunk.count; i++) {
        const pub = chunk.pub[i]!;
        const sec = this.secondOf(pub);
        this.perSecond.messages[sec] = (this.perSecond.messages[sec] ?? 0) + 1;
        const kind = kinds.get(chunk.channel[i]!) ?? null;
        if (kind === 'snapshot') {
          if (pub >= prevMaxPub) this.keyframes.push({ t: pub, chunk: c, source: 'recorded', message: i });
          continue;
        }
        if (kind === null) continue;
        if (!hasSnapshots || kind === 'count' || kind === 'alert') {
          const r = decodeRecord(kind, chunk.bytes.subarray(chunk.start[i], chunk.end[i]));
          if (!r) {
            this.rejected++;
            continue;
          }
          if (r.kind === 'count') {
            peopleSum += r.record.count - (zoneCounts.get(r.record.zone) ?? 0);
            zoneCounts.set(r.record.zone, r.record.count);
            this.perSecond.people[sec] = peopleSum;
            this.perSecond.basis = 'zone counts';
          } else if (r.kind === 'alert' && r.record.active) {
            const { id, t, entity, severity, code, message } = r.record;
            this.alertMarks.push({ id, t, entity, severity, code, message });
          } else if (r.kind === 'position' && zoneCounts.size === 0) {
            let ids = positionedPerSecond.get(sec);
            if (!ids) positionedPerSecond.set(sec, (ids = new Set()));
            ids.add(r.record.id);
          }
          if (!hasSnapshots) {
            built.apply(r);
            const next = chunk.pub[i + 1];
            if (pub >= lastKey + period && pub >= prevMaxPub && (next === undefined || next > pub)) {
              const json = JSON.stringify(built.snapshot(pub));
              this.keyframes.push({ t: pub, chunk: c, source: 'built', json });
              builtBytes += json.length;
              lastKey = pub;
              if (builtBytes > KEYFRAME_BUDGET_BYTES) {
                // Thin: keep every other keyframe and double the period from here on.
                this.keyframes = this.keyframes.filter((_, j) => j % 2 === 0);
                builtBytes = this.keyframes.reduce((s, k) => s + (k.source === 'built' ? k.json.length : 0), 0);
                period *= 2;
              }
            }
          }
        }
      }
      prevMaxPub = Math.max(prevMaxPub, chunk.maxPub);
    }
    if (this.perSecond.basis === 'none' && positionedPerSecond.size > 0) {
      this.perSecond.basis = 'positioned ids';
      for (const [sec, ids] of positionedPerSecond) this.perSecond.people[sec] = ids.size;
    }
    this.setScanStarts();
    this.state = 'ready';
    this.deferred = deferred;
    if (deferred.length) this.deferring = this.indexDeferred().catch(() => undefined);
  }

  /** Second pass: the time ranges and message counts of the chunks the index pass left out (not kept in the chunk cache). */
  private async indexDeferred(): Promise<void> {
    await new Promise((r) => setImmediate(r)); // what waited for `ready` (a seek, the first tick) goes first
    for (; this.deferredNext < this.deferred.length; this.deferredNext++) {
      if ((this.state as RecordingState) === 'closed') return;
      const c = this.deferred[this.deferredNext]!;
      // Counted here even when a read of scans has decoded the chunk meanwhile (that set its range, not the rate).
      const chunk = this.cache.get(c) ?? (await this.readUncached(c));
      if (chunk) {
        for (let i = 0; i < chunk.count; i++) {
          const sec = this.secondOf(chunk.pub[i]!);
          this.perSecond.messages[sec] = (this.perSecond.messages[sec] ?? 0) + 1;
        }
      }
      // Background work: let seeks and playback ticks in between.
      if ((c & 7) === 7) await new Promise((r) => setImmediate(r));
    }
  }

  /** Chunk c holds scans only, by its channel set (McapChunkFile); false when that is not known. */
  private scansOnly(c: number): boolean {
    const e = this.chunks[c]!;
    const ref = e.file.chunks[e.index]!;
    if (ref.kind !== 'file' || !ref.channels || ref.channels.size === 0) return false;
    const known = this.kindsOf(e.file);
    for (const ch of ref.channels) if (known.get(ch) !== 'scan') return false;
    return true;
  }

  /** Resolves when the pre-aggregates this open built are written to the heat cache (or failed to be: ignored). */
  heatStored(): Promise<void> {
    return this.heatSave;
  }

  private async buildHeat(): Promise<void> {
    const dir = this.persistHeat ? heatCacheDir() : null;
    const key = dir ? await heatCacheKey(this.files.map((f) => f.path), HEAT_BLOCK_MS) : null;
    if (dir && key) {
      const stored = await loadHeatBlocks(dir, key, this.chunks.length);
      if (stored && this.state !== 'closed') {
        for (const b of stored) this.heatBlocks.set(b.first, b);
        return;
      }
    }
    await this.aggregateHeat();
    if (dir && key && this.state !== 'closed') this.heatSave = saveHeatBlocks(dir, key, [...this.heatBlocks.values()], this.chunks.length).catch(() => undefined);
  }

  private async aggregateHeat(): Promise<void> {
    let block: { first: number; minPub: number; maxPub: number; builder: HeatPartialBuilder } | null = null;
    const close = (last: number) => {
      if (block) this.heatBlocks.set(block.first, { first: block.first, last, minPub: block.minPub, maxPub: block.maxPub, partial: block.builder.result() });
      block = null;
    };
    for (let c = 0; c < this.chunks.length; c++) {
      if (this.state === 'closed') return;
      const e = this.chunks[c]!;
      if (!this.mayHold(c, HEAT_KINDS)) {
        // A chunk of other records only (the recorder's scan chunks) is never decoded for a heatmap: it joins the block,
        // unread, once the index pass has its range; before that it is in none (scan() skips it by kind anyway).
        if (e.count > 0) {
          block ??= { first: c, minPub: Infinity, maxPub: -Infinity, builder: new HeatPartialBuilder() };
          block.minPub = Math.min(block.minPub, e.minPub);
          block.maxPub = Math.max(block.maxPub, e.maxPub);
          if (block.maxPub - block.minPub >= HEAT_BLOCK_MS) close(c);
        }
        continue;
      }
      const chunk = e.count === 0 ? null : await this.chunk(c);
      if (!chunk || chunk.count === 0) {
        // An empty or unreadable chunk ends the block (a block's chunks all have records).
        close(c - 1);
        continue;
      }
      block ??= { first: c, minPub: Infinity, maxPub: -Infinity, builder: new HeatPartialBuilder() };
      block.minPub = Math.min(block.minPub, chunk.minPub);
      block.maxPub = Math.max(block.maxPub, chunk.maxPub);
      const channels = this.heatChannelsOf(this.chunks[c]!.file);
      for (let i = 0; i < chunk.count; i++) {
        const kind = channels.get(chunk.channel[i]!);
        if (!kind) continue;
        const r = decodeRecord(kind, chunk.bytes.subarray(chunk.start[i], chunk.end[i]));
        if (r?.kind === 'position' || (r?.kind === 'state' && r.record.kind === 'person')) block.builder.add(r.record);
      }
      if (block.maxPub - block.minPub >= HEAT_BLOCK_MS) close(c);
      // Let seeks and playback ticks in between (this pass is background work).
      if ((c & 7) === 7) await new Promise((r) => setImmediate(r));
    }
    close(this.chunks.length - 1);
  }

  /** Where each keyframe's seek starts reading: before any late record a later chunk holds (see the file comment). */
  private setScanStarts(): void {
    const suffixMin = new Float64Array(this.chunks.length + 1).fill(Infinity);
    // Chunks that hold no twin records (the recorder's scan chunks) are never read by a seek: they do not move it.
    for (let c = this.chunks.length - 1; c >= 0; c--) suffixMin[c] = Math.min(suffixMin[c + 1]!, this.chunks[c]!.count && this.mayHold(c, TWIN_KINDS) ? this.chunks[c]!.minPub : Infinity);
    for (const k of this.keyframes) k.scanFrom = Math.min(k.t, suffixMin[k.chunk + 1]! - 1e-3);
    this.keyframes.sort((a, b) => a.t - b.t);
  }

  private keyframeAt(t: number): Keyframe | null {
    let lo = 0;
    let hi = this.keyframes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.keyframes[mid]!.t <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? this.keyframes[lo - 1]! : null;
  }

  private async loadKeyframe(k: Keyframe): Promise<TwinState> {
    if (k.source === 'built') return TwinState.from(JSON.parse(k.json) as SnapshotRecord);
    const chunk = (await this.chunk(k.chunk))!;
    const raw: unknown = JSON.parse(new TextDecoder().decode(chunk.bytes.subarray(chunk.start[k.message], chunk.end[k.message])));
    const parsed = SnapshotSchema.safeParse(raw);
    if (!parsed.success) {
      // A damaged snapshot: fall back to the keyframe before it.
      this.rejected++;
      this.keyframes = this.keyframes.filter((x) => x !== k);
      const prev = this.keyframeAt(k.t);
      if (!prev) return new TwinState();
      const st = await this.loadKeyframe(prev);
      await this.scan(prev.t, k.t, (r) => st.apply(r), TWIN_KINDS);
      return st;
    }
    return TwinState.from(parsed.data as SnapshotRecord);
  }

  // ── chunks ────────────────────────────────────────────────────
  private async chunk(c: number): Promise<DecodedChunk | null> {
    const hit = this.cache.get(c);
    if (hit) {
      this.cache.delete(c);
      this.cache.set(c, hit);
      return hit;
    }
    const chunk = await this.readUncached(c);
    if (!chunk) return null;
    this.cache.set(c, chunk);
    this.cacheBytes += chunk.bytes.byteLength;
    for (const [key, old] of this.cache) {
      if (this.cacheBytes <= CHUNK_CACHE_BYTES || key === c) break;
      this.cache.delete(key);
      this.cacheBytes -= old.bytes.byteLength;
    }
    return chunk;
  }

  /** Reads and decodes chunk c, not through the cache: its range and count are then known; null (and a notice) when it is damaged. */
  private async readUncached(c: number): Promise<DecodedChunk | null> {
    const e = this.chunks[c]!;
    let chunk: DecodedChunk;
    try {
      chunk = await e.file.readChunk(e.index);
    } catch (err) {
      const msg = `${(err as Error).message}: that block of records is skipped, the rest replays`;
      if (!this.notices.includes(msg)) this.notices.push(msg);
      e.count = 0;
      return null;
    }
    e.minPub = chunk.minPub;
    e.maxPub = chunk.maxPub;
    e.count = chunk.count;
    this.refreshChannels(); // a sequentially read file defines channels inside its chunks
    return chunk;
  }

  private forEachRecord(c: number, chunk: DecodedChunk, lo: number, hi: number, fn: (r: TelemetryRecord, pub: number) => void, only?: ReadonlySet<RecordTopicKind>): void {
    const kinds = this.kindsOf(this.chunks[c]!.file);
    for (let i = lo; i < hi; i++) {
      const kind = kinds.get(chunk.channel[i]!);
      if (!kind || kind === 'snapshot' || (only && !only.has(kind))) continue;
      const r = decodeRecord(kind, chunk.bytes.subarray(chunk.start[i], chunk.end[i]));
      if (r) fn(r, chunk.pub[i]!);
    }
  }

  /**
   * False when chunk c is known to hold no record of `kinds`: its file lists the chunk's channels (McapChunkFile) and
   * none is of those kinds. A channel not yet defined (a file read sequentially defines them inside its chunks) may be.
   */
  private mayHold(c: number, kinds: ReadonlySet<RecordTopicKind>): boolean {
    const e = this.chunks[c]!;
    const ref = e.file.chunks[e.index]!;
    if (ref.kind !== 'file' || !ref.channels) return true;
    const known = this.kindsOf(e.file);
    for (const ch of ref.channels) {
      const kind = known.get(ch);
      if (kind === undefined || (kind !== null && kind !== 'snapshot' && kinds.has(kind))) return true;
    }
    return false;
  }

  private kindsOf(file: McapChunkFile): Map<number, RecordTopicKind | 'snapshot' | null> {
    let m = this.kinds.get(file);
    if (!m || m.size !== file.channels.size) {
      m = new Map();
      for (const ch of file.channels.values()) m.set(ch.id, ch.topic === SNAPSHOT_TOPIC ? 'snapshot' : topicKind(ch.topic, ch.messageEncoding));
      this.kinds.set(file, m);
    }
    return m;
  }

  /**
   * Channels whose records the heatmap counts: positions, and States of people — the recorder's
   * `/state/person`; in a file without the recorder's `/snapshot` (foreign, older) every State
   * channel, since its topics need not follow the recorder's naming.
   */
  private heatChannelsOf(file: McapChunkFile): Map<number, 'position' | 'state'> {
    const recorderTopics = [...file.channels.values()].some((ch) => ch.topic === SNAPSHOT_TOPIC);
    const out = new Map<number, 'position' | 'state'>();
    for (const ch of file.channels.values()) {
      const kind = topicKind(ch.topic, ch.messageEncoding);
      if (kind === 'position' || (kind === 'state' && (!recorderTopics || ch.topic === '/state/person'))) out.set(ch.id, kind);
    }
    return out;
  }

  private refreshChannels(): void {
    for (const f of this.files) {
      for (const ch of f.channels.values()) {
        if (ch.topic === SNAPSHOT_TOPIC || topicKind(ch.topic, ch.messageEncoding)) continue;
        if (this.unknownChannels.some((u) => u.file === f.path && u.topic === ch.topic)) continue;
        this.unknownChannels.push({ file: f.path, topic: ch.topic, messageEncoding: ch.messageEncoding, schema: ch.schemaName });
      }
    }
  }

  private secondOf(pub: number): number {
    const ps = this.perSecond;
    if (Number.isNaN(ps.origin)) ps.origin = Math.floor(pub / 1000) * 1000;
    if (pub < ps.origin) {
      // Earlier than anything seen (a later chunk reaching back): shift the arrays.
      const shift = Math.ceil((ps.origin - pub) / 1000);
      ps.messages = [...new Array<number>(shift).fill(0), ...ps.messages];
      ps.people = [...new Array<number>(shift).fill(-1), ...ps.people];
      ps.origin -= shift * 1000;
    }
    return Math.floor((pub - ps.origin) / 1000);
  }
}

/** First index with a[i] > x in a sorted array. */
function upperBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
