/**
 * Test and benchmark recordings, written the way the recorder writes them (spec/telemetry.md
 * "MCAP recordings": JSON encoding, jsonschema schemas, publishTime = record t in ns, a `twin`
 * metadata record), with the project's McapFileWriter (chunked, zstd, indexed), optionally with
 * `/snapshot` keyframes from SnapshotWriter. Deterministic for a seed.
 *
 * The synthetic day: robots drive between random points of a 56 × 30 m floor at 0.8 m/s
 * (1 Hz State), some stop to charge or fail (error → `/alert` raised, cleared on recovery);
 * people walk randomly (1 Hz Position); every 10 s a Count per zone (each floor cut into 4 zones).
 *
 * `writeForeignMcap` writes what another tool would: @mcap/core McapWriter, other channels and
 * encodings (ros2msg, protobuf), no metadata, optionally no chunks.
 */
import { McapWriter } from '@mcap/core';
import { openSync, writeSync, closeSync } from 'node:fs';
import type { TelemetryRecord } from '../../common/records.js';
import { McapFileWriter } from '../../main/recording/McapFileWriter.js';
import { RECORD_SCHEMAS, recordTopic, type RecordSchemaName } from '../../main/recording/recordSchemas.js';
import { SNAPSHOT_JSON_SCHEMA, SNAPSHOT_SCHEMA_NAME, SNAPSHOT_TOPIC, SnapshotWriter } from '../../main/recording/snapshots.js';

export interface FixtureOptions {
  /** Record time of the first record, epoch ms. */
  start?: number;
  durationS?: number;
  robots?: number;
  people?: number;
  floors?: number;
  seed?: number;
  snapshots?: boolean;
  /** Uncompressed chunk size, bytes (McapFileWriter default 1 MiB). */
  chunkSize?: number;
  compression?: 'zstd' | 'none';
  /** The `twin` metadata's source URI (default fixture:). */
  source?: string;
  /** Called with every record written, in order (tests build their brute-force truth from it). */
  onRecord?: (r: TelemetryRecord) => void;
}

export interface FixtureInfo {
  start: number;
  end: number;
  messages: number;
  bytes: number;
  robots: string[];
  people: string[];
}

export const FIXTURE_FLOOR_W = 56;
export const FIXTURE_FLOOR_D = 30;
const encoder = new TextEncoder();

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

export async function writeFixtureRecording(path: string, o: FixtureOptions = {}): Promise<FixtureInfo> {
  const start = o.start ?? Date.parse('2026-11-24T09:00:00Z');
  const durationS = o.durationS ?? 120;
  const floors = Array.from({ length: o.floors ?? 2 }, (_, i) => `${i + 1}F`);
  const rand = rng(o.seed ?? 7);
  const writer = await McapFileWriter.open(path, { compression: o.compression ?? 'zstd', chunkSize: o.chunkSize, profile: 'twin' });
  writer.addMetadata('twin', { source: o.source ?? 'fixture:', model: 'testbed-complex.ifc', modelHash: '0'.repeat(64), startedAt: new Date(start).toISOString() });
  const channels = new Map<string, number>();
  const schemas = new Map<string, number>();
  const seq = new Map<number, number>();
  const channel = (topic: string, schema: string, json: object) => {
    let id = channels.get(topic);
    if (id !== undefined) return id;
    let sid = schemas.get(schema);
    if (sid === undefined) schemas.set(schema, (sid = writer.registerSchema({ name: schema, encoding: 'jsonschema', data: encoder.encode(JSON.stringify(json)) })));
    id = writer.registerChannel({ topic, messageEncoding: 'json', schemaId: sid, metadata: new Map() });
    channels.set(topic, id);
    return id;
  };
  const snapshots = o.snapshots ? new SnapshotWriter() : null;
  let messages = 0;
  const put = (channelId: number, t: number, record: object) => {
    const s = (seq.get(channelId) ?? 0) + 1;
    seq.set(channelId, s);
    const ns = BigInt(Math.round(t)) * 1_000_000n;
    writer.addMessage({ channelId, sequence: s, logTime: ns, publishTime: ns, data: encoder.encode(JSON.stringify(record)) });
    messages++;
  };
  const write = (r: TelemetryRecord) => {
    if (snapshots) {
      const snap = snapshots.due(r.record.t);
      if (snap) put(channel(SNAPSHOT_TOPIC, SNAPSHOT_SCHEMA_NAME, SNAPSHOT_JSON_SCHEMA), snap.t, snap);
      snapshots.push(r.kind, r.record);
    }
    const { topic, schema } = recordTopic(r);
    put(channel(topic, schema, RECORD_SCHEMAS[schema as RecordSchemaName]), r.record.t, r.record);
    o.onRecord?.(r);
  };

  const robots = Array.from({ length: o.robots ?? 6 }, (_, i) => ({
    id: `robot-${String(i + 1).padStart(2, '0')}`,
    floor: floors[i % floors.length]!,
    x: rand() * FIXTURE_FLOOR_W,
    y: rand() * FIXTURE_FLOOR_D,
    tx: rand() * FIXTURE_FLOOR_W,
    ty: rand() * FIXTURE_FLOOR_D,
    battery: 0.5 + rand() * 0.5,
    state: 'moving' as 'moving' | 'idle' | 'charging' | 'error',
    until: 0,
    heading: 0,
  }));
  const people = Array.from({ length: o.people ?? 20 }, (_, i) => ({
    id: `tag-${String(i + 1).padStart(4, '0')}`,
    floor: floors[i % floors.length]!,
    x: rand() * FIXTURE_FLOOR_W,
    y: rand() * FIXTURE_FLOOR_D,
  }));
  let alertSeq = 0;
  const openAlerts = new Map<string, string>();
  for (let s = 0; s <= durationS; s++) {
    const t0 = start + s * 1000;
    robots.forEach((r, i) => {
      const t = t0 + 10 + i; // a few ms apart so the order is unambiguous
      if (r.state === 'moving') {
        const dx = r.tx - r.x;
        const dy = r.ty - r.y;
        const d = Math.hypot(dx, dy);
        if (d < 0.8) {
          r.x = r.tx;
          r.y = r.ty;
          r.tx = rand() * FIXTURE_FLOOR_W;
          r.ty = rand() * FIXTURE_FLOOR_D;
          const u = rand();
          if (r.battery < 0.3 || u < 0.05) r.state = 'charging';
          else if (u < 0.12) r.state = 'error';
          else if (u < 0.3) r.state = 'idle';
          r.until = s + 5 + Math.floor(rand() * 30);
        } else {
          r.x += (dx / d) * 0.8;
          r.y += (dy / d) * 0.8;
          r.heading = ((Math.atan2(dx, dy) * 180) / Math.PI + 360) % 360;
        }
        r.battery = Math.max(0, r.battery - 0.0005);
      } else if (r.state === 'charging') {
        r.battery = Math.min(1, r.battery + 0.01);
        if (r.battery >= 1 || s >= r.until + 60) r.state = 'moving';
      } else if (s >= r.until) {
        r.state = 'moving';
      }
      const alertId = openAlerts.get(r.id);
      if (r.state === 'error' && !alertId) {
        const id = `alert-${++alertSeq}`;
        openAlerts.set(r.id, id);
        write({ kind: 'alert', record: { id, t, entity: r.id, severity: 'critical', code: 'robot-error', message: `${r.id}: motor fault`, active: true } });
      } else if (r.state !== 'error' && alertId) {
        openAlerts.delete(r.id);
        write({ kind: 'alert', record: { id: alertId, t, entity: r.id, severity: 'critical', code: 'robot-error', message: `${r.id}: recovered`, active: false } });
      }
      write({
        kind: 'state',
        record: {
          id: r.id, kind: 'robot', type: 'delivery', t, floor: r.floor, x: round(r.x), y: round(r.y), heading: Math.round(r.heading),
          speed: r.state === 'moving' ? 0.8 : 0, battery: round(r.battery), state: r.state, task: null, error: r.state === 'error' ? 'motor fault' : null,
        },
      });
    });
    people.forEach((p, i) => {
      p.x = clamp(p.x + (rand() - 0.5) * 1.4, 0, FIXTURE_FLOOR_W);
      p.y = clamp(p.y + (rand() - 0.5) * 1.4, 0, FIXTURE_FLOOR_D);
      write({ kind: 'position', record: { id: p.id, t: t0 + 200 + (i % 700), floor: p.floor, x: round(p.x), y: round(p.y), accuracy: 1.5 } });
    });
    if (s % 10 === 0) {
      for (const f of floors) {
        for (let z = 0; z < 4; z++) {
          const count = people.filter((p) => p.floor === f && Math.floor(p.x / (FIXTURE_FLOOR_W / 4)) === Math.min(3, z)).length;
          write({ kind: 'count', record: { zone: `${f}-Z${z + 1}`, t: t0 + 950, count } });
        }
      }
    }
  }
  writer.close();
  return { start, end: start + durationS * 1000 + 950, messages, bytes: writer.bytes, robots: robots.map((r) => r.id), people: people.map((p) => p.id) };
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/**
 * A recording from another tool: @mcap/core McapWriter; a `/tf` channel in ros2msg and a
 * `/camera/info` channel in protobuf (both unknown here), plus `/position` in JSON that the app
 * reads. No `twin` metadata, no snapshots. `chunked: false` writes top-level messages only.
 */
export async function writeForeignMcap(path: string, o: { start?: number; seconds?: number; chunked?: boolean } = {}): Promise<{ positions: number }> {
  const fd = openSync(path, 'w');
  let pos = 0n;
  const writable = {
    write: async (b: Uint8Array) => {
      writeSync(fd, b);
      pos += BigInt(b.byteLength);
    },
    position: () => pos,
  };
  const w = new McapWriter({ writable, useChunks: o.chunked ?? true, chunkSize: 4096 });
  await w.start({ profile: 'ros2', library: 'other-tool 1.0' });
  const tfSchema = await w.registerSchema({ name: 'tf2_msgs/TFMessage', encoding: 'ros2msg', data: encoder.encode('geometry_msgs/TransformStamped[] transforms') });
  const camSchema = await w.registerSchema({ name: 'foxglove.CameraCalibration', encoding: 'protobuf', data: new Uint8Array([1, 2, 3]) });
  const posSchema = await w.registerSchema({ name: 'twin.Position', encoding: 'jsonschema', data: encoder.encode(JSON.stringify(RECORD_SCHEMAS['twin.Position'])) });
  const tf = await w.registerChannel({ topic: '/tf', messageEncoding: 'cdr', schemaId: tfSchema, metadata: new Map() });
  const cam = await w.registerChannel({ topic: '/camera/info', messageEncoding: 'protobuf', schemaId: camSchema, metadata: new Map() });
  const position = await w.registerChannel({ topic: '/position', messageEncoding: 'json', schemaId: posSchema, metadata: new Map() });
  const start = o.start ?? Date.parse('2026-11-24T10:00:00Z');
  let positions = 0;
  for (let s = 0; s < (o.seconds ?? 30); s++) {
    const t = BigInt(start + s * 1000) * 1_000_000n;
    await w.addMessage({ channelId: tf, sequence: s, logTime: t, publishTime: t, data: new Uint8Array(48).fill(s & 255) });
    await w.addMessage({ channelId: cam, sequence: s, logTime: t, publishTime: t, data: new Uint8Array([8, s & 127]) });
    for (let i = 0; i < 3; i++) {
      const rec = { id: `dev-${i}`, t: start + s * 1000 + i, floor: '1F', x: s + i, y: 2 * s };
      await w.addMessage({ channelId: position, sequence: s * 3 + i, logTime: t, publishTime: t + BigInt(i) * 1_000_000n, data: encoder.encode(JSON.stringify(rec)) });
      positions++;
    }
  }
  await w.end();
  closeSync(fd);
  return { positions };
}
