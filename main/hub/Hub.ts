/**
 * The telemetry hub: one source's normalised batches → latest picture, recorder, renderer frames.
 *
 * `ingest(batch)` applies each record in arrival order:
 *  - State / Position / Count: latest per entity (id) / device (id) / zone. A record with the same
 *    id and `t` as one already seen (the latest or one in the short history) is a DUPLICATE:
 *    dropped, counted, not recorded. A record older than the latest for its id is OUT-OF-ORDER:
 *    recorded (it happened) but not applied to the latest picture.
 *  - Scan: duplicates (same device and t as its previous scan) dropped; others recorded and, when a
 *    positioning engine is set (a beacon registry is known), turned into Position records that are
 *    applied and recorded like any other position.
 *  - Alert / Rejected records from the source are passed through to the recorder.
 * Every accepted record (and every alert the AlertEngine raises) goes to `onRecords` subscribers
 * (the recorder) in order; the hub never blocks on them.
 *
 * Time: the hub's clock is source time — the newest record `t` seen (one device's clock far ahead
 * does not move it: NewestTime), advanced by wall time × the
 * source's speed once the source falls silent (see `clock`) — so staleness and "stalled for 30 s" mean the same thing live,
 * in a 60× testbed and in replay. An entity is stale when the clock passes its latest `t` by
 * `staleAfterSeconds`.
 *
 * Frames: `tick()` (called by the service every ~33 ms) marks stale entities, runs the time-based
 * alert rules and, if anything changed, encodes ONE columnar frame (common/telemetryFrame.ts)
 * with the entities, positions and counts updated since the previous frame, and alerts in the
 * side-car; every `fullFrameMs` (and on `requestFullFrame`) the frame carries everything.
 */
import type { AlertRecord, CountRecord, PositionRecord, ScanRecord, StateRecord, TelemetryRecord } from '../../common/records.js';
import type { Disposer, SourceStatus } from '../../common/source.js';
import { encodeTelemetryFrame, type FrameCount, type FrameEntity, type FramePosition, type FrameSidecar } from '../../common/telemetryFrame.js';
import { AlertEngine } from './AlertEngine.js';
import { EntitySlot } from './EntitySlot.js';
import { MAX_TIME_JUMP_MS, NewestTime } from './NewestTime.js';

export { EntitySlot };

/** Wall ms a source may be silent before the hub clock runs on without it. */
export const CLOCK_GRACE_MS = 2000;
/** Wall time over which the source's real rate is measured (Hub.measuredRate), ms. */
export const RATE_WINDOW_MS = 5000;

/** What the hub needs from positioning (workers/positioning PositioningService fits). */
export interface ScanPositioner {
  processBatch(scans: readonly ScanRecord[]): PositionRecord[];
}

export interface HubOptions {
  staleAfterSeconds?: number;
  /** States kept per entity in the short history ring. */
  historyLength?: number;
  /** A full frame at least this often (wall ms). */
  fullFrameMs?: number;
  /** Positions/devices not heard for this long (source ms) are forgotten. */
  forgetAfterMs?: number;
  alerts?: AlertEngine;
  positioner?: ScanPositioner | null;
  /**
   * How often the owner calls `tick` (wall ms), if it does so on a timer. A longer gap between two ticks is a stall
   * of this process (a big batch, a collection), during which it could not hear the source either: that time is
   * not counted as the source's silence. Without it, one 6 s stall of a loaded 60× testbed called the whole fleet
   * stale. Absent: every gap counts (tests tick when they like).
   */
  tickEveryMs?: number;
}

export interface HubStats {
  received: number;
  accepted: number;
  duplicates: number;
  outOfOrder: number;
  rejected: number;
  positionsComputed: number;
  frames: number;
  entities: number;
  devices: number;
}

interface DeviceSlot {
  latest: PositionRecord;
  stale: boolean;
  dirty: boolean;
}

export class Hub {
  readonly alerts: AlertEngine;
  private readonly entities = new Map<string, EntitySlot>();
  private readonly devices = new Map<string, DeviceSlot>();
  private readonly counts = new Map<string, { latest: CountRecord; dirty: boolean }>();
  private readonly lastScanT = new Map<string, number>();
  private readonly dirtyEntities: EntitySlot[] = [];
  private readonly dirtyDevices: DeviceSlot[] = [];
  private dirtyCounts: CountRecord[] = [];
  private pendingAlerts: AlertRecord[] = [];
  private pendingHealth: SourceStatus | undefined;
  private removed: string[] = [];
  private readonly recordSubs = new Set<(batch: readonly TelemetryRecord[], receivedAt: number) => void>();
  private readonly frameSubs = new Set<(frame: Uint8Array) => void>();
  private readonly alertSubs = new Set<(alert: AlertRecord) => void>();
  private readonly stats_: HubStats = { received: 0, accepted: 0, duplicates: 0, outOfOrder: 0, rejected: 0, positionsComputed: 0, frames: 0, entities: 0, devices: 0 };
  /** The newest record t (robust to one device's wild clock: see NewestTime). */
  private readonly newest = new NewestTime();
  private latestWall = 0;
  private lastDataAt_: number | null = null;
  /** Wall ms of the batch being ingested (the reference for NewestTime). */
  private ingestWall = 0;
  private speed = 1;
  /**
   * The rate the source's time really advances (source ms per wall ms), measured over RATE_WINDOW_MS of wall time
   * from `rateAnchor` (wall, newest t); null until measured. A 60× testbed on a loaded machine runs at a few ×: a
   * clock extrapolated at 60× ran minutes ahead of its data and called the whole fleet stale.
   */
  private measuredRate: number | null = null;
  /** Wall ms of the last tick, and the clock it ran at (-Infinity before the first). */
  private lastTickWall = 0;
  private lastTickClock = -Infinity;
  private rateAnchor: { wall: number; t: number } | null = null;
  /**
   * A source that is paused, ended or stopped: its clock holds (no wall time passes for it), so a
   * paused or finished recording does not turn every robot "stalled" and every entity stale.
   * `heldAt` is the clock when it stopped (-Infinity after a seek's reset: the data then sets it).
   */
  private held = false;
  private heldAt = -Infinity;
  /**
   * The source is a recording (its status has a time range): its clock is its records' time only.
   * A replay that falls behind its speed (a loaded machine decoding a big chunk) is not silence:
   * run on at wall time × 16, its clock had every entity stale and every robot stalled.
   */
  private recorded = false;
  private lastFull = -Infinity;
  private fullRequested = true;
  private positioner: ScanPositioner | null;
  private readonly opts: Required<Omit<HubOptions, 'alerts' | 'positioner' | 'tickEveryMs'>> & Pick<HubOptions, 'tickEveryMs'>;

  constructor(options: HubOptions = {}) {
    this.opts = { staleAfterSeconds: 10, historyLength: 120, fullFrameMs: 2000, forgetAfterMs: 10 * 60_000, ...options };
    this.alerts = options.alerts ?? new AlertEngine();
    this.positioner = options.positioner ?? null;
  }

  get staleAfterSeconds(): number {
    return this.opts.staleAfterSeconds;
  }
  set staleAfterSeconds(s: number) {
    this.opts.staleAfterSeconds = s;
  }

  setPositioner(p: ScanPositioner | null): void {
    this.positioner = p;
  }

  /** The recorder's feed: every accepted record and every alert, in order. */
  onRecords(cb: (batch: readonly TelemetryRecord[], receivedAt: number) => void): Disposer {
    this.recordSubs.add(cb);
    return () => this.recordSubs.delete(cb);
  }

  /** Encoded telemetry frames (common/telemetryFrame.ts), produced by `tick`. */
  onFrame(cb: (frame: Uint8Array) => void): Disposer {
    this.frameSubs.add(cb);
    this.fullRequested = true;
    return () => this.frameSubs.delete(cb);
  }

  onAlert(cb: (alert: AlertRecord) => void): Disposer {
    this.alertSubs.add(cb);
    return () => this.alertSubs.delete(cb);
  }

  /**
   * Forgets all latest state (a replay seek jumped in time, possibly backwards, where every record
   * would otherwise count as out-of-order). The next frame is a full frame, so pages drop every
   * entity and device it does not carry; the records that follow rebuild the twin at the new moment.
   */
  reset(): void {
    this.entities.clear();
    this.devices.clear();
    this.counts.clear();
    this.alerts.reset(this.newest.value === -Infinity ? Date.now() : this.newest.value);
    this.newest.reset();
    this.latestWall = 0;
    this.heldAt = -Infinity;
    this.rateAnchor = null; // a jump in time is not the source's pace
    this.lastTickClock = -Infinity;
    this.fullRequested = true;
  }

  /** The next frame carries everything (a page connected). */
  requestFullFrame(): void {
    this.fullRequested = true;
  }

  /**
   * Source clock (epoch ms) at a wall time: the newest record t; once the source has been silent
   * for more than CLOCK_GRACE_MS of wall time, advanced by the silent wall time × speed (the rate its data really
   * came at, where slower than its nominal speed: clockRate). The grace
   * keeps a source that runs slower than its nominal speed (a loaded 60× testbed) from having its
   * entities declared stale by a clock that runs ahead of the data. A recording's clock is its
   * newest record time; while a source is paused or has ended, the clock holds where it stopped
   * (records a step brings still move it on).
   */
  clock(wallNow: number = Date.now()): number {
    const latestT = this.newest.value;
    if (this.held || this.recorded) return latestT === -Infinity && this.heldAt === -Infinity ? wallNow : Math.max(latestT, this.heldAt);
    if (latestT === -Infinity) return wallNow;
    return latestT + Math.max(0, wallNow - this.latestWall - CLOCK_GRACE_MS) * this.clockRate();
  }

  /**
   * How fast the clock runs on through a silence: the source's nominal speed, or the rate its data really came at if
   * slower (not under a tenth of the nominal speed, so that a source whose time crawled still goes stale when it stops).
   */
  private clockRate(): number {
    const m = this.measuredRate;
    return m === null ? this.speed : Math.min(this.speed, Math.max(m, 0.1 * this.speed));
  }

  /** The newest time moved on to `t` at wall `wall`: measures the source's real rate (see measuredRate). */
  private measureRate(t: number, wall: number): void {
    const a = this.rateAnchor;
    if (!a) { this.rateAnchor = { wall, t }; return; }
    if (wall - a.wall < RATE_WINDOW_MS) return;
    this.measuredRate = (t - a.t) / (wall - a.wall);
    this.rateAnchor = { wall, t };
  }

  entity(id: string): EntitySlot | undefined {
    return this.entities.get(id);
  }

  entityIds(): IterableIterator<string> {
    return this.entities.keys();
  }

  position(id: string): PositionRecord | undefined {
    return this.devices.get(id)?.latest;
  }

  count(zone: string): CountRecord | undefined {
    return this.counts.get(zone)?.latest;
  }

  /**
   * Wall ms (this process's clock) when a record last moved the newest record time on, null before any:
   * when data last came from the source (SourceStatus `lastDataAt`). A repeat (a retained message, a
   * duplicate) or a straggler older than the newest is not new data; a seek's `reset` keeps it.
   */
  get lastDataAt(): number | null {
    return this.lastDataAt_;
  }

  stats(): HubStats {
    return { ...this.stats_, entities: this.entities.size, devices: this.devices.size };
  }

  setSourceStatus(status: SourceStatus, wallNow: number = Date.now()): void {
    if (status.speed !== undefined && status.speed > 0) this.speed = status.speed;
    this.recorded = status.range !== undefined;
    const hold = status.state === 'paused' || status.state === 'ended' || status.state === 'stopped';
    if (hold && !this.held) {
      // Where the last tick left it: the time the source took to stop (delivering what it held, a recording's last
      // chunk) is not silence; a `twin record` stopped after 6 s of that stamped every entity stale at its end.
      this.heldAt = this.lastTickClock > -Infinity ? Math.max(this.lastTickClock, this.newest.value) : this.clock(wallNow);
      this.held = true;
    } else if (!hold && this.held) {
      // Playing again: silence is counted from now, not from before the pause.
      this.held = false;
      this.heldAt = -Infinity;
      this.latestWall = wallNow;
      this.rateAnchor = null; // the pause is not the source's pace
    }
    this.pendingHealth = status;
    this.alerts.onSourceStatus(status, this.clock(wallNow));
    this.collectAlerts(wallNow);
  }

  /** Applies a batch (see the class comment). `receivedAt` = wall ms (MCAP logTime). */
  ingest(batch: readonly TelemetryRecord[], receivedAt: number = Date.now()): void {
    const accepted: TelemetryRecord[] = [];
    const newestBefore = this.newest.value;
    let scans: ScanRecord[] | null = null;
    let rejectedHere = 0;
    this.ingestWall = receivedAt;
    this.stats_.received += batch.length;
    for (const r of batch) {
      switch (r.kind) {
        case 'state':
          if (this.applyState(r.record)) accepted.push(r);
          break;
        case 'position':
          if (this.applyPosition(r.record)) accepted.push(r);
          break;
        case 'count':
          if (this.applyCount(r.record)) accepted.push(r);
          break;
        case 'scan': {
          const prev = this.lastScanT.get(r.record.device);
          if (prev === r.record.t) {
            this.stats_.duplicates++;
            break;
          }
          if (prev === undefined || r.record.t > prev) this.lastScanT.set(r.record.device, r.record.t);
          this.noteTime(r.record.t, r.record.device);
          accepted.push(r);
          if (this.positioner) (scans ??= []).push(r.record);
          break;
        }
        case 'alert':
          accepted.push(r);
          break;
        case 'rejected':
          this.stats_.rejected++;
          rejectedHere++;
          accepted.push(r);
          break;
      }
    }
    if (scans && this.positioner) {
      for (const p of this.positioner.processBatch(scans)) {
        this.stats_.positionsComputed++;
        if (this.applyPosition(p)) accepted.push({ kind: 'position', record: p });
      }
    }
    this.stats_.accepted += accepted.length - rejectedHere;
    // Only records that move the newest time on restart the clock's silence: a repeat (retained messages a broker
    // re-sends on reconnect) or a straggler leaves it running, where it used to snap back to the old newest time.
    if (this.newest.value !== newestBefore) { this.latestWall = receivedAt; this.lastDataAt_ = receivedAt; this.measureRate(this.newest.value, receivedAt); }
    if (accepted.length) for (const cb of this.recordSubs) cb(accepted, receivedAt);
    this.collectAlerts(receivedAt);
  }

  /**
   * Time passes: marks stale entities, runs time-based alert rules, forgets long-silent devices,
   * and emits a frame to subscribers if anything changed. Returns the frame (or null).
   */
  tick(wallNow: number = Date.now()): Uint8Array | null {
    const every = this.opts.tickEveryMs;
    if (every !== undefined && this.lastTickWall > 0) {
      const stalled = wallNow - this.lastTickWall - every;
      if (stalled > Math.max(1000, 4 * every)) this.latestWall += stalled;
    }
    this.lastTickWall = wallNow;
    const now = this.clock(wallNow);
    this.lastTickClock = now;
    const staleMs = this.opts.staleAfterSeconds * 1000;
    for (const slot of this.entities.values()) {
      // Silent for the configured time AND for three of its own reporting periods.
      const limitMs = Math.max(staleMs, 3 * slot.interval);
      const stale = now - slot.latest.t > limitMs;
      if (stale !== slot.stale) {
        slot.stale = stale;
        this.alerts.onStale(slot.latest.id, stale, now, Math.round(limitMs / 1000));
        this.markEntity(slot);
      }
    }
    for (const [id, d] of this.devices) {
      const age = now - d.latest.t;
      if (age > this.opts.forgetAfterMs) {
        this.devices.delete(id);
        this.removed.push(id);
        continue;
      }
      const stale = age > staleMs;
      if (stale !== d.stale) {
        d.stale = stale;
        this.markDevice(d);
      }
    }
    this.alerts.tick(now);
    this.collectAlerts(wallNow);
    if (this.frameSubs.size === 0) {
      this.clearDirty();
      return null;
    }
    const full = this.fullRequested || wallNow - this.lastFull >= this.opts.fullFrameMs;
    const sidecar: FrameSidecar = {};
    if (this.pendingAlerts.length) sidecar.alerts = this.pendingAlerts;
    if (this.pendingHealth) sidecar.health = this.pendingHealth;
    if (this.removed.length) sidecar.removed = this.removed;
    const hasDelta = this.dirtyEntities.length + this.dirtyDevices.length + this.dirtyCounts.length > 0 || Object.keys(sidecar).length > 0;
    if (!full && !hasDelta) return null;
    const entities: FrameEntity[] = [];
    const positions: FramePosition[] = [];
    let counts: FrameCount[];
    if (full) {
      for (const s of this.entities.values()) entities.push(toFrameEntity(s));
      for (const d of this.devices.values()) positions.push(toFramePosition(d));
      counts = [...this.counts.values()].map((c) => c.latest);
      this.lastFull = wallNow;
      this.fullRequested = false;
    } else {
      // Rows in the hub's own (creation) order when many changed, not arrival order: a fleet whose
      // units all reported then repeats the previous frame's id table, which the renderer decodes
      // and looks up once (common/telemetryFrame.ts). A few rows keep their arrival order.
      if (this.dirtyEntities.length >= 256 && this.dirtyEntities.length * 4 >= this.entities.size) {
        for (const s of this.entities.values()) if (s.dirty) entities.push(toFrameEntity(s));
      } else for (const s of this.dirtyEntities) entities.push(toFrameEntity(s));
      for (const d of this.dirtyDevices) if (this.devices.get(d.latest.id) === d) positions.push(toFramePosition(d));
      counts = this.dirtyCounts;
    }
    const frame = encodeTelemetryFrame({ time: now, full, entities, positions, counts, sidecar });
    this.clearDirty();
    this.stats_.frames++;
    for (const cb of this.frameSubs) cb(frame);
    return frame;
  }

  dispose(): void {
    this.recordSubs.clear();
    this.frameSubs.clear();
    this.alertSubs.clear();
  }

  private clearDirty(): void {
    for (const s of this.dirtyEntities) s.dirty = false;
    for (const d of this.dirtyDevices) d.dirty = false;
    for (const c of this.counts.values()) c.dirty = false;
    this.dirtyEntities.length = 0;
    this.dirtyDevices.length = 0;
    this.dirtyCounts = [];
    this.pendingAlerts = [];
    this.pendingHealth = undefined;
    this.removed = [];
  }

  private noteTime(t: number, id: string): void {
    this.newest.note(t, id, this.clock(this.ingestWall), MAX_TIME_JUMP_MS * Math.max(1, this.speed));
  }

  private applyState(s: StateRecord): boolean {
    const slot = this.entities.get(s.id);
    if (!slot) {
      const created = new EntitySlot(s, this.opts.historyLength);
      this.entities.set(s.id, created);
      this.dirtyEntities.push(created);
      this.noteTime(s.t, s.id);
      this.alerts.onState(s);
      return true;
    }
    const latestT = slot.latest.t;
    if (s.t === latestT || (s.t < latestT && slot.hasTime(s.t))) {
      this.stats_.duplicates++;
      return false;
    }
    if (s.t < latestT) {
      this.stats_.outOfOrder++;
      return true;
    }
    const dt = s.t - latestT;
    slot.interval = slot.interval === 0 ? dt : 0.8 * slot.interval + 0.2 * dt;
    slot.latest = s;
    slot.push(s);
    this.noteTime(s.t, s.id);
    if (slot.stale) {
      slot.stale = false;
      this.alerts.onStale(s.id, false, s.t, this.opts.staleAfterSeconds);
    }
    this.markEntity(slot);
    this.alerts.onState(s);
    return true;
  }

  private applyPosition(p: PositionRecord): boolean {
    const d = this.devices.get(p.id);
    if (!d) {
      const created: DeviceSlot = { latest: p, stale: false, dirty: false };
      this.devices.set(p.id, created);
      this.markDevice(created);
      this.noteTime(p.t, p.id);
      this.alerts.onPosition(p);
      return true;
    }
    if (p.t === d.latest.t) {
      this.stats_.duplicates++;
      return false;
    }
    if (p.t < d.latest.t) {
      this.stats_.outOfOrder++;
      return true;
    }
    d.latest = p;
    d.stale = false;
    this.noteTime(p.t, p.id);
    this.markDevice(d);
    this.alerts.onPosition(p);
    return true;
  }

  private applyCount(c: CountRecord): boolean {
    const slot = this.counts.get(c.zone);
    if (slot && c.t === slot.latest.t) {
      this.stats_.duplicates++;
      return false;
    }
    if (slot && c.t < slot.latest.t) {
      this.stats_.outOfOrder++;
      return true;
    }
    if (slot) slot.latest = c;
    else this.counts.set(c.zone, { latest: c, dirty: false });
    const s = this.counts.get(c.zone)!;
    if (!s.dirty) {
      s.dirty = true;
      this.dirtyCounts.push(c);
    } else {
      const i = this.dirtyCounts.findIndex((x) => x.zone === c.zone);
      if (i >= 0) this.dirtyCounts[i] = c;
    }
    this.noteTime(c.t, c.zone);
    this.alerts.onCount(c);
    return true;
  }

  private markEntity(slot: EntitySlot): void {
    if (!slot.dirty) {
      slot.dirty = true;
      this.dirtyEntities.push(slot);
    }
  }

  private markDevice(d: DeviceSlot): void {
    if (!d.dirty) {
      d.dirty = true;
      this.dirtyDevices.push(d);
    }
  }

  private collectAlerts(receivedAt: number): void {
    const alerts = this.alerts.drain();
    if (!alerts.length) return;
    this.pendingAlerts.push(...alerts);
    const records: TelemetryRecord[] = alerts.map((a) => ({ kind: 'alert', record: a }));
    for (const cb of this.recordSubs) cb(records, receivedAt);
    for (const a of alerts) for (const cb of this.alertSubs) cb(a);
  }
}

function toFrameEntity(s: EntitySlot): FrameEntity {
  const r = s.latest;
  return {
    id: r.id, kind: r.kind, type: r.type, floor: r.floor, t: r.t, x: r.x, y: r.y, z: r.z, lat: r.lat, lon: r.lon,
    heading: r.heading, speed: r.speed, battery: r.battery, state: r.state, task: r.task, error: r.error, stale: s.stale,
  };
}

function toFramePosition(d: DeviceSlot): FramePosition {
  const p = d.latest;
  return { id: p.id, t: p.t, floor: p.floor, x: p.x, y: p.y, lat: p.lat, lon: p.lon, accuracy: p.accuracy, stale: d.stale };
}
