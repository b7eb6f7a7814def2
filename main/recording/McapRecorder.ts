/**
 * Records normalised telemetry into MCAP (spec/telemetry.md "MCAP recordings").
 *
 * Channels: `/state/KIND`, `/scan`, `/position`, `/count`, `/alert`, `/rejected`, JSON message
 * encoding with `jsonschema` schemas (recordSchemas.ts). `logTime` = the time the batch was
 * received (wall clock, ns), `publishTime` = the record's own `t` (ns). A `twin` metadata record
 * names the source URI and the model (name, sha256) so a recording says what it is.
 *
 * Crash safety: a chunk is closed at least every `flushIntervalMs` of wall time (default 1 s, so
 * well inside the 2 s promise) and written synchronously; a SIGKILL loses at most that much.
 *
 * Rotation (directory target, live sessions): a new `twin-YYYYMMDD-HHMMSS.mcap` (UTC) every
 * `rotateSeconds` (default 15 min) or when a file passes `rotateBytes` (default 256 MiB); every
 * file is complete on its own (schemas, channels, metadata repeated).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TelemetryRecord } from '../../common/records.js';
import { McapFileWriter } from './McapFileWriter.js';
import { RECORD_SCHEMAS, recordTopic } from './recordSchemas.js';
import { SNAPSHOT_JSON_SCHEMA, SNAPSHOT_SCHEMA_NAME, SNAPSHOT_TOPIC, SnapshotWriter, type SnapshotRecord } from './snapshots.js';

export type RecorderTarget = { file: string } | { dir: string; rotateSeconds?: number; rotateBytes?: number };

export interface RecordingMetadata {
  source: string;
  modelName?: string;
  modelHash?: string;
}

export interface McapRecorderOptions {
  target: RecorderTarget;
  metadata: RecordingMetadata;
  /** Close a chunk at least this often (wall ms). Default 1000. */
  flushIntervalMs?: number;
  /** Wall clock (ms); injectable for tests of rotation. */
  now?: () => number;
  compression?: 'zstd' | 'none';
}

export type RecorderState = 'recording' | 'closed';

export interface RecorderStatus {
  state: RecorderState;
  file: string | null;
  /** Bytes of the current file. */
  bytes: number;
  /** Messages in all files of this recorder. */
  messages: number;
  files: string[];
}

const encoder = new TextEncoder();
const NS_PER_MS = 1_000_000n;

/** `twin-YYYYMMDD-HHMMSS.mcap` for a wall time (UTC). */
export function rotationFileName(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-11-24T03:00:00.000Z
  return `twin-${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}.mcap`;
}

export class McapRecorder {
  private writer: McapFileWriter;
  private channelIds = new Map<string, number>();
  private schemaIds = new Map<string, number>();
  private sequences: number[] = [];
  private openedAt: number;
  private state: RecorderState = 'recording';
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly now: () => number;
  private readonly files: string[] = [];
  private totalMessages = 0;
  /** Keyframes on `/snapshot` every 10 s of record time, so replay seeks without reading from the start. */
  private readonly snapshots = new SnapshotWriter();

  static async create(options: McapRecorderOptions): Promise<McapRecorder> {
    await McapFileWriter.ready();
    return new McapRecorder(options);
  }

  private constructor(private readonly options: McapRecorderOptions) {
    this.now = options.now ?? Date.now;
    if ('dir' in options.target) mkdirSync(options.target.dir, { recursive: true });
    this.openedAt = this.now();
    this.writer = this.openFile();
    this.timer = setInterval(() => this.flush(), options.flushIntervalMs ?? 1000);
    this.timer.unref?.();
  }

  /** Records one batch. `receivedAt` = wall ms when the batch arrived (MCAP logTime). */
  write(batch: readonly TelemetryRecord[], receivedAt: number = this.now()): void {
    if (this.state !== 'recording') return;
    this.maybeRotate();
    const logTime = BigInt(Math.round(receivedAt)) * NS_PER_MS;
    for (const r of batch) {
      const snapshot = this.snapshots.due(r.record.t);
      if (snapshot) this.writeSnapshot(snapshot, logTime);
      this.snapshots.push(r.kind, r.record);
      const { topic, schema } = recordTopic(r);
      let channelId = this.channelIds.get(topic);
      if (channelId === undefined) channelId = this.addChannel(topic, schema, RECORD_SCHEMAS[schema]);
      const sequence = (this.sequences[channelId] = (this.sequences[channelId] ?? 0) + 1);
      this.writer.addMessage({
        channelId,
        sequence,
        logTime,
        publishTime: BigInt(Math.round(r.record.t)) * NS_PER_MS,
        data: encoder.encode(JSON.stringify(r.record)),
      });
      this.totalMessages++;
    }
  }

  /** Closes the open chunk now (also done on a timer). */
  flush(): void {
    if (this.state === 'recording') this.writer.flushChunk();
  }

  status(): RecorderStatus {
    return {
      state: this.state,
      file: this.state === 'recording' ? this.writer.path : null,
      bytes: this.writer.bytes,
      messages: this.totalMessages,
      files: [...this.files],
    };
  }

  /** Finishes the current file (summary, footer) and stops. Idempotent. */
  close(): void {
    if (this.state === 'closed') return;
    clearInterval(this.timer);
    this.writer.close();
    this.state = 'closed';
  }

  private maybeRotate(): void {
    const t = this.options.target;
    if (!('dir' in t)) return;
    const tooOld = this.now() - this.openedAt >= (t.rotateSeconds ?? 900) * 1000;
    const tooBig = this.writer.bytes >= (t.rotateBytes ?? 256 * 1024 * 1024);
    if (!tooOld && !tooBig) return;
    this.writer.close();
    this.openedAt = this.now();
    this.writer = this.openFile();
    // Each rotated file starts with a keyframe, so it can be seeked on its own.
    const snapshot = this.snapshots.current();
    if (snapshot) this.writeSnapshot(snapshot, BigInt(Math.round(this.now())) * NS_PER_MS);
  }

  private writeSnapshot(snapshot: SnapshotRecord, logTime: bigint): void {
    let channelId = this.channelIds.get(SNAPSHOT_TOPIC);
    if (channelId === undefined) channelId = this.addChannel(SNAPSHOT_TOPIC, SNAPSHOT_SCHEMA_NAME, SNAPSHOT_JSON_SCHEMA);
    const sequence = (this.sequences[channelId] = (this.sequences[channelId] ?? 0) + 1);
    this.writer.addMessage({ channelId, sequence, logTime, publishTime: BigInt(Math.round(snapshot.t)) * NS_PER_MS, data: encoder.encode(JSON.stringify(snapshot)) });
  }

  private openFile(): McapFileWriter {
    const t = this.options.target;
    let path: string;
    if ('file' in t) {
      path = t.file;
    } else {
      const base = rotationFileName(this.openedAt);
      path = join(t.dir, base);
      for (let i = 1; existsSync(path); i++) path = join(t.dir, base.replace('.mcap', `-${i}.mcap`));
    }
    const writer = McapFileWriter.openSync(path, { compression: this.options.compression ?? 'zstd', profile: 'twin' });
    const m = this.options.metadata;
    writer.addMetadata('twin', {
      source: m.source,
      model: m.modelName ?? '',
      modelHash: m.modelHash ?? '',
      startedAt: new Date(this.openedAt).toISOString(),
      app: `twin-workbench ${process.env.TWIN_VERSION ?? '0.0.0'}`,
    });
    this.channelIds = new Map();
    this.schemaIds = new Map();
    this.sequences = [];
    this.files.push(path);
    return writer;
  }

  private addChannel(topic: string, schema: string, jsonSchema: object): number {
    let schemaId = this.schemaIds.get(schema);
    if (schemaId === undefined) {
      schemaId = this.writer.registerSchema({ name: schema, encoding: 'jsonschema', data: encoder.encode(JSON.stringify(jsonSchema)) });
      this.schemaIds.set(schema, schemaId);
    }
    const id = this.writer.registerChannel({ topic, messageEncoding: 'json', schemaId, metadata: new Map() });
    this.channelIds.set(topic, id);
    return id;
  }
}
