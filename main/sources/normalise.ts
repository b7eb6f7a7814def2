/**
 * Raw input → validated, normalised records, or rejects with a reason (spec/telemetry.md).
 *
 * The edge of the telemetry pipeline: every source that receives JSON from outside (MQTT,
 * NGSI-LD after mapping, replayed files) passes it through here. Nothing here throws: invalid
 * JSON, wrong types, "NaN" strings, absurd timestamps (outside 2000..2100), unknown topics — each
 * becomes a `RejectedRecord` `{ t, source, reason, raw }` that the hub counts and records on
 * `/rejected`. Reasons are short and stable (`rejectReasonKey`) so they can be counted in the
 * source-health panel; the full message keeps the field and what was expected.
 */
import {
  CountSchema,
  ENTITY_STATES,
  ISO_TIME,
  MAX_COORD_M,
  MAX_EPOCH_MS,
  MAX_SPEED_MS,
  MIN_EPOCH_MS,
  describeZodError,
  PositionSchema,
  ScanSchema,
  StateSchema,
  type RejectedRecord,
  type TelemetryRecord,
} from '../../common/records.js';
import type { z } from 'zod';

/** The record kinds a source may deliver (alerts and rejects are made inside the app). */
export type InputKind = 'state' | 'scan' | 'position' | 'count';

const SCHEMAS = { state: StateSchema, scan: ScanSchema, position: PositionSchema, count: CountSchema } as const;

/** Raw text kept in a reject, capped so a flood of huge payloads cannot blow up a recording. */
const MAX_RAW = 4096;

export interface Normalised {
  records: TelemetryRecord[];
  rejected: RejectedRecord[];
}

/** The MQTT topic → record kind of spec/telemetry.md, with the ids the topic names. */
export type TopicRoute =
  | { kind: 'state'; entityKind: string; id: string }
  | { kind: 'scan'; device: string }
  | { kind: 'position'; id: string }
  | { kind: 'count'; zone: string };

/**
 * Routes `PREFIX/state/KIND/ID`, `PREFIX/scan/DEVICE`, `PREFIX/position/ID`, `PREFIX/count/ZONE`.
 * Returns null for any other topic (rejected as "unknown topic"). `prefix` may be '' or contain '/'.
 */
export function routeTopic(topic: string, prefix: string): TopicRoute | null {
  let rest = topic;
  if (prefix) {
    if (!topic.startsWith(prefix + '/')) return null;
    rest = topic.slice(prefix.length + 1);
  }
  const parts = rest.split('/');
  if (parts.some((p) => p.length === 0)) return null;
  switch (parts[0]) {
    case 'state':
      return parts.length === 3 ? { kind: 'state', entityKind: parts[1]!, id: parts[2]! } : null;
    case 'scan':
      return parts.length === 2 ? { kind: 'scan', device: parts[1]! } : null;
    case 'position':
      return parts.length === 2 ? { kind: 'position', id: parts[1]! } : null;
    case 'count':
      return parts.length === 2 ? { kind: 'count', zone: parts[1]! } : null;
    default:
      return null;
  }
}

function reject(source: string, reason: string, raw: string, receivedAt: number): RejectedRecord {
  return { t: receivedAt, source, reason, raw: raw.length > MAX_RAW ? raw.slice(0, MAX_RAW) + '…' : raw };
}

/**
 * JSON text of a parsed value for a reject's `raw`, never throwing: a value nested thousands deep (which JSON.parse
 * takes) overflows JSON.stringify's stack, and then its kind stands in for it.
 */
export function rawText(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return `(${Array.isArray(v) ? 'an array' : typeof v} too deeply nested to show)`;
  }
}

/** Limits of what an unknown field may hold to be kept (spec: "kept where harmless and ignored otherwise"). */
export const EXTRA_LIMITS = { depth: 8, nodes: 256, chars: 1000 } as const;
const STATE_KEYS: ReadonlySet<string> = new Set(Object.keys(StateSchema.shape));
const POSITION_KEYS: ReadonlySet<string> = new Set(Object.keys(PositionSchema.shape));

/**
 * Whether an unknown field's value is harmless to keep, record and show: nested at most EXTRA_LIMITS.depth deep, at
 * most EXTRA_LIMITS.nodes values in all (shared across a record's unknown fields through `budget`), strings and keys at
 * most EXTRA_LIMITS.chars long. Walked without recursion, so no input can overflow the stack here. A 5 000-deep array
 * kept on a state once stopped the recorder (JSON.stringify overflowed) and a 1 MB string went into every snapshot.
 */
function harmless(v: unknown, budget: { nodes: number }): boolean {
  const stack: unknown[] = [v], depths: number[] = [0];
  while (stack.length) {
    const x = stack.pop(), d = depths.pop()!;
    if (--budget.nodes < 0) return false;
    if (typeof x === 'string') { if (x.length > EXTRA_LIMITS.chars) return false; continue; }
    if (x === null || typeof x !== 'object') continue;
    if (d >= EXTRA_LIMITS.depth) return false;
    for (const k in x) {
      if (k.length > EXTRA_LIMITS.chars) return false;
      stack.push((x as Record<string, unknown>)[k]);
      depths.push(d + 1);
    }
  }
  return true;
}

/** The record without the unknown fields that are not harmless (the same object when all are). */
function withHarmlessExtras<T extends Record<string, unknown>>(r: T, known: ReadonlySet<string>): T {
  const budget = { nodes: EXTRA_LIMITS.nodes };
  let drop: string[] | null = null;
  for (const k in r) {
    if (known.has(k)) continue;
    if (k.length > EXTRA_LIMITS.chars || !harmless(r[k], budget)) (drop ??= []).push(k);
  }
  if (!drop) return r;
  const out = { ...r };
  for (const k of drop) delete out[k];
  return out;
}

/** State and position records keep unknown fields (passthrough): only the harmless ones. */
function keepHarmless(r: TelemetryRecord): TelemetryRecord {
  if (r.kind === 'state') {
    const record = withHarmlessExtras(r.record, STATE_KEYS);
    return record === r.record ? r : { kind: 'state', record };
  }
  if (r.kind === 'position') {
    const record = withHarmlessExtras(r.record, POSITION_KEYS);
    return record === r.record ? r : { kind: 'position', record };
  }
  return r;
}

/**
 * The counting key of a reject reason: its text up to the first " — " (the detail follows it).
 * e.g. "invalid state: battery — Too big: expected number to be <=1" → "invalid state: battery".
 */
export function rejectReasonKey(reason: string): string {
  const i = reason.indexOf(' — ');
  return i < 0 ? reason : reason.slice(0, i);
}

/** Validates one parsed value as a record of `kind`. Fills `id`/`kind`/`device`/`zone` from the topic when the payload omits them. */
export function normaliseValue(kind: InputKind, value: unknown, route: TopicRoute | null): { ok: true; record: TelemetryRecord } | { ok: false; reason: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: `invalid ${kind}: not an object — got ${Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'null' : typeof value}` };
  }
  let input = value as Record<string, unknown>;
  if (route) {
    const fill: Record<string, unknown> = {};
    if (route.kind === 'state') {
      if (input.id === undefined) fill.id = route.id;
      if (input.kind === undefined) fill.kind = route.entityKind;
    } else if (route.kind === 'scan' && input.device === undefined) fill.device = route.device;
    else if (route.kind === 'position' && input.id === undefined) fill.id = route.id;
    else if (route.kind === 'count' && input.zone === undefined) fill.zone = route.zone;
    if (Object.keys(fill).length) input = { ...input, ...fill };
  }
  const fast = fastValidate(kind, input);
  if (fast) return { ok: true, record: keepHarmless(fast) };
  const parsed = (SCHEMAS[kind] as z.ZodType).safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const field = first && first.path.length ? first.path.map(String).join('.') : '(record)';
    const timeIssue = first?.message.startsWith('time out of range') ? 'time out of range' : null;
    return { ok: false, reason: `${timeIssue ? `invalid ${kind}: ${timeIssue}` : `invalid ${kind}: ${field}`} — ${describeZodError(parsed.error)}` };
  }
  return { ok: true, record: keepHarmless({ kind, record: parsed.data } as TelemetryRecord) };
}

/**
 * Normalises one MQTT message: topic → kind, payload = one JSON record or an array of records of
 * that kind. Each element is accepted or rejected on its own.
 */
export function normaliseMqttMessage(topic: string, payload: Uint8Array | string, prefix: string, source: string, receivedAt: number): Normalised {
  const text = typeof payload === 'string' ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
  const out: Normalised = { records: [], rejected: [] };
  const route = routeTopic(topic, prefix);
  if (!route) {
    out.rejected.push(reject(source, `unknown topic — ${topic} is not ${prefix ? prefix + '/' : ''}{state/KIND/ID, scan/DEVICE, position/ID, count/ZONE}`, text, receivedAt));
    return out;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    out.rejected.push(reject(source, `invalid JSON — ${topic}: ${(e as Error).message}`, text, receivedAt));
    return out;
  }
  const items = Array.isArray(value) ? value : [value];
  for (const item of items) {
    const r = normaliseValue(route.kind, item, route);
    if (r.ok) out.records.push(r.record);
    else out.rejected.push(reject(source, `${r.reason} (topic ${topic})`, Array.isArray(value) ? rawText(item) : text, receivedAt));
  }
  return out;
}

/** The id a record is about: entity or device id, zone, scanning device ('' for alerts and rejects). */
export function recordKey(r: TelemetryRecord): string {
  switch (r.kind) {
    case 'state':
    case 'position':
      return r.record.id;
    case 'scan':
      return r.record.device;
    case 'count':
      return r.record.zone;
    default:
      return '';
  }
}

/** Validates already-parsed records of a known kind (NGSI-LD after mapping, tests). */
export function normaliseRecords(kind: InputKind, values: readonly unknown[], source: string, receivedAt: number): Normalised {
  const out: Normalised = { records: [], rejected: [] };
  for (const v of values) {
    const r = normaliseValue(kind, v, null);
    if (r.ok) out.records.push(r.record);
    else out.rejected.push(reject(source, r.reason, rawText(v), receivedAt));
  }
  return out;
}

/** Makes a reject for input a source could not even map (e.g. an NGSI-LD entity of an unmapped type). */
export function rejectRaw(source: string, reason: string, raw: string, receivedAt: number): RejectedRecord {
  return reject(source, reason, raw, receivedAt);
}

// ── fast path ───────────────────────────────────────────────────
// zod is the contract and gives the field-level reasons, but it costs ~50–100 µs per record
// under load, which caps a source at ~10 000 records/s. Valid input (nearly all of it) is checked
// here by hand with exactly the schema's rules and built into the same output; anything this
// check does not accept goes through zod, which then either accepts it (the schema is the
// authority) or rejects it with the reason. test/unit/main/sources/normalise.test.ts checks
// that both paths agree on many generated records.

const STATE_SET: ReadonlySet<string> = new Set(ENTITY_STATES);

function fin(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
function optFin(v: unknown): boolean {
  return v === undefined || fin(v);
}
function optStr(v: unknown, min: number, max: number): boolean {
  return v === undefined || (typeof v === 'string' && v.length >= min && v.length <= max);
}
/** Wire time → epoch ms within 2000..2100, or NaN. */
function fastTime(v: unknown): number {
  let ms: number;
  if (typeof v === 'number') ms = v;
  else if (typeof v === 'string' && ISO_TIME.test(v)) ms = Date.parse(v);
  else return NaN;
  return Number.isFinite(ms) && ms >= MIN_EPOCH_MS && ms <= MAX_EPOCH_MS ? ms : NaN;
}
function optCoord(v: unknown): boolean {
  return v === undefined || (fin(v) && v >= -MAX_COORD_M && v <= MAX_COORD_M);
}
function locationOk(r: Record<string, unknown>): boolean {
  const x = r.x, y = r.y, lat = r.lat, lon = r.lon;
  if (!optStr(r.floor, 1, Infinity) || !optCoord(x) || !optCoord(y) || !optCoord(r.z) || !optFin(r.alt)) return false;
  if (lat !== undefined && !(fin(lat) && lat >= -90 && lat <= 90)) return false;
  if (lon !== undefined && !(fin(lon) && lon >= -180 && lon <= 180)) return false;
  return (x === undefined) === (y === undefined) && (lat === undefined) === (lon === undefined);
}
function optNullStr(v: unknown, max: number): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.length <= max);
}

/** The record if `v` certainly passes its schema; null means "ask zod". */
export function fastValidate(kind: InputKind, v: Record<string, unknown>): TelemetryRecord | null {
  switch (kind) {
    case 'state': {
      const t = fastTime(v.t);
      if (Number.isNaN(t) || !optStr(v.id, 1, 200) || v.id === undefined || !optStr(v.kind, 1, 64) || v.kind === undefined || !optStr(v.type, 0, 64)) return null;
      if (!locationOk(v) || !optFin(v.heading)) return null;
      const speed = v.speed, battery = v.battery, state = v.state;
      if (speed !== undefined && !(fin(speed) && speed >= 0 && speed <= MAX_SPEED_MS)) return null;
      if (battery !== undefined && !(fin(battery) && battery >= 0 && battery <= 1)) return null;
      if (state !== undefined && !(typeof state === 'string' && STATE_SET.has(state))) return null;
      if (!optNullStr(v.task, 500) || !optNullStr(v.error, 500)) return null;
      return { kind: 'state', record: { ...v, t } as TelemetryRecord['record'] } as TelemetryRecord;
    }
    case 'position': {
      const t = fastTime(v.t);
      if (Number.isNaN(t) || v.id === undefined || !optStr(v.id, 1, 200) || !locationOk(v)) return null;
      const acc = v.accuracy;
      if (acc !== undefined && !(fin(acc) && acc >= 0)) return null;
      // Position only pairs x/y and lat/lon by convention, not by schema: let zod decide odd ones.
      return { kind: 'position', record: { ...v, t } as TelemetryRecord['record'] } as TelemetryRecord;
    }
    case 'scan': {
      const t = fastTime(v.t);
      const rssi = v.rssi;
      if (Number.isNaN(t) || typeof v.device !== 'string' || v.device.length < 1 || v.device.length > 200) return null;
      if (rssi === null || typeof rssi !== 'object' || Array.isArray(rssi)) return null;
      for (const k in rssi as Record<string, unknown>) {
        const d = (rssi as Record<string, unknown>)[k];
        if (k.length === 0 || !(fin(d) && d >= -130 && d <= 0)) return null;
      }
      return { kind: 'scan', record: { device: v.device, t, rssi: rssi as Record<string, number> } };
    }
    case 'count': {
      const t = fastTime(v.t);
      const c = v.count;
      if (Number.isNaN(t) || typeof v.zone !== 'string' || v.zone.length < 1 || v.zone.length > 200) return null;
      if (!(typeof c === 'number' && Number.isSafeInteger(c) && c >= 0)) return null;
      return { kind: 'count', record: { zone: v.zone, t, count: c } };
    }
  }
}
