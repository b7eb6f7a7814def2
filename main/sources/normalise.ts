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
  const parsed = (SCHEMAS[kind] as z.ZodType).safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const field = first && first.path.length ? first.path.map(String).join('.') : '(record)';
    const timeIssue = first?.message.startsWith('time out of range') ? 'time out of range' : null;
    return { ok: false, reason: `${timeIssue ? `invalid ${kind}: ${timeIssue}` : `invalid ${kind}: ${field}`} — ${describeZodError(parsed.error)}` };
  }
  return { ok: true, record: { kind, record: parsed.data } as TelemetryRecord };
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
    else out.rejected.push(reject(source, `${r.reason} (topic ${topic})`, Array.isArray(value) ? JSON.stringify(item) ?? 'undefined' : text, receivedAt));
  }
  return out;
}

/** Validates already-parsed records of a known kind (NGSI-LD after mapping, tests). */
export function normaliseRecords(kind: InputKind, values: readonly unknown[], source: string, receivedAt: number): Normalised {
  const out: Normalised = { records: [], rejected: [] };
  for (const v of values) {
    const r = normaliseValue(kind, v, null);
    if (r.ok) out.records.push(r.record);
    else out.rejected.push(reject(source, r.reason, JSON.stringify(v) ?? String(v), receivedAt));
  }
  return out;
}

/** Makes a reject for input a source could not even map (e.g. an NGSI-LD entity of an unmapped type). */
export function rejectRaw(source: string, reason: string, raw: string, receivedAt: number): RejectedRecord {
  return reject(source, reason, raw, receivedAt);
}
