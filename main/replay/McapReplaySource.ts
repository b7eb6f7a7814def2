/**
 * Replay of a recording as a `Source` (common/source.ts) with capabilities seek, speed and loop:
 * `file:PATH.mcap` or `file:DIR` (a folder of rotated files, one timeline). After Foxglove's
 * IterablePlayer: one state machine, playback pulls one slice of record time per tick.
 *
 * Playback: every TICK_MS of wall time the clock advances by the elapsed wall time × speed
 * (0.1×..100×) and the records with t in (previous, now] go to the listener as ONE batch; the
 * listener's promise is backpressure (the clock does not advance while it is pending, so a slow
 * consumer slows playback instead of piling up records). Ticks start TICK_MS apart, or right after
 * the previous one when that took longer; a tick counts at most TICK_MS of its own time, so each
 * plays at most TICK_MS × speed of record time and a slow tick plays on at TICK_MS / its duration of
 * the speed. (Until 2026-12 the next tick waited TICK_MS after the previous one ended: a 150 ms
 * tick, a full-load recording at 100×, then sat idle a quarter of the time and played at 50×.) Seek pushes the twin at T (the seek
 * snapshot: latest State/Position/Count and active alerts) as one batch. Loop: when the clock
 * passes the loop's end it seeks to the loop's start. At the end without a loop: `ended`.
 *
 * Scans: a recording with positions (the live session positioned its scans) plays without its /scan records.
 * Those positions are the session's truth, and the scans add nothing to the twin, while decoding them (a
 * 50-beacon RSSI map each) was most of the time a full-load replay took. 300 s of the default testbed (1.22 M
 * messages, half of them scans) asked for at 100×: 6.0× with its scans (4.3× with the sample model open, whose
 * placed beacons positioned them again before main/hub/Hub.ts stopped that), 26× without (all 300 s in 11.3 s).
 * A recording without positions keeps its scans, for the host to position.
 *
 * States: idle → connecting → paused | playing ⇄ paused → ended → (seek) paused/playing;
 * any → stopped; connecting → error. Invalid transitions throw.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TelemetryRecord } from '../../common/records.js';
import type { Source, SourceCapability, SourceListener, SourceState, SourceStatus } from '../../common/source.js';
import type { SnapshotRecord } from '../recording/snapshots.js';
import { registerSourceFactory } from '../sources/sourceUri.js';
import { Recording } from './Recording.js';
import { ALL_BUT_SCANS, type RecordTopicKind } from './decodeRecord.js';

export const TICK_MS = 50;
export const MIN_SPEED = 0.1;
export const MAX_SPEED = 100;
/** achievedSpeed is measured over this much of the latest playing (wall ms), once at least PACE_MIN_MS of it is there. */
const PACE_WINDOW_MS = 3000;
const PACE_MIN_MS = 1000;

export class ReplayUriError extends Error {
  override readonly name = 'ReplayUriError';
}

/** `file:PATH` (also `file://PATH`) → absolute path. */
export function replayPath(uri: string): string {
  if (!uri.startsWith('file:')) throw new ReplayUriError(`replay URI "${uri}": expected file:PATH.mcap or file:DIR`);
  let p = uri.slice('file:'.length);
  if (p.startsWith('//')) p = decodeURIComponent(new URL(uri).pathname);
  if (!p) throw new ReplayUriError(`replay URI "${uri}": no path after file:`);
  return resolve(p);
}

/** The factory for `file:` URIs (registered with main/sources/sourceUri.ts). Throws ReplayUriError for a missing path. */
export function createReplaySource(uri: string, options: { autoplay?: boolean } = {}): McapReplaySource {
  const path = replayPath(uri);
  if (!existsSync(path)) throw new ReplayUriError(`replay URI "${uri}": ${path}: no such file or folder`);
  return new McapReplaySource(uri, options);
}

registerSourceFactory('file', (uri) => createReplaySource(uri));

/** What playback reads: everything, or all but the scans of a recording with positions (see the top of this file). */
function playedKinds(rec: Recording): ReadonlySet<RecordTopicKind> | undefined {
  return rec.hasPositions ? ALL_BUT_SCANS : undefined;
}

const TRANSITIONS: Record<SourceState, readonly SourceState[]> = {
  idle: ['connecting', 'stopped'],
  connecting: ['paused', 'playing', 'error', 'stopped'],
  playing: ['paused', 'ended', 'stopped', 'playing'],
  paused: ['playing', 'paused', 'stopped', 'ended'],
  ended: ['paused', 'playing', 'stopped', 'ended'],
  error: ['stopped'],
  stopped: [],
  live: [],
  reconnecting: [],
};

export class McapReplaySource implements Source {
  readonly capabilities: ReadonlySet<SourceCapability> = new Set<SourceCapability>(['seek', 'speed', 'loop']);
  readonly path: string;
  private static readonly live = new Set<McapReplaySource>();
  private rec: Recording | null = null;
  private listener: SourceListener | null = null;
  private state: SourceState = 'idle';
  private detail: string | undefined;
  private now = NaN;
  private speed = 1;
  private loop: { start: number; end: number } | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastWall = 0;
  private busy: Promise<void> = Promise.resolve();
  private accepted = 0;
  /** (wall ms, record ms) after each tick of the current stretch of playing, the last PACE_WINDOW_MS (achievedSpeed). */
  private pace: { wall: number; t: number }[] = [];
  private readonly autoplay: boolean;
  private readonly opener: () => Promise<Recording>;

  /** `open` replaces opening `uri`'s path (the live review opens the record folder's last hour). */
  constructor(readonly uri: string, options: { autoplay?: boolean; open?: () => Promise<Recording> } = {}) {
    this.path = replayPath(uri);
    this.autoplay = options.autoplay ?? true;
    this.opener = options.open ?? (() => Recording.open(this.path));
  }

  private static readonly openListeners = new Set<(s: McapReplaySource) => void>();

  /** Calls `cb` each time a replay source has opened its recording (ReplayService opens its building). */
  static onOpen(cb: (s: McapReplaySource) => void): () => void {
    McapReplaySource.openListeners.add(cb);
    return () => McapReplaySource.openListeners.delete(cb);
  }

  /** The replay sources currently started (ReplayService finds the session's replay here). */
  static active(): McapReplaySource[] {
    return [...McapReplaySource.live];
  }

  get recording(): Recording | null {
    return this.rec;
  }

  async start(listener: SourceListener): Promise<void> {
    this.listener = listener;
    this.setState('connecting');
    try {
      this.rec = await this.opener();
    } catch (e) {
      this.detail = (e as Error).message;
      this.setState('error');
      throw e;
    }
    McapReplaySource.live.add(this);
    for (const cb of McapReplaySource.openListeners) cb(this);
    const first = await this.rec.firstFrame();
    if (first.t === 0) {
      // No chunk holds a record (times are 2000..2100): a wholly damaged file, or one closed before any data came.
      const rec = this.rec;
      this.rec = null;
      McapReplaySource.live.delete(this);
      await rec.close();
      this.detail = rec.notices[0] ?? `${this.path}: the recording holds no records`;
      this.setState('error');
      throw new Error(this.detail);
    }
    this.now = first.t;
    await this.push(snapshotBatch(first));
    this.detail = this.describe();
    // The index pass runs in the background; the range and timeline complete when it ends.
    const rec = this.rec;
    void rec.ready().then(() => {
      this.detail = this.describe();
      this.emitStatus();
      // Then the heatmap pre-aggregates, so the Analytics heatmap of hours answers at once.
      rec.heatReady().catch((e: Error) => {
        if (!rec.notices.includes(e.message)) rec.notices.push(`heatmap index: ${e.message}`);
      });
    }, (e: Error) => {
      this.detail = `index: ${e.message}`;
      this.emitStatus();
    });
    this.setState(this.autoplay ? 'playing' : 'paused');
    if (this.autoplay) this.schedule();
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.clearTimer();
    this.setState('stopped');
    McapReplaySource.live.delete(this);
    await this.busy.catch(() => undefined);
    await this.rec?.close();
  }

  status(): SourceStatus {
    const range = this.rec?.range ?? undefined;
    return {
      uri: this.uri,
      state: this.state,
      ...(this.detail ? { detail: this.detail } : {}),
      accepted: this.accepted,
      rejected: this.rec?.rejected ?? 0,
      rejectReasons: this.rec?.rejected ? { 'recorded message failed validation': this.rec.rejected } : {},
      ...(range ? { range } : {}),
      ...(Number.isFinite(this.now) ? { now: this.now } : {}),
      speed: this.speed,
      ...this.achieved(),
    };
  }

  /** `achievedSpeed` while playing falls short of the chosen speed (see SourceStatus), else nothing. */
  private achieved(): { achievedSpeed?: number } {
    const p = this.pace;
    if (this.state !== 'playing' || p.length < 2) return {};
    const a = p[0]!, b = p[p.length - 1]!;
    if (b.wall - a.wall < PACE_MIN_MS) return {};
    const rate = (b.t - a.t) / (b.wall - a.wall);
    return rate < 0.8 * this.speed ? { achievedSpeed: Math.round(rate * 10) / 10 } : {};
  }

  /** Shows the twin at record time `t` (ms); playback continues from there if it was playing. */
  seek(t: number): Promise<void> {
    if (!Number.isFinite(t)) return Promise.reject(new RangeError(`McapReplaySource: seek time must be finite, got ${t}`));
    return this.exclusive(async () => {
      const rec = this.requireOpen('seek');
      const snap = await rec.seek(t);
      this.now = t;
      this.pace = []; // a jump in record time is not playing pace
      await this.jump(snap);
      if (this.state === 'ended') this.setState('paused');
      this.emitStatus();
    });
  }

  setSpeed(speed: number): void {
    if (!Number.isFinite(speed) || speed < MIN_SPEED || speed > MAX_SPEED) throw new RangeError(`McapReplaySource: speed must be in [${MIN_SPEED}, ${MAX_SPEED}], got ${speed}`);
    this.speed = speed;
    this.pace = [];
    this.emitStatus();
  }

  pause(): void {
    if (this.state !== 'playing') return;
    this.clearTimer();
    this.setState('paused');
  }

  resume(): void {
    if (this.state === 'playing') return;
    if (this.state === 'ended') {
      const start = this.loop?.start ?? this.rec?.range?.start;
      if (start !== undefined) void this.seek(start);
    }
    this.setState('playing');
    this.schedule();
  }

  /** Loops playback over [start, end] (epoch ms), or stops looping with null. */
  setLoop(range: { start: number; end: number } | null): void {
    if (range && !(range.end > range.start)) throw new RangeError(`McapReplaySource: loop end must be after its start (${range.start}..${range.end})`);
    this.loop = range;
    this.emitStatus();
  }

  getLoop(): { start: number; end: number } | null {
    return this.loop;
  }

  /** Advances a paused replay by `ms` of record time, pushing the records in between. */
  step(ms: number): Promise<void> {
    return this.exclusive(async () => {
      const rec = this.requireOpen('step');
      const to = this.now + ms;
      this.pace = [];
      if (ms < 0) {
        const snap = await rec.seek(to);
        this.now = to;
        await this.jump(snap);
      } else {
        await this.push(await rec.read(this.now, to, playedKinds(rec)));
        this.now = to;
      }
      this.emitStatus();
    });
  }

  // ── playback ──────────────────────────────────────────────────
  private schedule(): void {
    this.clearTimer();
    this.lastWall = performance.now();
    this.pace = [];
    const tick = () => {
      this.timer = null;
      if (this.state !== 'playing') return;
      const started = performance.now();
      void this.exclusive(() => this.advance()).finally(() => {
        if (this.state === 'playing') this.timer = setTimeout(tick, Math.max(0, TICK_MS - (performance.now() - started)));
      });
    };
    this.timer = setTimeout(tick, TICK_MS);
  }

  private async advance(): Promise<void> {
    const rec = this.requireOpen('play');
    const wall = performance.now();
    const dt = (wall - this.lastWall) * this.speed;
    this.lastWall = wall;
    // Until the index pass is done the end is not known yet: play on without clamping.
    const indexed = rec.state === 'ready';
    const end = this.loop?.end ?? (indexed ? (rec.range?.end ?? this.now) : Infinity);
    const to = Math.min(this.now + dt, end);
    if (to > this.now) {
      const batch = await rec.read(this.now, to, playedKinds(rec));
      this.now = to;
      await this.push(batch);
      const at = performance.now(), p = this.pace;
      p.push({ wall: at, t: this.now });
      while (p.length > 2 && at - p[1]!.wall >= PACE_WINDOW_MS) p.shift();
    }
    if (indexed && this.now >= end) {
      if (this.loop) {
        this.pace = [];
        const snap = await rec.seek(this.loop.start);
        this.now = this.loop.start;
        await this.jump(snap);
      } else {
        this.clearTimer();
        this.setState('ended');
      }
    }
    this.lastWall = performance.now() - Math.min(TICK_MS, performance.now() - wall); // backpressure: time spent waiting does not count
    this.emitStatus();
  }

  /**
   * A jump in record time (seek, step back, loop): the listener drops its picture (onJump), then gets the twin at the
   * new moment. Before, only a seek through the API dropped it (the service reset the hub first); a step back or a
   * loop sent older records that the hub kept out of its picture as out-of-order: the clock went back 10 s and every
   * robot stayed where it was.
   */
  private async jump(snap: SnapshotRecord): Promise<void> {
    this.listener?.onJump?.();
    await this.push(snapshotBatch(snap));
  }

  private async push(batch: readonly TelemetryRecord[]): Promise<void> {
    if (!this.listener || batch.length === 0) return;
    this.accepted += batch.length;
    await this.listener.onBatch(batch);
  }

  /** Seek, step and ticks run one at a time. */
  private exclusive(fn: () => Promise<void>): Promise<void> {
    const run = this.busy.then(fn, fn);
    this.busy = run.catch((e: Error) => {
      this.detail = e.message;
      this.emitStatus();
    });
    return run;
  }

  private requireOpen(op: string): Recording {
    if (!this.rec || this.state === 'stopped' || this.state === 'idle' || this.state === 'connecting') throw new Error(`McapReplaySource: ${op} while ${this.state} (${this.uri})`);
    return this.rec;
  }

  private describe(): string {
    const rec = this.rec!;
    const parts: string[] = [];
    if (rec.files.length > 1) parts.push(`${rec.files.length} files`);
    if (rec.state !== 'ready') parts.push('indexing…');
    parts.push(...rec.notices);
    if (rec.unknownChannels.length) parts.push(`ignored channels: ${[...new Set(rec.unknownChannels.map((c) => c.topic))].join(', ')}`);
    return parts.join('; ');
  }

  private setState(next: SourceState): void {
    if (!TRANSITIONS[this.state].includes(next)) throw new Error(`McapReplaySource: invalid transition ${this.state} → ${next} (${this.uri})`);
    this.state = next;
    this.emitStatus();
  }

  private emitStatus(): void {
    this.listener?.onStatus(this.status());
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** The seek snapshot as one batch of records. */
export function snapshotBatch(s: SnapshotRecord): TelemetryRecord[] {
  return [
    ...s.states.map((record) => ({ kind: 'state' as const, record })),
    ...s.positions.map((record) => ({ kind: 'position' as const, record })),
    ...s.counts.map((record) => ({ kind: 'count' as const, record })),
    ...s.alerts.map((record) => ({ kind: 'alert' as const, record })),
  ];
}
