/**
 * The main-side services of one workbench session, shared by the Electron main process and the
 * `twin serve` web host: settings, the building model, logging, and the typed API they expose.
 * Telemetry, recording and replay plug in as `WorkbenchService`s so this file stays small.
 */
import { z } from 'zod';
import { DEFAULT_SETTINGS, SettingsSchema, type ModelInfo, type SessionInfo } from '../../common/api.js';
import type { SourceStatus } from '../../common/source.js';
import { ApiServer } from '../host/ApiServer.js';
import { appPaths, sampleModelPath, type AppPaths } from './AppPaths.js';
import { Logger } from './Logger.js';
import { ModelService } from './ModelService.js';
import { ModelStructureService, type StructureExtractor } from './ModelStructureService.js';
import { SettingsStore } from './SettingsStore.js';
import { setHeatCacheDir } from '../replay/heatBlockCache.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface WorkbenchOptions {
  mode: 'web' | 'electron';
  /** User-data folder (Electron: app.getPath('userData')). */
  userData?: string;
  /** IFC to open; default: the bundled sample building, if present. */
  model?: string;
  /** Mirror warnings and errors (e.g. to stderr). */
  echo?: (line: string) => void;
  /** How model structures are extracted (tests); default: a worker thread (dist/workers/structure.js). */
  extractStructure?: StructureExtractor;
}

/** Something that lives as long as the session and contributes to what the page sees. */
export interface WorkbenchService {
  /** Current source status for `session.info` (the telemetry service provides it). */
  sourceStatus?(): SourceStatus | null;
  recording?(): SessionInfo['recording'];
  /** The files the live source's recorder has written so far (LiveReview keeps to them). */
  recordingFiles?(): string[];
  dispose(): Promise<void> | void;
}

const empty = z.object({}).strict();

export class Workbench {
  readonly paths: AppPaths;
  readonly logger: Logger;
  readonly settings: SettingsStore;
  readonly models: ModelService;
  /** The current model's walkable structure, extracted off the main thread and cached by content hash. */
  readonly structure: ModelStructureService;
  readonly api: ApiServer;
  private readonly services: WorkbenchService[] = [];

  constructor(private readonly options: WorkbenchOptions) {
    this.paths = appPaths(options.userData);
    this.logger = new Logger(this.paths.logFile, options.echo);
    this.settings = new SettingsStore(this.paths.settingsFile, this.logger.log);
    this.models = new ModelService(this.paths.models);
    this.api = new ApiServer(this.logger.log);
    // Heatmap pre-aggregates of opened recordings, reused when the same file is opened again.
    setHeatCacheDir(join(this.paths.cache, 'heat'));
    this.structure = new ModelStructureService({ cacheDir: join(this.paths.cache, 'structure'), log: this.logger.log, extract: options.extractStructure });
    this.models.onOpen((info, path) => this.structure.load({ hash: info.hash, path }));
    this.structure.onChange((info) => this.api.broadcast('model.structure', info));
    this.registerApi();
  }

  /** Opens the initial model. A bad model file is an error the caller reports (exit 2 in the CLI). */
  async start(): Promise<void> {
    const model = this.options.model ?? (existsSync(sampleModelPath()) ? sampleModelPath() : undefined);
    if (model) {
      await this.models.open(model);
      this.logger.log('info', `model: ${model}`);
    } else {
      this.logger.log('warn', 'model: no model given and the bundled sample is missing; starting without a building');
    }
  }

  addService(service: WorkbenchService): void {
    this.services.push(service);
  }

  sessionInfo(): SessionInfo {
    const withSource = this.services.find((s) => s.sourceStatus);
    const withRecording = this.services.find((s) => s.recording);
    return {
      version: process.env.TWIN_VERSION ?? '0.0.0',
      mode: this.options.mode,
      model: this.models.current(),
      source: withSource?.sourceStatus?.() ?? null,
      recording: withRecording?.recording?.() ?? null,
    };
  }

  /** The files the live source's recorder has written so far; null when no service records. */
  recordingFiles(): string[] | null {
    return this.services.find((s) => s.recordingFiles)?.recordingFiles?.() ?? null;
  }

  /**
   * Opens an IFC file from disk as the session's model (File › Open, Open Recent, a file association,
   * the `model.openPath` method): remembers it in the recent list, tells every page, then sends the
   * `model.retry` command with its hash. A page whose earlier load of this very file failed in the viewer
   * loads it again (the session did not change, so nothing else would); any other page ignores it.
   */
  async openModelPath(path: string): Promise<ModelInfo> {
    const info = await this.models.open(path);
    this.settings.addRecent('recentModels', path);
    this.publishSession();
    this.api.broadcast('command', { id: 'model.retry', arg: info.hash });
    return info;
  }

  /** Tells every page the session changed (model opened, source switched). */
  publishSession(): void {
    this.api.broadcast('session', this.sessionInfo());
  }

  async dispose(): Promise<void> {
    for (const s of this.services.splice(0).reverse()) {
      try {
        await s.dispose();
      } catch (e) {
        this.logger.log('error', `dispose: ${(e as Error).message}`);
      }
    }
    this.structure.dispose();
    this.api.closeAll();
  }

  private registerApi(): void {
    const api = this.api;
    api.handle('session.info', empty, () => this.sessionInfo());
    api.handle('model.current', empty, () => this.models.current());
    api.handle('model.structure', empty, () => this.structure.get());
    api.handle('model.openPath', z.object({ path: z.string().min(1).max(4096) }), ({ path }) => this.openModelPath(path));
    api.handle('model.revert', z.object({ failed: z.string().regex(/^[0-9a-f]{64}$/) }), async ({ failed }) => {
      const info = await this.models.revert(failed);
      if (info) {
        this.logger.log('warn', `model: back to ${info.name}: the page could not open the model after it`);
        this.publishSession();
      }
      return info;
    });
    api.handle('settings.get', empty, () => this.settings.get());
    api.handle('settings.set', SettingsSchema.partial().strict() as z.ZodType<Partial<typeof DEFAULT_SETTINGS>>, (patch) => this.settings.set(patch));
    api.handle(
      'app.log',
      z.object({ level: z.enum(['info', 'warn', 'error']), message: z.string().max(10_000) }),
      ({ level, message }) => {
        this.logger.log(level, `renderer: ${message}`);
        return null;
      },
    );
  }
}
