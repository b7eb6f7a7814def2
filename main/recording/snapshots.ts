/**
 * Keyframes of the whole twin for fast seeking in recordings (`/snapshot` channel).
 *
 * A seek to time T is: the latest snapshot with `t` ≤ T, then the records with `t` in
 * (snapshot.t, T] read through the chunk index — never a read from the start of the file.
 *
 * `SnapshotWriter` is fed every record the recorder writes (`push(kind, record)`) and, asked
 * `due(t)` before a record of time `t` is written, returns a snapshot every `periodMs` (default
 * 10 s) of record time. The snapshot's `t` is the latest record time pushed so far, so (for
 * records written in time order) it holds exactly the records with `t` ≤ snapshot.t.
 *
 * `TwinState` is the fold both use: the latest State per entity id, the latest Position per
 * device, the latest Count per zone (latest by record `t`; equal `t` → the later one written)
 * and the alerts active (an `/alert` with `active: false` clears its id).
 */
import { z } from 'zod';
import {
  AlertSchema,
  CountSchema,
  PositionSchema,
  StateSchema,
  type AlertRecord,
  type CountRecord,
  type PositionRecord,
  type StateRecord,
  type TelemetryRecord,
} from '../../common/records.js';

/** The twin at one moment (also the shape `twin inspect --at` prints, spec/cli.md). */
export interface SnapshotRecord {
  /** Record time the snapshot is valid at, epoch ms. */
  t: number;
  states: StateRecord[];
  positions: PositionRecord[];
  counts: CountRecord[];
  alerts: AlertRecord[];
}

export const SNAPSHOT_TOPIC = '/snapshot';
export const SNAPSHOT_SCHEMA_NAME = 'twin.Snapshot';

/** Edge validator for `/snapshot` messages read from a file. */
export const SnapshotSchema = z.object({
  t: z.number().finite(),
  states: z.array(StateSchema),
  positions: z.array(PositionSchema),
  counts: z.array(CountSchema),
  alerts: z.array(AlertSchema),
});

/** JSON Schema (draft 2020-12) of the `/snapshot` channel, written into recordings (encoding `jsonschema`). */
export const SNAPSHOT_JSON_SCHEMA = {
  title: SNAPSHOT_SCHEMA_NAME,
  description: 'Keyframe for seeking: the latest record per entity/device/zone with t ≤ this t, and the active alerts.',
  type: 'object',
  required: ['t', 'states', 'positions', 'counts', 'alerts'],
  properties: {
    t: { type: 'number', description: 'record time the snapshot is valid at, epoch milliseconds' },
    states: { type: 'array', items: { $ref: 'twin.State' }, description: 'latest State per entity id' },
    positions: { type: 'array', items: { type: 'object' }, description: 'latest Position per device id' },
    counts: { type: 'array', items: { type: 'object' }, description: 'latest Count per zone' },
    alerts: { type: 'array', items: { type: 'object' }, description: 'alerts active at t' },
  },
} as const;

/** Default snapshot period, ms of record time. */
export const SNAPSHOT_PERIOD_MS = 10_000;

/** Latest record per entity/device/zone plus active alerts; see the file comment. */
export class TwinState {
  readonly states = new Map<string, StateRecord>();
  readonly positions = new Map<string, PositionRecord>();
  readonly counts = new Map<string, CountRecord>();
  readonly alerts = new Map<string, AlertRecord>();

  static from(s: SnapshotRecord): TwinState {
    const st = new TwinState();
    for (const r of s.states) st.states.set(r.id, r);
    for (const r of s.positions) st.positions.set(r.id, r);
    for (const r of s.counts) st.counts.set(r.zone, r);
    for (const r of s.alerts) st.alerts.set(r.id, r);
    return st;
  }

  apply(r: TelemetryRecord): void {
    switch (r.kind) {
      case 'state':
        latest(this.states, r.record.id, r.record);
        break;
      case 'position':
        latest(this.positions, r.record.id, r.record);
        break;
      case 'count':
        latest(this.counts, r.record.zone, r.record);
        break;
      case 'alert': {
        const prev = this.alerts.get(r.record.id);
        if (prev && prev.t > r.record.t) break;
        if (r.record.active) this.alerts.set(r.record.id, r.record);
        else this.alerts.delete(r.record.id);
        break;
      }
      case 'scan':
      case 'rejected':
        break;
    }
  }

  snapshot(t: number): SnapshotRecord {
    const byT = <R extends { t: number }>(m: Map<string, R>) => [...m.values()];
    return { t, states: byT(this.states), positions: byT(this.positions), counts: byT(this.counts), alerts: byT(this.alerts) };
  }
}

function latest<R extends { t: number }>(map: Map<string, R>, key: string, r: R): void {
  const prev = map.get(key);
  if (!prev || prev.t <= r.t) map.set(key, r);
}

/** Emits a `/snapshot` record every `periodMs` of record time; see the file comment. */
export class SnapshotWriter {
  private readonly state = new TwinState();
  private lastT = -Infinity;
  private next = -Infinity;

  constructor(private readonly periodMs = SNAPSHOT_PERIOD_MS) {
    if (!(periodMs > 0)) throw new Error(`SnapshotWriter: periodMs must be > 0, got ${periodMs}`);
  }

  push(kind: TelemetryRecord['kind'], record: TelemetryRecord['record']): void {
    this.state.apply({ kind, record } as TelemetryRecord);
    if (record.t > this.lastT) this.lastT = record.t;
    if (this.next === -Infinity) this.next = Math.floor(record.t / this.periodMs) * this.periodMs + this.periodMs;
  }

  /** The state so far (e.g. to start a rotated file with a keyframe), or null before any record. */
  current(): SnapshotRecord | null {
    return this.lastT === -Infinity ? null : this.state.snapshot(this.lastT);
  }

  /** Call before writing a record of time `t`: a snapshot when a period boundary was passed, else null. */
  due(t: number): SnapshotRecord | null {
    if (this.lastT === -Infinity || t < this.next || t <= this.lastT) return null;
    this.next = Math.floor(t / this.periodMs) * this.periodMs + this.periodMs;
    return this.state.snapshot(this.lastT);
  }
}
