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
 *    applied and recorded like any other position — except the scans of devices whose positions the
 *    source gives itself (a replayed recording carries the positions computed live, with the registry
 *    of that session): those positions are the truth, and positioning them again with another registry
 *    (beacons placed on the model) made positions nobody used and a false `beacon-registry` warning.
 *  - Alert / Rejected records from the source are passed through to the recorder.
 * Every accepted record (and every alert the AlertEngine raises) goes to `onRecords` subscribers
 * (the recorder) in order; the hub never blocks on them.
 *
 * Time: the hub's clock is source time (SourceClock: the newest record `t`, run on through a silence at the
 * source's pace), so staleness and "stalled for 30 s" mean the same thing live, in a 60× testbed and in replay.
 * An entity is stale when the clock passes its latest `t` by `staleAfterSeconds`.
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
import { SourceClock } from './SourceClock.js';

export { EntitySlot };
export { CLOCK_GRACE_MS, RATE_WINDOW_MS } from './SourceClock.js';

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
   * How often the owner calls `tick` (wall ms), if it does so on a timer: a longer gap between two ticks is a stall
   * of this process, not the source's silence (SourceClock). Absent: every gap counts (tests tick when they like).
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
  /** Set by `reset`: the next batch that brings anything asks for a full frame. */
  private fullOnNextBatch = false;
  /** Devices whose positions the source gives: their scans are not positioned again (see the class comment). */
  private readonly positionedBySource = new Set<string>();
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
  private readonly sourceClock: SourceClock;
  /** Wall ms of the batch being ingested (the reference for the clock's NewestTime). */
  private ingestWall = 0;
  private lastFull = -Infinity;
  private fullRequested = true;
  private positioner: ScanPositioner | null;
  private readonly opts: Required<Omit<HubOptions, 'alerts' | 'positioner' | 'tickEveryMs'>>;

  constructor(options: HubOptions = {}) {
    this.opts = { staleAfterSeconds: 10, historyLength: 120, fullFrameMs: 2000, forgetAfterMs: 10 * 60_000, ...options };
    this.alerts = options.alerts ?? new AlertEngine();
    this.positioner = options.positioner ?? null;
    this.sourceClock = new SourceClock(options.tickEveryMs);
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
    const t = this.sourceClock.newestT;
    this.alerts.reset(t === -Infinity ? Date.now() : t);
    this.sourceClock.reset();
    this.fullRequested = true;
    this.fullOnNextBatch = true;
  }

  /** The next frame carries everything (a page connected). */
  requestFullFrame(): void {
    this.fullRequested = true;
  }

  /** Source clock (epoch ms) at a wall time (SourceClock). */
  clock(wallNow: number = Date.now()): number {
    return this.sourceClock.now(wallNow);
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
    return this.sourceClock.lastDataAt;
  }

  stats(): HubStats {
    return { ...this.stats_, entities: this.entities.size, devices: this.devices.size };
  }

  setSourceStatus(status: SourceStatus, wallNow: number = Date.now()): void {
    this.sourceClock.setStatus(status, wallNow);
    this.pendingHealth = status;
    this.alerts.onSourceStatus(status, this.clock(wallNow));
    this.collectAlerts(wallNow);
  }

  /** Applies a batch (see the class comment). `receivedAt` = wall ms (MCAP logTime). */
  ingest(batch: readonly TelemetryRecord[], receivedAt: number = Date.now()): void {
    const accepted: TelemetryRecord[] = [];
    const newestBefore = this.sourceClock.newestT;
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
          this.positionedBySource.add(r.record.id);
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
    if (scans && this.positionedBySource.size) scans = scans.filter((s) => !this.positionedBySource.has(s.device));
    if (scans?.length && this.positioner) {
      for (const p of this.positioner.processBatch(scans)) {
        this.stats_.positionsComputed++;
        if (this.applyPosition(p)) accepted.push({ kind: 'position', record: p });
      }
    }
    this.stats_.accepted += accepted.length - rejectedHere;
    // The first batch after a reset is the twin at the new moment (a seek's snapshot): its frame is full too, or the
    // page counted the empty full frame sent meanwhile ("0 entities") until the next periodic one, 2 s later.
    if (this.fullOnNextBatch && accepted.length) {
      this.fullOnNextBatch = false;
      this.fullRequested = true;
    }
    this.sourceClock.batchApplied(newestBefore, receivedAt);
    if (accepted.length) for (const cb of this.recordSubs) cb(accepted, receivedAt);
    this.collectAlerts(receivedAt);
  }

  /**
   * Time passes: marks stale entities, runs time-based alert rules, forgets long-silent devices,
   * and emits a frame to subscribers if anything changed. Returns the frame (or null).
   */
  tick(wallNow: number = Date.now()): Uint8Array | null {
    const now = this.sourceClock.tick(wallNow);
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
        this.positionedBySource.delete(id);
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
    this.sourceClock.note(t, id, this.ingestWall);
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
