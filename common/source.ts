/**
 * One interface for every data source: testbed simulator, MQTT, NGSI-LD, MCAP replay,
 * simulation run (STYLE.md habit 4, after Foxglove's Player).
 *
 * A source pushes batches of normalised records to one listener; the promise the listener
 * returns is backpressure (the source does not push the next batch before it settles).
 * Optional abilities are declared in `capabilities`; the UI shows controls only for those.
 */
import type { TelemetryRecord } from './records.js';
import type { RetrySchedule } from './retry.js';

export type SourceCapability = 'seek' | 'speed' | 'loop' | 'publish';

/** Connection lifecycle, as a string union; transitions live in each source's one `setState`. */
export type SourceState = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'playing' | 'paused' | 'ended' | 'error' | 'stopped';

export interface SourceStatus {
  uri: string;
  state: SourceState;
  /** Human-readable detail for the status bar, e.g. the last error ("connect ECONNREFUSED …"). */
  detail?: string;
  /** While `reconnecting`: the next attempt and when it is due (views count down to it, common/retry.ts). */
  retry?: RetrySchedule;
  /** Records accepted / rejected since start. */
  accepted: number;
  rejected: number;
  /** Rejection reasons → counts ("source health" panel). */
  rejectReasons: Record<string, number>;
  /** Time range of the data, epoch ms, for sources that know it (replay). */
  range?: { start: number; end: number };
  /** Current source time, epoch ms (replay position or latest record time). */
  now?: number;
  speed?: number;
  /**
   * Replay: the record time played per wall second over the last seconds of playing, present only when it falls
   * short of `speed` (below 80 % of it): reading, decoding and ingesting the recording cannot keep up on this machine.
   * The simulated testbed: its simulated seconds per wall second over the last second, when below 90 % of `speed`.
   */
  achievedSpeed?: number;
  /**
   * When data last came from the source: wall-clock epoch ms on the host (the process running the source),
   * when a record last moved the newest data time on; null before any. Set by the host's pipeline
   * (main/hub/TelemetryPipeline.ts), not by the sources themselves, so absent from a source's own status.
   * A page counts a live source's silence from it ("no data for 4 min 05 s"), so a page opened or
   * reloaded during an outage shows the whole outage; without it, the page counts from when it saw the
   * data time change. Replay and a flowing testbed carry it too, and show no figure while data flows.
   */
  lastDataAt?: number | null;
  /**
   * When the source last became `live` (connected), wall-clock epoch ms on the host; null while it is not live. Set by
   * the host's pipeline. A page counts the silence of a live source that has sent nothing yet from it: a broker with
   * nobody publishing, or a wrong topic, reads NO DATA after 10 s, not LIVE for good.
   */
  liveSince?: number | null;
  /** Set by the host's pipeline while it turns beacon scans into positions (main/hub/beaconRegistryFit.ts). */
  positioning?: PositioningStatus;
}

/**
 * Where the beacon registry comes from: a file the user gave (`--beacons`, or loaded in the app), the source's own
 * (the testbed's), or beacons the workbench placed on the loaded model (about one per 80 m²) for want of either.
 */
export type RegistryOrigin = 'file' | 'source' | 'model';

export interface PositioningStatus {
  registry: RegistryOrigin;
  beacons: number;
  /** The recent scans the shares are taken over (up to 500; workers/positioning/RegistryFit). */
  scans: number;
  /** Share of their entries naming beacons not in the registry, 0..1. */
  unknownShare: number;
  /** Share of them whose two strongest beacons lie too far apart in the registry for their signals, 0..1. */
  misfitShare: number;
  /** Present when the registry does not fit the scans (positions are wrong): what is wrong and what to do. */
  warning?: string;
}

export interface SourceListener {
  /** A batch of records in arrival order. Resolve when ready for more. */
  onBatch(batch: readonly TelemetryRecord[]): void | Promise<void>;
  onStatus(status: SourceStatus): void;
  /**
   * The source jumped in record time (a replay's seek, step back or loop): the live picture no longer holds. Called
   * right before the batch that is the twin at the new moment, so the old picture shows until that one is ready.
   */
  onJump?(): void;
}

export interface Source {
  readonly uri: string;
  readonly capabilities: ReadonlySet<SourceCapability>;
  start(listener: SourceListener): Promise<void>;
  stop(): Promise<void>;
  status(): SourceStatus;
  seek?(t: number): Promise<void>;
  setSpeed?(speed: number): void;
  pause?(): void;
  resume?(): void;
}

/** Anything that owns a resource. */
export interface Disposable {
  dispose(): void;
}
export type Disposer = () => void;
