/**
 * Raises and clears alerts from the live picture (spec/telemetry.md `/alert`).
 *
 * Rules, each keyed by (code, entity) so one condition is one alert until it clears:
 *  - `error`          critical  state "error" (message = the entity's `error` text); clears when it leaves "error"
 *  - `battery-low`    warning   battery < threshold while not charging; clears at threshold + 0.05 or when charging
 *  - `stalled`        warning   state "moving" with speed < 0.05 m/s, or < 0.5 m displacement, for > 30 s (source time);
 *                               not raised by the passing of time alone while the entity is `stale` (no data)
 *  - `outside-zone`   warning   position outside every zone polygon allowed for the entity (by id, else by type/kind)
 *                               or on a floor not allowed; only for entities with configured zones
 *  - `stale`          warning   no update for `staleAfterSeconds` (the hub decides staleness); not for entities falling
 *                               silent while the connection is lost (its one alert covers them), unless still silent
 *                               that long after it is back
 *  - `silent`         critical  SILENT_GROUP or more entities fell silent (stale) within SILENT_WINDOW_MS of each other while
 *                               the connection is up (their publisher stopped): one alert for them all, entity = the source;
 *                               their own `stale` alerts clear into it, and later silent ones join it (message re-emitted with
 *                               the count at most once a second); cleared when fewer than SILENT_GROUP are still silent, who
 *                               then get their `stale` alerts
 *  - `connection-lost` critical source state "reconnecting" or "error"; clears when "live" again (an "error"
 *                               with a detail says just that, e.g. why the testbed cannot run on the model)
 *  - `crowding`       warning   Count / zone area > densityPerM2 (P/m², default 2.17 = Fruin LoS F); needs the zone's area
 *  - `beacon-registry` warning  the beacon registry does not fit the scans, so people positions are wrong (the host's
 *                               pipeline decides, main/hub/beaconRegistryFit.ts); entity = the source; clears when it fits
 *
 * Alert ids are `code:entity:tRaised` so a raise and its clear share an id and a condition that
 * returns later is a new alert. Times are source time (epoch ms). Acknowledging keeps the alert
 * active but marks it (`acknowledged: true`, re-emitted so recordings and pages see it).
 */
import { pointInPolygon, polygonArea } from '../../common/polygon.js';
import type { AlertRecord, Severity, StateRecord, CountRecord, PositionRecord } from '../../common/records.js';
import type { SourceStatus } from '../../common/source.js';

export interface AllowedZone {
  /** Storey label the entity must be on (e.g. "2F"), if any. */
  floor?: string;
  /** Allowed area on that floor, building frame metres; omitted = the whole floor. */
  polygon?: [number, number][];
}

export interface AlertConfig {
  batteryLowThreshold: number;
  /** P/m² above which a zone is crowded. */
  densityPerM2: number;
  /** Seconds of "moving" without motion before `stalled`. */
  stallSeconds: number;
  /** Allowed zones by entity id, or by entity `type`, or by `kind` (looked up in that order). */
  zones: Map<string, AllowedZone[]>;
  /** Zone (Count.zone) → walkable area m². */
  zoneAreas: Map<string, number>;
  /** Zone (Count.zone) → what messages call it, where the zone's id is not readable (an IFC GlobalId). */
  zoneLabels?: Map<string, string>;
}

export const DEFAULT_ALERT_CONFIG: AlertConfig = {
  batteryLowThreshold: 0.15,
  densityPerM2: 2.17,
  stallSeconds: 30,
  zones: new Map(),
  zoneAreas: new Map(),
};

/** Entities falling silent within SILENT_WINDOW_MS of each other that make one `silent` alert instead of one `stale` each. */
export const SILENT_GROUP = 10;
/** Source time, ms, within which SILENT_GROUP entities falling silent are one event (reporting periods spread them). */
export const SILENT_WINDOW_MS = 15_000;
/** Least source time between two re-emissions of the `silent` alert with a new count, ms. */
const SILENT_UPDATE_MS = 1000;

const STALL_SPEED = 0.05; // m/s
const STALL_DISTANCE = 0.5; // m

interface StallTrack {
  since: number;
  x: number | undefined;
  y: number | undefined;
}

export { pointInPolygon, polygonArea };

export class AlertEngine {
  /** entity → code → active alert (two-level so the hot path needs no key strings). */
  private readonly active = new Map<string, Map<string, AlertRecord>>();
  private readonly stall = new Map<string, StallTrack>();
  private pending: AlertRecord[] = [];
  /**
   * Entities that fell silent while the source's connection was lost (id → their stale limit, s): the one
   * `connection-lost` alert stands for them all, instead of one `stale` alert per robot (60 on the testbed, burying
   * it). Those still silent once the connection has been back for their limit get their `stale` alert then.
   */
  private readonly silentInOutage = new Map<string, number>();
  /** Source time of the first tick after the connection came back; null while lost or not yet ticked. */
  private backSince: number | null = null;
  private connectionLost = false;
  /** The source's URI (the `silent` and `connection-lost` alerts' entity), from its status. */
  private sourceUri = 'source';
  /** Entities whose own `stale` alert was raised within SILENT_WINDOW_MS (id → when, source time). */
  private readonly recentStale = new Map<string, { t: number; limit: number }>();
  /**
   * The mass silence in progress: its silent entities (id → stale limit, s), the limit its message quotes, whether its
   * count changed since the alert was last emitted, and when. A publisher that stopped raised one `stale` per entity
   * (80 006 at one instant from an NGSI-LD page of 60 000 entities), burying every other alert.
   */
  private silence: { ids: Map<string, number>; limit: number; dirty: boolean; emitted: number } | null = null;
  config: AlertConfig;

  constructor(config: Partial<AlertConfig> = {}) {
    this.config = { ...DEFAULT_ALERT_CONFIG, ...config };
  }

  /** Alerts raised, cleared or acknowledged since the last call. */
  drain(): AlertRecord[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /**
   * Forgets every alert (replay jumped in time). Pages learn it as clears of the alerts that were
   * active, so their lists match the new moment.
   */
  reset(t: number): void {
    for (const m of this.active.values()) for (const a of m.values()) this.pending.push({ ...a, t, active: false });
    this.active.clear();
    this.stall.clear();
    this.recentStale.clear();
    this.silence = null;
  }

  /** Active alerts, oldest first. */
  list(): AlertRecord[] {
    const out: AlertRecord[] = [];
    for (const m of this.active.values()) for (const a of m.values()) out.push(a);
    return out.sort((a, b) => a.t - b.t);
  }

  private has(code: string, entity: string): boolean {
    return this.active.get(entity)?.has(code) === true;
  }

  /** Marks an active alert acknowledged; false when no such active alert. */
  acknowledge(id: string): boolean {
    for (const m of this.active.values()) {
      for (const [code, a] of m) {
        if (a.id !== id) continue;
        if (a.acknowledged) return true;
        const acked = { ...a, acknowledged: true };
        m.set(code, acked);
        this.pending.push(acked);
        return true;
      }
    }
    return false;
  }

  /** An applied (newest) state of an entity. */
  onState(s: StateRecord): void {
    const t = s.t;
    const isError = s.state === 'error';
    if (isError !== this.has('error', s.id)) this.set('error', s.id, isError, t, 'critical', () => `${s.id}: error${s.error ? ` — ${s.error}` : ''}`);
    const low = this.config.batteryLowThreshold;
    if (s.battery !== undefined) {
      const wasLow = this.has('battery-low', s.id);
      const isLow = (wasLow ? s.battery < low + 0.05 : s.battery < low) && s.state !== 'charging';
      if (isLow !== wasLow) this.set('battery-low', s.id, isLow, t, 'warning', () => `${s.id}: battery ${Math.round(s.battery! * 100)} % (below ${Math.round(low * 100)} %)`);
    }
    this.checkStall(s);
    this.checkZone(s.id, s.type ?? s.kind, s.kind, s.floor, s.x, s.y, t);
  }

  /** A position of a device (zones by id only: people are not zone-restricted by type). */
  onPosition(p: PositionRecord): void {
    if (this.config.zones.has(p.id)) this.checkZone(p.id, undefined, undefined, p.floor, p.x, p.y, p.t);
  }

  onCount(c: CountRecord): void {
    const area = this.config.zoneAreas.get(c.zone);
    if (area === undefined || area <= 0) return;
    const density = c.count / area;
    const limit = this.config.densityPerM2;
    if (density > limit === this.has('crowding', c.zone)) return;
    this.set('crowding', c.zone, density > limit, c.t, 'warning', () => `${this.config.zoneLabels?.get(c.zone) ?? c.zone}: ${density.toFixed(2)} P/m² (${c.count} people in ${area.toFixed(0)} m², limit ${limit} P/m²)`);
  }

  /** The hub's stale decision for an entity changed. */
  onStale(id: string, stale: boolean, t: number, staleAfterSeconds: number): void {
    if (stale && this.connectionLost && !this.has('stale', id)) { this.silentInOutage.set(id, staleAfterSeconds); return; }
    this.silentInOutage.delete(id);
    if (stale) { this.staleOn(id, staleAfterSeconds, t); return; }
    this.recentStale.delete(id);
    this.set('stale', id, false, t, 'warning', () => '');
    if (this.silence?.ids.delete(id)) this.silenceShrunk(t);
  }

  /** `id` fell silent (connection up): its own `stale` alert, or a place in the mass silence (see `silent`). */
  private staleOn(id: string, limit: number, t: number): void {
    const silence = this.silence;
    if (silence) {
      if (!silence.ids.has(id)) { silence.ids.set(id, limit); silence.limit = Math.min(silence.limit, limit); silence.dirty = true; }
      return;
    }
    if (this.has('stale', id)) return;
    this.set('stale', id, true, t, 'warning', () => `${id}: no data for more than ${limit} s`);
    this.recentStale.set(id, { t, limit });
    for (const [k, r] of this.recentStale) if (t - r.t > SILENT_WINDOW_MS) this.recentStale.delete(k);
    if (this.recentStale.size < SILENT_GROUP) return;
    // So many at once: the source's publisher stopped. Their own alerts give way to one.
    const ids = new Map<string, number>();
    let least = limit;
    for (const [k, r] of this.recentStale) {
      const a = this.active.get(k)?.get('stale');
      if (!a) continue;
      ids.set(k, r.limit);
      least = Math.min(least, r.limit);
      this.clear('stale', a, t);
    }
    this.recentStale.clear();
    this.silence = { ids, limit: least, dirty: false, emitted: t };
    this.set('silent', this.sourceUri, true, t, 'critical', () => this.silentMessage());
  }

  private silentMessage(): string {
    const who = this.sourceUri.endsWith(':') ? this.sourceUri : `${this.sourceUri}:`;
    return `${who} ${this.silence!.ids.size} entities have sent nothing for ${this.silence!.limit} s or more though the connection is up (has their publisher stopped?)`;
  }

  /** Someone in the mass silence reported again or was forgotten: under SILENT_GROUP left, those get their own alerts. */
  private silenceShrunk(t: number): void {
    const silence = this.silence!;
    silence.dirty = true;
    if (silence.ids.size >= SILENT_GROUP) return;
    this.silence = null;
    const a = this.active.get(this.sourceUri)?.get('silent');
    if (a) this.clear('silent', a, t);
    for (const [k, limit] of silence.ids) this.set('stale', k, true, t, 'warning', () => `${k}: no data for more than ${limit} s`);
  }

  onSourceStatus(status: SourceStatus, t: number): void {
    const lost = status.state === 'reconnecting' || status.state === 'error';
    if (lost || status.state === 'live' || status.state === 'stopped' || status.state === 'playing' || status.state === 'ended') {
      // "testbed:" ends in its own colon: "testbed: …", not "testbed:: …"
      const who = status.uri.endsWith(':') ? status.uri : `${status.uri}:`;
      this.sourceUri = status.uri;
      this.set('connection-lost', status.uri, lost, t, 'critical', () =>
        status.state === 'error' && status.detail ? `${who} ${status.detail}` : `${who} connection lost${status.detail ? ` (${status.detail})` : ''}`);
      if (lost !== this.connectionLost) { this.connectionLost = lost; this.backSince = null; }
    }
  }

  /** The beacon registry's fit to the scans, as the pipeline judged it: a warning sentence, or null when it fits. */
  onBeaconRegistry(warning: string | null, t: number): void {
    // One alert per episode, worded when raised (its figures move with every scan; the health panel shows them live).
    this.set('beacon-registry', this.sourceUri, warning !== null, t, 'warning', () => `${this.sourceUri}: ${warning ?? ''}`);
  }

  /** Time passes (source clock, epoch ms): rules that fire on duration. */
  tick(now: number): void {
    if (!this.connectionLost && this.silentInOutage.size) {
      this.backSince ??= now;
      for (const [id, limit] of this.silentInOutage) {
        if (now - this.backSince <= limit * 1000) continue;
        this.silentInOutage.delete(id);
        this.staleOn(id, limit, now);
      }
    }
    const silence = this.silence;
    if (silence?.dirty && now - silence.emitted >= SILENT_UPDATE_MS) {
      const m = this.active.get(this.sourceUri), a = m?.get('silent');
      if (m && a) {
        const updated = { ...a, message: this.silentMessage() };
        m.set('silent', updated);
        this.pending.push(updated);
      }
      silence.dirty = false;
      silence.emitted = now;
    }
    for (const [id, track] of this.stall) {
      // An entity we hear nothing from is `stale`, not stalled: silence says nothing of its wheels
      // (a broker outage would otherwise call every robot that was moving "not advancing").
      if (this.has('stale', id) || this.silentInOutage.has(id) || this.silence?.ids.has(id)) continue;
      if (now - track.since > this.config.stallSeconds * 1000 && !this.has('stalled', id)) {
        this.set('stalled', id, true, now, 'warning', () => `${id}: moving but not advancing for ${Math.round((now - track.since) / 1000)} s`);
      }
    }
  }

  /** Forget an entity (removed by the hub): its alerts clear. */
  forget(id: string, t: number): void {
    const m = this.active.get(id);
    if (m) for (const [code, a] of [...m]) this.clear(code, a, t);
    this.stall.delete(id);
    this.silentInOutage.delete(id);
    this.recentStale.delete(id);
    if (this.silence?.ids.delete(id)) this.silenceShrunk(t);
  }

  /**
   * Progress = (speed unknown or ≥ 0.05 m/s) and (position unknown or ≥ 0.5 m from where the
   * window started). Without progress for `stallSeconds` while "moving", the entity is stalled.
   */
  private checkStall(s: StateRecord): void {
    if (s.state !== 'moving') {
      if (this.stall.delete(s.id) && this.has('stalled', s.id)) this.set('stalled', s.id, false, s.t, 'warning', () => '');
      return;
    }
    const track = this.stall.get(s.id);
    if (!track) {
      this.stall.set(s.id, { since: s.t, x: s.x, y: s.y });
      return;
    }
    const speedOk = s.speed === undefined || s.speed >= STALL_SPEED;
    const placeOk = s.x === undefined || track.x === undefined || Math.hypot(s.x - track.x, s.y! - track.y!) >= STALL_DISTANCE;
    if (speedOk && placeOk) {
      track.since = s.t;
      track.x = s.x;
      track.y = s.y;
      if (this.has('stalled', s.id)) this.set('stalled', s.id, false, s.t, 'warning', () => '');
      return;
    }
    if (s.t - track.since > this.config.stallSeconds * 1000 && !this.has('stalled', s.id)) {
      this.set('stalled', s.id, true, s.t, 'warning', () => `${s.id}: moving but not advancing for ${Math.round((s.t - track.since) / 1000)} s`);
    }
  }

  private checkZone(id: string, type: string | undefined, kind: string | undefined, floor: string | undefined, x: number | undefined, y: number | undefined, t: number): void {
    const zones = this.config.zones.get(id) ?? (type !== undefined ? this.config.zones.get(type) : undefined) ?? (kind !== undefined ? this.config.zones.get(kind) : undefined);
    if (!zones || zones.length === 0 || x === undefined || y === undefined) return;
    const inside = zones.some((z) => (z.floor === undefined || z.floor === floor) && (z.polygon === undefined || pointInPolygon(x, y, z.polygon)));
    if (inside !== this.has('outside-zone', id)) return;
    this.set('outside-zone', id, !inside, t, 'warning', () => `${id}: outside its allowed zone (at ${floor ?? '?'} ${x.toFixed(1)}, ${y.toFixed(1)})`);
  }

  private set(code: string, entity: string, on: boolean, t: number, severity: Severity, message: () => string): void {
    let m = this.active.get(entity);
    const current = m?.get(code);
    if (on && !current) {
      const a: AlertRecord = { id: `${code}:${entity}:${t}`, t, entity, severity, code, message: message(), active: true };
      if (!m) this.active.set(entity, (m = new Map()));
      m.set(code, a);
      this.pending.push(a);
    } else if (!on && current) {
      this.clear(code, current, t);
    }
  }

  private clear(code: string, a: AlertRecord, t: number): void {
    const m = this.active.get(a.entity);
    m?.delete(code);
    if (m && m.size === 0) this.active.delete(a.entity);
    this.pending.push({ ...a, t: Math.max(t, a.t), active: false });
  }
}
