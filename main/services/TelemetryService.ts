/**
 * The live telemetry of a workbench session (web host or Electron): one TelemetryPipeline at a
 * time (source → hub → recorder), frames to every page, and the `source.*` / `alerts.*` methods
 * of common/api.ts.
 *
 * Frames: a timer every FRAME_MS calls `hub.tick()`; a frame (common/telemetryFrame.ts) goes to
 * the pages as ONE binary 'telemetry' event (ApiServer skips pages that cannot keep up; the next
 * full frame, at most 2 s later, repairs them). Alerts are also broadcast as JSON `alert` events,
 * and source status as `source.status` (on change, and once a second for the health counts).
 *
 * `source.connect` replaces the running pipeline (the old recording file is closed properly).
 *
 * The model's structure (ModelStructureService) goes to every pipeline: when it is ready at
 * connect time, at once; when it becomes ready later (or another model opens), the running
 * pipeline is told (`setStructure`) without a restart, so nothing received is lost.
 */
import { z } from 'zod';
import type { SessionInfo } from '../../common/api.js';
import { BeaconRegistrySchema, type BeaconRegistry } from '../../common/records.js';
import type { SourceStatus } from '../../common/source.js';
import type { ApiServer } from '../host/ApiServer.js';
import type { ModelStructureService } from './ModelStructureService.js';
import { TelemetryPipeline, type PipelineSettings } from '../hub/TelemetryPipeline.js';
import { createSource, SourceUriError } from '../sources/sourceUri.js';
import { createTestbedSourceForModel, testbedLayoutChanged, type TestbedModel } from '../sources/testbed/testbedSourceForModel.js';
import { liveFramePasses } from '../replay/LiveFrameGate.js';
import type { WorkbenchService } from './Workbench.js';

/** Frame period, ms (≈ 30 frames/s: coalesced well under the 50 ms budget). */
export const FRAME_MS = 33;
const STATUS_MS = 1000;

export interface TelemetryServiceOptions {
  api: ApiServer;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  settings: () => PipelineSettings;
  model: () => { name: string; hash: string } | null;
  /** Folder for rotating recordings, or null to not record. */
  recordDir: string | null;
  beacons?: BeaconRegistry | null;
  /** The session model's structure (crowding zones, positioning map and beacons, georeference). */
  structure?: ModelStructureService;
  /** Called when the source changed (so the session info is re-broadcast). */
  onSessionChange?: () => void;
}

const empty = z.object({}).strict();

export class TelemetryService implements WorkbenchService {
  private pipeline: TelemetryPipeline | null = null;
  private readonly frameTimer: ReturnType<typeof setInterval>;
  private readonly statusTimer: ReturnType<typeof setInterval>;
  private readonly disposers: (() => void)[] = [];
  private pipelineDisposers: (() => void)[] = [];
  private switching: Promise<unknown> = Promise.resolve();
  /** The recording's file and size last broadcast ('recording.status'). */
  private recordingSig = '';
  /** The beacon registry given at start (`--beacons`) or loaded since (`source.setBeacons`); null: the source's or the model's. */
  private beacons: BeaconRegistry | null;

  constructor(private readonly options: TelemetryServiceOptions) {
    this.beacons = options.beacons ?? null;
    this.registerApi();
    this.frameTimer = setInterval(() => this.pipeline?.hub.tick(), FRAME_MS);
    this.statusTimer = setInterval(() => {
      if (this.pipeline) options.api.broadcast('source.status', this.pipeline.sourceStatus());
      // The session info carries the recording as it was when the session changed: its size grows
      // and rotation starts new files, so the status bar hears of both here.
      const recording = this.recording();
      const sig = recording ? `${recording.file ?? ''}|${recording.bytes}` : '';
      if (sig !== this.recordingSig) {
        this.recordingSig = sig;
        options.api.broadcast('recording.status', recording);
      }
    }, STATUS_MS);
    this.frameTimer.unref?.();
    this.statusTimer.unref?.();
    if (options.structure) {
      // `testbed:` runs ON the model: once its layout is derived (in a worker thread, after the structure) it restarts there;
      // a model whose structure cannot be read stops it (UnavailableTestbedSource, saying why), as one with nothing walkable.
      const restartTestbedOnModel = () => {
        const p = this.pipeline;
        if (p && p.source.uri.startsWith('testbed:') && testbedLayoutChanged(p.source, this.testbedModel())) {
          this.connect(p.source.uri).catch((e: unknown) => options.log('error', `telemetry: restarting ${p.source.uri} on the model: ${(e as Error).message}`));
        }
      };
      this.disposers.push(
        options.structure.onChange((info) => {
          this.pipeline?.setStructure(info.status === 'ready' ? info.structure : null);
          if (info.status !== 'pending') restartTestbedOnModel();
        }),
        options.structure.onTestbedLayout(restartTestbedOnModel),
      );
    }
  }

  /** Starts (or replaces) the source. A bad URI throws SourceUriError. */
  connect(uri: string): Promise<SourceStatus> {
    const next = this.switching.then(() => this.doConnect(uri));
    this.switching = next.catch(() => undefined);
    return next;
  }

  async disconnect(): Promise<void> {
    const next = this.switching.then(() => this.stopPipeline());
    this.switching = next.catch(() => undefined);
    await next;
    this.options.onSessionChange?.();
  }

  sourceStatus(): SourceStatus | null {
    return this.pipeline?.sourceStatus() ?? null;
  }

  recording(): SessionInfo['recording'] {
    if (!this.options.recordDir) return null;
    const r = this.pipeline?.recorderStatus(), stopped = this.pipeline?.recordingStoppedWhy;
    return { dir: this.options.recordDir, file: r?.file ?? null, bytes: r?.bytes ?? 0, ...(stopped !== undefined ? { stopped } : {}) };
  }

  /** The files the current source's recorder has written (none before it starts, or when it does not record). */
  recordingFiles(): string[] {
    return this.pipeline?.recorderStatus()?.files ?? [];
  }

  /** The running pipeline (tests, status bar). */
  current(): TelemetryPipeline | null {
    return this.pipeline;
  }

  async dispose(): Promise<void> {
    clearInterval(this.frameTimer);
    clearInterval(this.statusTimer);
    await this.switching;
    await this.stopPipeline();
    for (const d of this.disposers.splice(0)) d();
  }

  private async doConnect(uri: string): Promise<SourceStatus> {
    // Throws SourceUriError before anything is torn down. `testbed:` runs on the session model's building.
    const source = uri.startsWith('testbed:') ? createTestbedSourceForModel(uri, this.testbedModel(), this.options.log) : createSource(uri);
    await this.stopPipeline();
    const { api, log } = this.options;
    const pipeline = new TelemetryPipeline({
      source,
      tickEveryMs: FRAME_MS,
      // A replay is already a recording: recording it again would only duplicate it.
      record: this.options.recordDir && !uri.startsWith('file:') ? { dir: this.options.recordDir } : null,
      beacons: this.beacons,
      model: this.options.model(),
      structure: this.options.structure?.current() ?? null,
      settings: this.options.settings(),
      onStatus: (s) => api.broadcast('source.status', s),
      // Said at once; the status bar then keeps saying it (recording.status, checked every second).
      onRecordingStopped: (message) => api.broadcast('notice', { level: 'error', message }),
      log,
    });
    this.pipeline = pipeline;
    this.pipelineDisposers.push(
      // Held back while a live review (main/replay/LiveReview.ts) shows the recent past.
      pipeline.hub.onFrame((frame) => liveFramePasses(api, frame) && api.broadcastBinary('telemetry', frame)),
      pipeline.hub.onAlert((a) => api.broadcast('alert', a)),
    );
    await pipeline.start();
    const recording = this.options.recordDir && pipeline.recorderStatus()?.state === 'recording' ? `, recording into ${this.options.recordDir}` : '';
    log('info', `telemetry: source ${uri} started${recording}`);
    this.options.onSessionChange?.();
    return pipeline.sourceStatus();
  }

  /** The session model for `testbed:` (main/sources/testbed/testbedSourceForModel.ts), its structure once extracted. */
  private testbedModel(): TestbedModel | null {
    const m = this.options.model();
    if (!m) return null;
    const info = this.options.structure?.get();
    const structure = info?.status === 'ready' && info.hash === m.hash ? info.structure : null;
    if (info?.status === 'failed' && info.hash === m.hash) return { name: m.name, hash: m.hash, structure: null, structureError: info.error };
    // Derived off the main thread (null until then); asking starts it.
    return { name: m.name, hash: m.hash, structure, derived: structure ? this.options.structure!.testbedLayout(m.name) : null };
  }

  private async stopPipeline(): Promise<void> {
    const p = this.pipeline;
    if (!p) return;
    this.pipeline = null;
    for (const d of this.pipelineDisposers.splice(0)) d();
    try {
      await p.stop();
    } catch (e) {
      this.options.log('error', `telemetry: stopping ${p.source.uri}: ${(e as Error).message}`);
    }
  }

  private registerApi(): void {
    const { api } = this.options;
    const requireCapability = (cap: 'seek' | 'speed' | 'loop' | 'publish') => {
      const p = this.pipeline;
      if (!p) throw new Error('no source is connected');
      if (!p.source.capabilities.has(cap)) throw new Error(`source ${p.source.uri} cannot ${cap}`);
      return p.source;
    };
    this.disposers.push(
      api.handle('source.connect', z.object({ uri: z.string().min(1).max(4096) }), async ({ uri }) => {
        try {
          return await this.connect(uri);
        } catch (e) {
          if (e instanceof SourceUriError) throw new Error(e.message);
          throw e;
        }
      }),
      api.handle('source.disconnect', empty, async () => {
        await this.disconnect();
        return null;
      }),
      api.handle('source.seek', z.object({ t: z.number().finite() }), async ({ t }) => {
        const source = requireCapability('seek');
        await source.seek?.(t); // the source tells the pipeline of the jump (SourceListener.onJump)
        return null;
      }),
      api.handle('source.setSpeed', z.object({ speed: z.number().positive().max(1000) }), ({ speed }) => {
        requireCapability('speed').setSpeed?.(speed);
        return null;
      }),
      api.handle('source.pause', empty, () => {
        const s = this.pipeline?.source;
        if (!s?.pause) throw new Error('the source cannot pause');
        s.pause();
        return null;
      }),
      api.handle('source.resume', empty, () => {
        const s = this.pipeline?.source;
        if (!s?.resume) throw new Error('the source cannot resume');
        s.resume();
        return null;
      }),
      api.handle('source.setBeacons', z.object({ registry: BeaconRegistrySchema.nullable() }).strict(), ({ registry }) => {
        if (registry) checkRegistry(registry);
        this.beacons = registry;
        const p = this.pipeline;
        if (!p) return null;
        p.setBeacons(registry);
        this.options.log('info', registry ? `telemetry: beacon registry loaded, ${registry.beacons.length} beacons` : 'telemetry: loaded beacon registry dropped');
        const status = p.sourceStatus();
        api.broadcast('source.status', status);
        return status;
      }),
      api.handle('alerts.acknowledge', z.object({ id: z.string().min(1).max(500) }), ({ id }) => {
        const p = this.pipeline;
        if (!p || !p.hub.alerts.acknowledge(id)) throw new Error(`no active alert "${id}"`);
        return null;
      }),
      api.handle('alerts.list', empty, () => this.pipeline?.hub.alerts.list() ?? []),
    );
  }
}

/** What the schema cannot say about a registry: it names some beacons, each once. */
function checkRegistry(registry: BeaconRegistry): void {
  if (registry.beacons.length === 0) throw new Error('beacon registry: "beacons" is empty; positioning needs at least one beacon');
  const seen = new Set<string>();
  registry.beacons.forEach((b, i) => {
    if (seen.has(b.id)) throw new Error(`beacon registry: beacons[${i}].id "${b.id}" appears twice`);
    seen.add(b.id);
  });
}
