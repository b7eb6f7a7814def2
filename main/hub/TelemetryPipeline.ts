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
 *  - The session model's structure (`structure` option, or `setStructure` when extraction ends
 *    after the source started), for sources without a layout (MQTT, NGSI-LD, replay): its spaces
 *    are the crowding zones (main/hub/structureZoneAreas), its walkable map constrains
 *    positioning, it gives a beacon registry when neither `beacons` nor the source has one
 *    (main/sources/placeBeaconsOnStructure), and its georeference turns WGS84 lat/lon records
 *    into building x/y before the hub (main/sources/georeferenceRecords). Applying it later loses
 *    nothing: records already received stay as they were; the next ones use it.
 *  - Occupancy (main/hub/PositionOccupancy): people counts per zone derived from the positions the
 *    hub accepts (given or computed from scans), every 10 s of source time, in the same zones
 *    (layout spaces, or the model's spaces and storeys, main/hub/occupancyZones), ingested through
 *    the hub like a source's counts — so the crowding alert fires for any positioning source and
 *    the recorder writes them on /count. A zone the source counts itself is never derived.
 *  - Privacy: device ids are pseudonymised (main/privacy/Pseudonymiser) before the hub, unless
 *    `pseudonymise: false`.
 *  - The recorder gets every accepted record and every alert; `stop()` records what the source
 *    flushes on stop, then closes the file properly.
 *  - Every status it hands on (`sourceStatus`, `onStatus`, the frames' health) carries `lastDataAt`,
 *    when the hub last saw new data, so a page opened during an outage counts the silence from then.
 */
import type { BuildingStructure } from '../../common/buildingStructure.js';
import type { BeaconRegistry, TelemetryRecord } from '../../common/records.js';
import type { TestbedLayout } from '../../common/testbedLayout.js';
import type { RegistryOrigin, Source, SourceListener, SourceStatus } from '../../common/source.js';
import { PositioningService } from '../../workers/positioning/PositioningService.js';
import { walkableFromLayout, type LayoutWalkable } from '../../workers/positioning/walkableFromLayout.js';
import { walkableFromStructure } from '../../workers/positioning/walkableFromStructure.js';
import { georeferenceRecords, recordFrameOf, type RecordFrame } from '../sources/georeferenceRecords.js';
import { placeBeaconsOnStructure } from '../sources/placeBeaconsOnStructure.js';
import { positioningStatus, registryWarning } from './beaconRegistryFit.js';
import { Pseudonymiser } from '../privacy/Pseudonymiser.js';
import { McapRecorder, RecordingNotStartedError, type RecorderStatus, type RecorderTarget } from '../recording/McapRecorder.js';
import { AlertEngine, polygonArea, type AllowedZone } from './AlertEngine.js';
import { Hub } from './Hub.js';
import { occupancyZones } from './occupancyZones.js';
import { PositionOccupancy, type PositionOccupancyOptions } from './PositionOccupancy.js';
import { layoutZoneLabels, structureZoneAreas, structureZoneLabels } from './structureZoneAreas.js';

export interface PipelineSettings {
  staleAfterSeconds: number;
  batteryLowThreshold: number;
  densityAlertPerM2: number;
}

export interface TelemetryPipelineOptions {
  source: Source;
  /** How often the owner ticks the hub, wall ms (HubOptions.tickEveryMs: a longer gap is this process's stall, not the source's silence). */
  tickEveryMs?: number;
  /** Where to record, or null for no recording. */
  record: RecorderTarget | null;
  beacons?: BeaconRegistry | null;
  model?: { name: string; hash: string } | null;
  /** The model's structure when already known (see `setStructure`). */
  structure?: BuildingStructure | null;
  settings: PipelineSettings;
  /**
   * Pseudonymise device ids (scans, positions, people) before the hub sees them, so nothing
   * shows or records them in clear (docs/privacy.md). Default true.
   */
  pseudonymise?: boolean;
  /** Derived people counts (period, window); `false` turns them off. Default 10 s / 30 s. */
  occupancy?: Omit<PositionOccupancyOptions, 'rewindable'> | false;
  /** Extra listener for source status changes (UI). */
  onStatus?: (status: SourceStatus) => void;
  /** The recording stopped by itself or could not start (disk space, a failed write): why, for the user. Once. */
  onRecordingStopped?: (why: string) => void;
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
  private stoppedWhy: string | undefined;
  /** When the source last became live, host wall ms (SourceStatus `liveSince`); null while it is not. */
  private liveSince: number | null = null;
  private positioner: PositioningService | null = null;
  private readonly privacy: Pseudonymiser | null;
  private state: PipelineState = 'created';
  private readonly disposers: (() => void)[] = [];
  private cutoffT: number | undefined;
  private structure: BuildingStructure | null;
  private recordFrame: RecordFrame | null;
  private registry: BeaconRegistry | null = null;
  private registryOrigin: RegistryOrigin = 'model';
  /** The registry's fit to the scans, as last judged (beaconRegistryFit): the warning, or null. */
  private registryWarning: string | null = null;
  /** A registry loaded while running (`setBeacons`): takes the place of the `beacons` option. */
  private loadedBeacons: BeaconRegistry | null | undefined;
  /** What the positioner was built from ("registry origin|walkable origin"), to rebuild only on change. */
  private positionerKey = '';
  private zonesFromModel = false;
  /** Bumped by every `setStructure`, so another model's beacons and map replace the positioner. */
  private structureVersion = 0;
  /** Bumped by every `setBeacons`, so a loaded registry replaces the positioner. */
  private beaconsVersion = 0;
  private readonly occupancy: PositionOccupancy | null;
  /** What the occupancy zones were built from, to rebuild only on change. */
  private occupancyKey = '';
  /** True while derived counts go through the hub (so they are not taken for the source's). */
  private derivingCounts = false;

  constructor(private readonly options: TelemetryPipelineOptions) {
    this.source = options.source;
    this.privacy = options.pseudonymise === false ? null : new Pseudonymiser();
    const s = options.settings;
    this.hub = new Hub({
      staleAfterSeconds: s.staleAfterSeconds,
      ...(options.tickEveryMs !== undefined ? { tickEveryMs: options.tickEveryMs } : {}),
      alerts: new AlertEngine({ batteryLowThreshold: s.batteryLowThreshold, densityPerM2: s.densityAlertPerM2 }),
    });
    this.structure = options.structure ?? null;
    this.recordFrame = this.structure ? recordFrameOf(this.structure) : null;
    this.occupancy = options.occupancy === false ? null : new PositionOccupancy({ ...options.occupancy, rewindable: this.source.capabilities.has('seek') });
  }

  /** Opens the recording and starts the source. */
  async start(): Promise<void> {
    if (this.state !== 'created') throw new Error(`TelemetryPipeline: start() while ${this.state}`);
    this.state = 'running';
    const { record, model } = this.options;
    if (record) {
      // A recording that cannot start or goes on (no disk space, a failed write) is said, and the session goes on without it.
      try {
        this.recorder = await McapRecorder.create({
          target: record,
          metadata: { source: this.source.uri, modelName: model?.name, modelHash: model?.hash },
          onStopped: (why) => this.recordingStopped(why),
        });
        const recorder = this.recorder;
        this.disposers.push(this.hub.onRecords((batch, at) => recorder.write(batch, at)));
      } catch (e) {
        const message = (e as Error).message;
        this.recordingStopped(e instanceof RecordingNotStartedError ? message : `recording not started: ${'file' in record ? record.file : record.dir}: ${message}`);
      }
    }
    const occupancy = this.occupancy;
    if (occupancy) this.disposers.push(this.hub.onRecords((batch) => {
      if (!this.derivingCounts) occupancy.observe(batch);
    }));
    const listener: SourceListener = {
      onBatch: (batch: readonly TelemetryRecord[]) => {
        if (this.state !== 'running' && this.state !== 'stopped') return;
        let records = batch;
        const cut = this.cutoffT;
        if (cut !== undefined) records = batch.filter((r) => r.kind === 'rejected' || r.record.t <= cut);
        if (this.recordFrame) records = georeferenceRecords(records, this.recordFrame);
        const now = Date.now();
        this.hub.ingest(this.privacy ? this.privacy.applyBatch(records) : records, now);
        this.deriveCounts(now);
        this.judgeRegistry(now);
      },
      // A jump in record time (replay): the hub's picture goes, the twin at the new moment follows (Hub.reset).
      onJump: () => this.hub.reset(),
      onStatus: (sourceStatus) => {
        this.noteState(sourceStatus.state);
        const status = this.withLastData(sourceStatus);
        this.hub.setSourceStatus(status);
        this.options.onStatus?.(status);
      },
    };
    await this.source.start(listener);
    // stop() may have come while the source was connecting (Ctrl+C in twin record).
    if (this.state === 'running') this.configure();
  }

  /**
   * The model's structure became known (or changed): crowding zones, positioning map, model
   * beacons and georeference follow it from the next record on. Nothing received is dropped.
   */
  setStructure(structure: BuildingStructure | null): void {
    this.structure = structure;
    this.structureVersion++;
    this.recordFrame = structure ? recordFrameOf(structure) : null;
    if (this.state === 'running') this.configure();
  }

  /** The beacon registry positioning uses (option, source, or placed on the model), or null. */
  beacons(): BeaconRegistry | null {
    return this.registry;
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

  /** The source's status, with when data last came (`lastDataAt`, the hub's: no source keeps it itself). */
  sourceStatus(): SourceStatus {
    const status = this.source.status();
    this.noteState(status.state);
    return this.withLastData(status);
  }

  /** Keeps when the source last became live (SourceStatus `liveSince`). */
  private noteState(state: SourceStatus['state']): void {
    if (state !== 'live') this.liveSince = null;
    else if (this.liveSince === null) this.liveSince = Date.now();
  }

  recorderStatus(): RecorderStatus | null {
    return this.recorder?.status() ?? null;
  }

  /** Why the recording stopped by itself or never started (disk space, a failed write), or undefined. */
  get recordingStoppedWhy(): string | undefined {
    return this.stoppedWhy;
  }

  private recordingStopped(why: string): void {
    this.stoppedWhy = why;
    this.options.log?.('error', why);
    this.options.onRecordingStopped?.(why);
  }

  private withLastData(status: SourceStatus): SourceStatus {
    // Said once there are scans to position (a replay's devices come with their recorded positions: none).
    const p = this.positioner, registry = this.registry, fit = p?.fit();
    return {
      ...status,
      lastDataAt: this.hub.lastDataAt,
      liveSince: this.liveSince,
      ...(fit && fit.scans > 0 && registry ? { positioning: positioningStatus(fit, this.registryOrigin, registry.beacons.length, this.registryWarning) } : {}),
    };
  }

  /**
   * A beacon registry loaded while running (the app's Source health panel): it replaces the `beacons` option
   * and the source's or model's registry from the next scan on; null goes back to those.
   */
  setBeacons(registry: BeaconRegistry | null): void {
    this.loadedBeacons = registry;
    this.beaconsVersion++;
    if (this.state === 'running') this.configure();
  }

  /** Does the registry fit the recent scans? Raises or clears the `beacon-registry` alert (beaconRegistryFit). */
  private judgeRegistry(wallNow: number): void {
    const warning = this.positioner ? registryWarning(this.positioner.fit(), this.registryOrigin, this.registryWarning !== null) : null;
    if (warning === this.registryWarning) return;
    const changed = (warning === null) !== (this.registryWarning === null);
    this.registryWarning = warning;
    if (changed) this.hub.alerts.onBeaconRegistry(warning, this.hub.clock(wallNow));
  }

  /** Derived counts of a period boundary the source clock passed, through the hub (alert, recorder, frames). */
  private deriveCounts(receivedAt: number): void {
    const counts = this.occupancy?.take();
    if (!counts || counts.length === 0) return;
    this.derivingCounts = true;
    try {
      this.hub.ingest(counts.map((record) => ({ kind: 'count' as const, record })), receivedAt);
    } finally {
      this.derivingCounts = false;
    }
  }

  private configure(): void {
    const src = this.source as object;
    const layout = hasLayout(src) ? src.layout : null;
    // A source with its own layout (testbed) is its own truth; the model serves the others.
    const structure = layout ? null : this.structure;
    const file = this.loadedBeacons !== undefined ? this.loadedBeacons : this.options.beacons;
    const given = file ?? (hasBeacons(src) ? src.beacons() : null);
    let registry: BeaconRegistry | null = null;
    let origin = '';
    if (given && given.beacons.length > 0) [registry, origin] = [given, file ? `file#${this.beaconsVersion}` : 'source'];
    else if (structure) [registry, origin] = [placeBeaconsOnStructure(structure), `model#${this.structureVersion}`];
    this.registryOrigin = origin.startsWith('file') ? 'file' : origin === 'source' ? 'source' : 'model';
    let walkable: LayoutWalkable | undefined;
    if (layout) [walkable, origin] = [walkableFromLayout(layout), `${origin}|layout`];
    else if (structure) [walkable, origin] = [walkableFromStructure(structure), `${origin}|model#${this.structureVersion}`];
    this.registry = registry && registry.beacons.length > 0 ? registry : null;
    if (!this.registry && this.positioner) {
      // The model that gave the beacons went away (another model opened).
      this.positioner.dispose();
      this.positioner = null;
      this.positionerKey = '';
      this.hub.setPositioner(null);
    }
    if (this.registry && origin !== this.positionerKey) {
      this.positioner?.dispose();
      this.positioner = new PositioningService(this.registry, walkable ? { walkable } : {});
      this.positionerKey = origin;
      this.hub.setPositioner(this.positioner);
      const where = origin.startsWith('model') ? ' placed on the model' : '';
      this.options.log?.('info', `telemetry: positioning on, ${this.registry.beacons.length} beacons${where}${walkable ? `, walkable map of ${walkable.floors.length} floors` : ''}`);
    }
    this.judgeRegistry(Date.now()); // a new positioner starts with no scans judged: an old warning ends
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
      // The testbed on a loaded model counts its spaces under their GlobalIds: alerts name the room.
      this.hub.alerts.config.zoneLabels = layoutZoneLabels(layout, this.structure);
      if (hasZones(src)) {
        const polygons = new Map(layout.spaces.map((sp) => [sp.id, sp.polygon]));
        const zones = new Map<string, AllowedZone[]>();
        for (const z of src.robotZones()) {
          zones.set(z.id, z.spaces.flatMap((id) => (polygons.has(id) ? [{ floor: z.floor, polygon: polygons.get(id)! }] : [])));
        }
        this.hub.alerts.config.zones = zones;
      }
    } else if (structure) {
      this.zonesFromModel = true;
      this.hub.alerts.config.zoneAreas = structureZoneAreas(structure);
      this.hub.alerts.config.zoneLabels = structureZoneLabels(structure);
      this.options.log?.('info', `telemetry: crowding zones from the model, ${structure.spaces.length} spaces${this.recordFrame ? ', WGS84 records placed with its georeference' : ''}`);
    } else if (this.zonesFromModel) {
      this.zonesFromModel = false; // the model went away: its spaces are no zones any more
      this.hub.alerts.config.zoneAreas = new Map();
      this.hub.alerts.config.zoneLabels = new Map();
    }
    const zonesKey = layout ? 'layout' : structure ? `model#${this.structureVersion}` : '';
    if (this.occupancy && zonesKey !== this.occupancyKey) {
      this.occupancyKey = zonesKey;
      this.occupancy.setZones(layout ? occupancyZones({ kind: 'layout', layout }) : structure ? occupancyZones({ kind: 'structure', structure }) : []);
    }
  }
}
