/**
 * One live telemetry session: source → hub (positioning, alerts) → MCAP recorder.
 *
 * Shared by `twin record` (no renderer) and the TelemetryService (`twin serve` / Electron, which
 * adds frames to the page and the API). Wiring decided here:
 *  - Beacon registry: the `beacons` option (`--beacons FILE`), else the source's own `beacons()`
 *    (the testbed source has one). With a registry, the hub runs PositioningService on scans.
 *  - Testbed extras, when the source exposes them: `layout` gives the walkable map for
 *    positioning and space areas for the crowding alert; `robotZones()` the allowed spaces of each
 *    robot for the outside-zone alert.
 *  - Privacy: device ids are pseudonymised (main/privacy/Pseudonymiser) before the hub, unless
 *    `pseudonymise: false`.
 *  - The recorder gets every accepted record and every alert; `stop()` records what the source
 *    flushes on stop, then closes the file properly.
 */
import type { BeaconRegistry, TelemetryRecord } from '../../common/records.js';
import type { TestbedLayout } from '../../common/testbedLayout.js';
import type { Source, SourceListener, SourceStatus } from '../../common/source.js';
import { PositioningService } from '../../workers/positioning/PositioningService.js';
import { walkableFromLayout } from '../../workers/positioning/walkableFromLayout.js';
import { Pseudonymiser } from '../privacy/Pseudonymiser.js';
import { McapRecorder, type RecorderStatus, type RecorderTarget } from '../recording/McapRecorder.js';
import { AlertEngine, polygonArea, type AllowedZone } from './AlertEngine.js';
import { Hub } from './Hub.js';

export interface PipelineSettings {
  staleAfterSeconds: number;
  batteryLowThreshold: number;
  densityAlertPerM2: number;
}

export interface TelemetryPipelineOptions {
  source: Source;
  /** Where to record, or null for no recording. */
  record: RecorderTarget | null;
  beacons?: BeaconRegistry | null;
  model?: { name: string; hash: string } | null;
  settings: PipelineSettings;
  /**
   * Pseudonymise device ids (scans, positions, people) before the hub sees them, so nothing
   * shows or records them in clear (docs/privacy.md). Default true.
   */
  pseudonymise?: boolean;
  /** Extra listener for source status changes (UI). */
  onStatus?: (status: SourceStatus) => void;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** Optional abilities a source may have (duck-typed: the testbed source has them). */
interface BeaconSource {
  beacons(): BeaconRegistry;
}
interface LayoutSource {
  layout: TestbedLayout;
}
interface ZonedSource {
  robotZones(): { id: string; floor: string; spaces: string[] }[];
}
const hasBeacons = (s: object): s is BeaconSource => typeof (s as Partial<BeaconSource>).beacons === 'function';
const hasLayout = (s: object): s is LayoutSource => typeof (s as Partial<LayoutSource>).layout === 'object' && (s as Partial<LayoutSource>).layout !== null;
const hasZones = (s: object): s is ZonedSource => typeof (s as Partial<ZonedSource>).robotZones === 'function';

export type PipelineState = 'created' | 'running' | 'stopped';

export class TelemetryPipeline {
  readonly hub: Hub;
  readonly source: Source;
  private recorder: McapRecorder | null = null;
  private positioner: PositioningService | null = null;
  private readonly privacy: Pseudonymiser | null;
  private state: PipelineState = 'created';
  private readonly disposers: (() => void)[] = [];
  private cutoffT: number | undefined;

  constructor(private readonly options: TelemetryPipelineOptions) {
    this.source = options.source;
    this.privacy = options.pseudonymise === false ? null : new Pseudonymiser();
    const s = options.settings;
    this.hub = new Hub({
      staleAfterSeconds: s.staleAfterSeconds,
      alerts: new AlertEngine({ batteryLowThreshold: s.batteryLowThreshold, densityPerM2: s.densityAlertPerM2 }),
    });
  }

  /** Opens the recording and starts the source. */
  async start(): Promise<void> {
    if (this.state !== 'created') throw new Error(`TelemetryPipeline: start() while ${this.state}`);
    this.state = 'running';
    const { record, model } = this.options;
    if (record) {
      this.recorder = await McapRecorder.create({
        target: record,
        metadata: { source: this.source.uri, modelName: model?.name, modelHash: model?.hash },
      });
      const recorder = this.recorder;
      this.disposers.push(this.hub.onRecords((batch, at) => recorder.write(batch, at)));
    }
    const listener: SourceListener = {
      onBatch: (batch: readonly TelemetryRecord[]) => {
        if (this.state !== 'running' && this.state !== 'stopped') return;
        let records = batch;
        const cut = this.cutoffT;
        if (cut !== undefined) records = batch.filter((r) => r.kind === 'rejected' || r.record.t <= cut);
        this.hub.ingest(this.privacy ? this.privacy.applyBatch(records) : records, Date.now());
      },
      onStatus: (status) => {
        this.hub.setSourceStatus(status);
        this.options.onStatus?.(status);
      },
    };
    await this.source.start(listener);
    this.configureFromSource();
  }

  /** Stops the source (delivering what it still holds), runs a last tick, closes the recording. */
  async stop(): Promise<void> {
    if (this.state !== 'running') return;
    try {
      await this.source.stop();
    } finally {
      this.state = 'stopped';
      this.hub.tick();
      for (const d of this.disposers.splice(0)) d();
      this.recorder?.close();
      this.positioner?.dispose();
      this.privacy?.dispose();
      this.hub.dispose();
    }
  }

  /**
   * Records with `t` after this (epoch ms) are ignored: `twin record --duration` on a source that
   * runs faster than real time delivers whole simulated seconds per tick, so the end is cut exactly.
   */
  setCutoff(t: number | undefined): void {
    this.cutoffT = t;
  }

  sourceStatus(): SourceStatus {
    return this.source.status();
  }

  recorderStatus(): RecorderStatus | null {
    return this.recorder?.status() ?? null;
  }

  private configureFromSource(): void {
    const src = this.source as object;
    const layout = hasLayout(src) ? src.layout : null;
    const registry = this.options.beacons ?? (hasBeacons(src) ? src.beacons() : null);
    if (registry && registry.beacons.length > 0) {
      this.positioner = new PositioningService(registry, layout ? { walkable: walkableFromLayout(layout) } : {});
      this.hub.setPositioner(this.positioner);
      this.options.log?.('info', `telemetry: positioning on, ${registry.beacons.length} beacons`);
    }
    if (layout) {
      const areas = new Map<string, number>();
      const byName = new Map<string, number>();
      for (const sp of layout.spaces) {
        const a = polygonArea(sp.polygon);
        areas.set(sp.id, a);
        byName.set(sp.name, byName.has(sp.name) ? -1 : a); // ambiguous names get no area
      }
      for (const [name, a] of byName) if (a > 0 && !areas.has(name)) areas.set(name, a);
      this.hub.alerts.config.zoneAreas = areas;
      if (hasZones(src)) {
        const polygons = new Map(layout.spaces.map((sp) => [sp.id, sp.polygon]));
        const zones = new Map<string, AllowedZone[]>();
        for (const z of src.robotZones()) {
          zones.set(z.id, z.spaces.flatMap((id) => (polygons.has(id) ? [{ floor: z.floor, polygon: polygons.get(id)! }] : [])));
        }
        this.hub.alerts.config.zones = zones;
      }
    }
  }
}
