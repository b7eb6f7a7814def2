/**
 * The replay and analytics API ('replay.*' in common/api.ts) of one workbench session:
 * timeline strip data, window analytics (heatmap, occupancy, flows and dwell, KPIs, trails),
 * exports for download, recorded-vs-simulated comparison, loop and step of the session's replay.
 *
 * A method without `uri` works on the session's replay source (the started McapReplaySource);
 * other recordings (`file:` URIs, e.g. a simulation run to compare with) are opened on demand and
 * kept open (indexed once) while used, at most `MAX_OPEN` of them, least recently used closed first.
 *
 * Also the live review ('review.*', LiveReview.ts): the recent past of a live session from its
 * record folder; while it is on, it is the session's replay for the methods above.
 */
import { z } from 'zod';
import type { ReplayInfo } from '../../common/replay.js';
import type { Disposer } from '../../common/source.js';
import { analyseWindow } from '../analytics/analyseWindow.js';
import { compareOccupancy } from '../analytics/compareOccupancy.js';
import { exportAnalysis, partFor } from '../analytics/exportAnalysis.js';
import type { Workbench, WorkbenchService } from '../services/Workbench.js';
import { basename } from 'node:path';
import { LiveReview } from './LiveReview.js';
import { openRecordedModel } from './openRecordedModel.js';
import { MAX_SPEED, McapReplaySource, MIN_SPEED, replayPath } from './McapReplaySource.js';
import { Recording } from './Recording.js';

const MAX_OPEN = 3;
/** How long 'review.start' waits for the review to open before answering 'opening', ms. */
const REVIEW_ANSWER_MS = 2000;
const uri = z.string().regex(/^file:/, 'a file: URI').max(4096);
const time = z.number().finite();
const window = { from: time.optional(), to: time.optional() };

export class ReplayService implements WorkbenchService {
  private readonly open = new Map<string, Promise<Recording>>();
  private readonly disposers: Disposer[] = [];
  readonly review: LiveReview;

  constructor(private readonly workbench: Workbench) {
    const api = workbench.api;
    this.review = new LiveReview({
      server: api,
      broadcastFrame: (frame) => api.broadcastBinary('telemetry', frame),
      broadcastStatus: (s) => api.broadcast('review.status', s),
      recordDir: () => workbench.sessionInfo().recording?.dir ?? null,
      sessionFiles: () => workbench.recordingFiles(),
      settings: () => workbench.settings.get(),
    });
    const empty = z.object({}).strict();
    // A replay shows the building it was recorded with (its `twin` metadata), when it can be found.
    this.disposers.push(
      McapReplaySource.onOpen((s) => {
        if (s === this.review.current) return; // the live session's own building
        openRecordedModel(workbench, s.recording?.metadata.twin).then(
          (o) => {
            if (o.kind === 'opened') api.broadcast('notice', { level: 'info', message: `Opened ${basename(o.path)}, the building ${s.uri} was recorded with` });
            else if (o.kind === 'missing') {
              const message = `${s.uri} was recorded with the building ${o.name || '(unnamed)'} (sha256 ${o.hash.slice(0, 12)}…), which is not open and was not found among recent models: open that IFC to see the twin in its building`;
              workbench.logger.log('warn', message);
              api.broadcast('notice', { level: 'warn', message });
            }
          },
          (e: Error) => workbench.logger.log('warn', `replay: opening the recorded building: ${e.message}`),
        );
      }),
    );
    const settingsK = () => workbench.settings.get().privacyK;
    this.disposers.push(
      api.handle('replay.info', z.object({ uri: uri.optional(), buckets: z.number().int().min(10).max(4000).optional() }).strict(), async (p) => {
        const { uri: u, rec } = await this.recordingFor(p.uri);
        return this.info(u, rec, p.buckets);
      }),
      api.handle(
        'replay.analyse',
        z.object({
          uri: uri.optional(), what: z.array(z.enum(['heatmap', 'occupancy', 'flows', 'kpis', 'trails'])).min(1), ...window,
          bucketMs: z.number().min(1000).optional(), cellM: z.number().min(0.1).max(100).optional(), trailIds: z.array(z.string().max(200)).max(100).optional(),
        }).strict(),
        async (p) => {
          const { rec } = await this.recordingFor(p.uri);
          return analyseWindow(rec, { what: p.what, from: p.from, to: p.to, bucketMs: p.bucketMs, cellM: p.cellM, trailIds: p.trailIds });
        },
      ),
      api.handle(
        'replay.export',
        z.object({
          uri: uri.optional(), what: z.enum(['counts', 'flows', 'dwell', 'kpis', 'heatmap']), format: z.enum(['csv', 'json']), ...window,
          bucketMs: z.number().min(1000).optional(), k: z.number().int().min(1).max(100).optional(),
        }).strict(),
        async (p) => {
          const { rec } = await this.recordingFor(p.uri);
          const a = await analyseWindow(rec, { what: [partFor(p.what)], from: p.from, to: p.to, bucketMs: p.bucketMs });
          const stamp = new Date(a.from).toISOString().slice(0, 19).replace(/[-:]/g, '');
          return {
            filename: `twin-${p.what}-${stamp}.${p.format}`,
            mime: p.format === 'csv' ? 'text/csv' : 'application/json',
            text: exportAnalysis(a, p.what, p.format, p.k ?? settingsK()),
          };
        },
      ),
      api.handle('replay.compare', z.object({ a: uri.optional(), b: uri, offsetMs: time.optional(), bucketMs: z.number().min(1000).optional() }).strict(), async (p) => {
        const [a, b] = await Promise.all([this.recordingFor(p.a), this.recordingFor(p.b)]);
        return compareOccupancy(a, b, { offsetMs: p.offsetMs, bucketMs: p.bucketMs });
      }),
      api.handle('replay.setLoop', z.object({ range: z.object({ start: time, end: time }).nullable() }).strict(), (p) => {
        this.session().setLoop(p.range);
        return null;
      }),
      api.handle('replay.step', z.object({ ms: z.number().finite().min(-86_400_000).max(86_400_000) }).strict(), async (p) => {
        await this.session().step(p.ms);
        return null;
      }),
      api.handle('review.start', z.object({ windowMs: z.number().int().min(60_000).max(7 * 86_400_000).optional() }).strict(), async (p) => {
        // Opening an hour of a busy session takes a few seconds: answer 'opening' after
        // REVIEW_ANSWER_MS (the 'review.status' event says when it is on); fast failures are errors.
        const opening = this.review.start(p.windowMs);
        const early = await Promise.race([opening, new Promise<null>((r) => setTimeout(() => r(null), REVIEW_ANSWER_MS))]);
        if (early) return early;
        opening.catch((e: Error) => api.broadcast('notice', { level: 'error', message: e.message }));
        return this.review.status();
      }),
      api.handle('review.stop', empty, () => this.review.stop()),
      api.handle('review.status', empty, () => this.review.status()),
      api.handle('review.seek', z.object({ t: time }).strict(), async (p) => {
        await this.review.seek(p.t);
        return null;
      }),
      api.handle('review.play', empty, () => {
        this.review.play();
        return null;
      }),
      api.handle('review.pause', empty, () => {
        this.review.pause();
        return null;
      }),
      api.handle('review.setSpeed', z.object({ speed: z.number().min(MIN_SPEED).max(MAX_SPEED) }).strict(), (p) => {
        this.review.setSpeed(p.speed);
        return null;
      }),
    );
    workbench.addService(this);
  }

  async dispose(): Promise<void> {
    for (const d of this.disposers.splice(0)) d();
    await this.review.dispose();
    const recs = await Promise.allSettled([...this.open.values()]);
    this.open.clear();
    await Promise.all(recs.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
  }

  private session(): McapReplaySource {
    const s = McapReplaySource.active().at(-1);
    if (!s) throw new Error('no recording is being replayed (connect a file: source first)');
    return s;
  }

  /** The recording for a URI, or the session's replay. */
  private async recordingFor(u: string | undefined): Promise<{ uri: string; rec: Recording }> {
    if (u === undefined) {
      const s = this.session();
      if (!s.recording) throw new Error(`${s.uri}: not open yet`);
      return { uri: s.uri, rec: s.recording };
    }
    const path = replayPath(u);
    const live = McapReplaySource.active().find((s) => s.path === path && s.recording);
    if (live) return { uri: u, rec: live.recording! };
    let p = this.open.get(path);
    if (p) {
      this.open.delete(path);
      this.open.set(path, p);
    } else {
      p = Recording.open(path);
      this.open.set(path, p);
      p.catch(() => this.open.delete(path));
      while (this.open.size > MAX_OPEN) {
        const [oldest, rec] = this.open.entries().next().value!;
        this.open.delete(oldest);
        void rec.then((r) => r.close(), () => undefined);
      }
    }
    return { uri: u, rec: await p };
  }

  private info(u: string, rec: Recording, buckets = 600): ReplayInfo {
    const session = McapReplaySource.active().find((s) => s.recording === rec);
    return {
      uri: u,
      files: rec.files.length,
      range: rec.range,
      state: rec.state,
      hasRecordedSnapshots: rec.hasRecordedSnapshots,
      notices: [...rec.notices],
      unknownChannels: [...rec.unknownChannels],
      twin: rec.metadata.twin ?? null,
      timeline: rec.state === 'ready' ? rec.timeline(buckets) : null,
      loop: session?.getLoop() ?? null,
    };
  }
}
