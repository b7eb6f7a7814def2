/**
 * Recorded message → normalised record (spec/telemetry.md "MCAP recordings").
 *
 * The file is external input, so every message is checked before the app trusts it; on this hot
 * path (100× playback decodes ~10⁵ messages/s) the check is a hand-written test of the fields
 * each record kind needs (types, finite numbers, `t` as epoch ms), not a zod parse: same
 * guarantee for the fields the app reads, a tenth of the cost. A message that fails is `null`
 * and counted by the caller as rejected.
 */
import type { TelemetryRecord } from '../../common/records.js';

export type RecordTopicKind = TelemetryRecord['kind'];

/** The record kinds the twin at a moment is made of (TwinState): a seek decodes only these, never the scans. */
export const TWIN_KINDS: ReadonlySet<RecordTopicKind> = new Set<RecordTopicKind>(['state', 'position', 'count', 'alert']);
/** Every kind but scans: what a replay plays from a recording whose scans were positioned live (McapReplaySource). */
export const ALL_BUT_SCANS: ReadonlySet<RecordTopicKind> = new Set<RecordTopicKind>([...TWIN_KINDS, 'rejected']);

/** The record kind carried by a topic, or null for a channel this app does not read. */
export function topicKind(topic: string, messageEncoding: string): RecordTopicKind | null {
  if (messageEncoding !== 'json') return null;
  if (topic.startsWith('/state/') && topic.length > 7) return 'state';
  switch (topic) {
    case '/scan':
      return 'scan';
    case '/position':
      return 'position';
    case '/count':
      return 'count';
    case '/alert':
      return 'alert';
    case '/rejected':
      return 'rejected';
    default:
      return null;
  }
}

const decoder = new TextDecoder();

const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const optNum = (v: unknown) => v === undefined || isNum(v);

export function decodeRecord(kind: RecordTopicKind, data: Uint8Array): TelemetryRecord | null {
  let v: unknown;
  try {
    v = JSON.parse(decoder.decode(data));
  } catch {
    return null;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  if (!isNum(o.t)) return null;
  switch (kind) {
    case 'state':
      if (!isStr(o.id) || !isStr(o.kind) || !optNum(o.x) || !optNum(o.y) || !optNum(o.battery) || !optNum(o.speed)) return null;
      return { kind, record: o as unknown as Extract<TelemetryRecord, { kind: 'state' }>['record'] };
    case 'position':
      if (!isStr(o.id) || !optNum(o.x) || !optNum(o.y)) return null;
      return { kind, record: o as unknown as Extract<TelemetryRecord, { kind: 'position' }>['record'] };
    case 'count':
      if (!isStr(o.zone) || !isNum(o.count) || o.count < 0) return null;
      return { kind, record: o as unknown as Extract<TelemetryRecord, { kind: 'count' }>['record'] };
    case 'alert':
      if (!isStr(o.id) || typeof o.active !== 'boolean' || typeof o.entity !== 'string' || !isStr(o.code)) return null;
      if (o.severity !== 'info' && o.severity !== 'warning' && o.severity !== 'critical') return null;
      return { kind, record: o as unknown as Extract<TelemetryRecord, { kind: 'alert' }>['record'] };
    case 'scan':
      if (!isStr(o.device) || !o.rssi || typeof o.rssi !== 'object') return null;
      return { kind, record: o as unknown as Extract<TelemetryRecord, { kind: 'scan' }>['record'] };
    case 'rejected':
      if (typeof o.reason !== 'string') return null;
      return { kind, record: { t: o.t, source: String(o.source ?? ''), reason: o.reason, raw: String(o.raw ?? '') } };
  }
}
