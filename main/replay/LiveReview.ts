/**
 * Live review: in a live session, the recent past is a timeline too. The live recorder writes
 * rotating MCAP files into the record folder (chunks closed every ≤ 2 s); a review opens that
 * folder's files of the last `windowMs` read-only as one replay (the file being written is read
 * sequentially up to its last complete chunk) in a second pipeline — McapReplaySource → its own
 * hub, never recorded — whose frames go to the pages instead of the live hub's (LiveFrameGate).
 * The live pipeline keeps running and recording meanwhile. `stop` ("Back to live") closes the
 * review and opens the gate again. `start` while on re-opens up to now (the live data recorded
 * since).
 *
 * States: off → opening → on → off; opening → off on failure (the error names the folder).
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ReviewStatus } from '../../common/replay.js';
import type { SourceStatus } from '../../common/source.js';
import { TelemetryPipeline, type PipelineSettings } from '../hub/TelemetryPipeline.js';
import { LiveFrameGate } from './LiveFrameGate.js';
import { McapReplaySource } from './McapReplaySource.js';
import { Recording } from './Recording.js';
import { CUT_SHORT } from './McapChunkFile.js';

/** Default review window: the last hour, ms. */
export const REVIEW_WINDOW_MS = 3_600_000;
/** Frame period of the review hub, ms (as the live one). */
const FRAME_MS = 33;

export interface LiveReviewOptions {
  /** The API server whose pages see the review (its live frames are held meanwhile). */
  server: object;
  broadcastFrame: (frame: Uint8Array) => void;
  broadcastStatus: (status: ReviewStatus) => void;
  /** The live session's record folder, or null when it does not record. */
  recordDir: () => string | null;
  /**
   * The files the live source's recorder has written (its rotation list), or null when unknown. The review keeps to
   * them: files another source wrote into the same folder earlier in the session (a testbed before an MQTT broker)
   * are another session, on another clock, with the same entity ids.
   */
  sessionFiles: () => readonly string[] | null;
  settings: () => PipelineSettings;
  /** Wall clock, ms (tests). */
  now?: () => number;
}

/** The record folder's `.mcap` files written to within the last `windowMs` (rotation = name order). */
export function recentRecordings(dir: string, windowMs: number, now: number): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.mcap'));
  } catch (e) {
    throw new Error(`live review: record folder ${dir} cannot be read (${(e as Error).message})`);
  }
  return names
    .sort()
    .map((n) => join(dir, n))
    .filter((p) => {
      try {
        return statSync(p).mtimeMs >= now - windowMs;
      } catch {
        return false; // deleted meanwhile (retention)
      }
    });
}

export class LiveReview {
  private pipeline: TelemetryPipeline | null = null;
  private source: McapReplaySource | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private state: 'off' | 'opening' | 'on' = 'off';
  private windowMs = REVIEW_WINDOW_MS;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly o: LiveReviewOptions) {
    this.now = o.now ?? Date.now;
  }

  /** The review's replay source while open. */
  get current(): McapReplaySource | null {
    return this.source;
  }

  /** Opens (or re-opens up to now) the last `windowMs` of the record folder; shows its latest moment, paused. */
  start(windowMs = REVIEW_WINDOW_MS): Promise<ReviewStatus> {
    return this.serial(async () => {
      const dir = this.o.recordDir();
      if (!dir) throw new Error('live review: this session does not record (start it with a record folder) so there is no recent past to review');
      const own = this.o.sessionFiles();
      const mine = own === null ? null : new Set(own.map((p) => resolve(p)));
      const paths = recentRecordings(dir, windowMs, this.now()).filter((p) => mine === null || mine.has(resolve(p)));
      if (paths.length === 0) throw new Error(`live review: nothing the current source recorded in ${dir} within the last ${Math.round(windowMs / 60_000)} min`);
      await this.close();
      this.windowMs = windowMs;
      this.state = 'opening';
      this.o.broadcastStatus(this.status());
      const source = new McapReplaySource(`file:${dir}`, { autoplay: false, open: () => Recording.openFiles(dir, paths) });
      const pipeline = new TelemetryPipeline({
        source,
        tickEveryMs: FRAME_MS,
        record: null, // the live recorder already has it
        pseudonymise: false, // recorded ids are pseudonymised already
        settings: this.o.settings(),
        onStatus: () => this.o.broadcastStatus(this.status()),
      });
      this.source = source;
      this.pipeline = pipeline;
      const gate = LiveFrameGate.for(this.o.server);
      try {
        pipeline.hub.onFrame((frame) => this.o.broadcastFrame(frame));
        await pipeline.start();
        // The file being written has no summary yet: expected here, not damage to report.
        const notices = source.recording!.notices;
        for (let i = notices.length - 1; i >= 0; i--) if (notices[i]!.includes(CUT_SHORT)) notices.splice(i, 1);
        gate.hold();
        this.timer = setInterval(() => pipeline.hub.tick(), FRAME_MS);
        this.timer.unref?.();
        const rec = source.recording!;
        await rec.ready();
        const end = rec.range?.end;
        if (end !== undefined) await this.seekNow(end);
      } catch (e) {
        await this.close();
        throw e;
      }
      this.state = 'on';
      const s = this.status();
      this.o.broadcastStatus(s);
      return s;
    });
  }

  /** Back to live. */
  stop(): Promise<ReviewStatus> {
    return this.serial(async () => {
      await this.close();
      const s = this.status();
      this.o.broadcastStatus(s);
      return s;
    });
  }

  seek(t: number): Promise<void> {
    return this.seekNow(t);
  }

  play(): void {
    this.requireOn('play').resume();
  }

  pause(): void {
    this.requireOn('pause').pause();
  }

  setSpeed(speed: number): void {
    this.requireOn('set the speed of').setSpeed(speed);
  }

  status(): ReviewStatus {
    if (this.state === 'off') return { state: 'off' };
    if (this.state === 'opening') return { state: 'opening', windowMs: this.windowMs };
    const s: SourceStatus | undefined = this.source?.status();
    const rec = this.source?.recording ?? null;
    const playback = s?.state === 'playing' || s?.state === 'ended' ? s.state : 'paused';
    return {
      state: 'on',
      windowMs: this.windowMs,
      files: rec?.files.length ?? 0,
      range: rec?.range ?? null,
      playback,
      now: s?.now ?? null,
      speed: s?.speed ?? 1,
      ...(s?.achievedSpeed !== undefined ? { achievedSpeed: s.achievedSpeed } : {}),
      notices: [...(rec?.notices ?? [])],
    };
  }

  async dispose(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.close();
  }

  private async seekNow(t: number): Promise<void> {
    const src = this.source;
    if (!src || !this.pipeline) throw new Error('live review: not open (review.start first)');
    await src.seek(t); // a jump in time: the source tells the pipeline (SourceListener.onJump), whose next frame is full
  }

  private requireOn(what: string): McapReplaySource {
    if (this.state !== 'on' || !this.source) throw new Error(`live review: cannot ${what} the review while it is ${this.state}`);
    return this.source;
  }

  private async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const p = this.pipeline;
    this.pipeline = null;
    this.source = null;
    this.state = 'off';
    LiveFrameGate.for(this.o.server).release();
    if (p) await p.stop();
  }

  /** start/stop run one at a time. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
