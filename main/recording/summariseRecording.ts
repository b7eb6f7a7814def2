/**
 * What a recording holds (`twin inspect FILE.mcap`, spec/cli.md): channels with schema and message
 * counts, start/end on the records' own time (`publishTime`), entities seen by kind (distinct ids
 * on `/state/KIND`), devices with positions, rejected-input count and reasons, the `twin`
 * metadata, and whether the file was cut short (read sequentially, so a crashed recording opens).
 */
import { readMcapFile } from './McapMessageReader.js';

export interface RecordingSummary {
  file: string;
  start: string | null;
  end: string | null;
  messages: number;
  channels: { topic: string; schema: string; messages: number }[];
  entities: Record<string, number>;
  devices: number;
  rejected: number;
  rejectReasons: Record<string, number>;
  alerts: number;
  metadata: Record<string, Record<string, string>>;
  truncated: boolean;
  /** Why reading stopped early (corrupt bytes), when it did. */
  error?: string;
  bytes: number;
}

const decoder = new TextDecoder();

export async function summariseRecording(path: string, displayName = path, signal?: AbortSignal): Promise<RecordingSummary> {
  const channels = new Map<string, { topic: string; schema: string; messages: number }>();
  const ids = new Map<string, Set<string>>();
  const devices = new Set<string>();
  const rejectReasons: Record<string, number> = {};
  const metadata: Record<string, Record<string, string>> = {};
  let messages = 0;
  let rejected = 0;
  let alerts = 0;
  let start = Infinity;
  let end = -Infinity;
  let truncated = false;
  let error: string | undefined;
  let bytes = 0;
  for await (const ev of readMcapFile(path, signal)) {
    if (ev.type === 'metadata') {
      metadata[ev.name] = Object.fromEntries(ev.metadata);
      continue;
    }
    if (ev.type === 'end') {
      truncated = ev.truncated;
      error = ev.error;
      bytes = ev.bytes;
      continue;
    }
    const m = ev.message;
    messages++;
    const t = Number(m.publishTime / 1_000_000n);
    if (t < start) start = t;
    if (t > end) end = t;
    const topic = m.channel.topic;
    let c = channels.get(topic);
    if (!c) channels.set(topic, (c = { topic, schema: m.channel.schemaName, messages: 0 }));
    c.messages++;
    if (topic.startsWith('/state/')) {
      const kind = topic.slice('/state/'.length);
      const rec = parse(m.data);
      if (rec && typeof rec.id === 'string') {
        let set = ids.get(kind);
        if (!set) ids.set(kind, (set = new Set()));
        set.add(rec.id);
      }
    } else if (topic === '/position') {
      const rec = parse(m.data);
      if (rec && typeof rec.id === 'string') devices.add(rec.id);
    } else if (topic === '/rejected') {
      rejected++;
      const rec = parse(m.data);
      if (rec && typeof rec.reason === 'string') {
        const key = rec.reason.split(' — ')[0]!;
        rejectReasons[key] = (rejectReasons[key] ?? 0) + 1;
      }
    } else if (topic === '/alert') {
      const rec = parse(m.data);
      if (rec && rec.active === true && rec.acknowledged !== true) alerts++;
    }
  }
  return {
    file: displayName,
    start: Number.isFinite(start) ? new Date(start).toISOString() : null,
    end: Number.isFinite(end) ? new Date(end).toISOString() : null,
    messages,
    channels: [...channels.values()].sort((a, b) => a.topic.localeCompare(b.topic)),
    entities: Object.fromEntries([...ids].sort(([a], [b]) => a.localeCompare(b)).map(([k, s]) => [k, s.size])),
    devices: devices.size,
    rejected,
    rejectReasons,
    alerts,
    metadata,
    truncated,
    ...(error ? { error } : {}),
    bytes,
  };
}

function parse(data: Uint8Array): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(decoder.decode(data));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
