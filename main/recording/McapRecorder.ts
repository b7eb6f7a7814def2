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
 *
 * Disk space: the recorder keeps `minFreeBytes` (default 256 MiB) free on the recording's disk. Checked every
 * flush: below it the file is finished properly (summary, footer) and recording stops. A write that fails
 * anyway (the disk filled from elsewhere, ENOSPC, EIO) stops it too, keeping every chunk already written (as
 * after a crash). Either way `onStopped` says why, once, and the session goes on without recording: a full disk
 * never takes the app down. Reconnecting the source starts a new recording.
 */
import { existsSync, mkdirSync, statfsSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
  /** Recording stops (file finished) when the disk has less free than this, bytes. Default: TWIN_RECORD_MIN_FREE_MB
   * MiB from the environment, else 256 MiB. */
  minFreeBytes?: number;
  /** Free bytes on the disk holding `dir`; injectable for tests. Default: statfs. */
  freeBytes?: (dir: string) => number;
  /** Called once when recording stops by itself (disk space, a failed write), with why, for the user. */
  onStopped?: (why: string) => void;
}

/** closed: by close(); stopped: by itself (see `stopped` in the status). */
export type RecorderState = 'recording' | 'closed' | 'stopped';

export const MIN_FREE_BYTES = 256 * 1024 * 1024;

/** The recorder did not start for a reason the message gives whole, for the user (too little room, a bad reserve). */
export class RecordingNotStartedError extends Error {
  override readonly name = 'RecordingNotStartedError';
}

const mib = (b: number): string => `${(b / (1024 * 1024)).toFixed(b < 10 * 1024 * 1024 ? 1 : 0)} MiB`;

/** The free space to leave, bytes: TWIN_RECORD_MIN_FREE_MB (MiB, ≥ 0) when set, else MIN_FREE_BYTES. Throws for a bad value. */
export function minFreeFromEnv(env: Record<string, string | undefined> = process.env): number {
  const v = env.TWIN_RECORD_MIN_FREE_MB;
  if (v === undefined || v.trim() === '') return MIN_FREE_BYTES;
  const mb = Number(v);
  if (!Number.isFinite(mb) || mb < 0) throw new RecordingNotStartedError(`recording not started: TWIN_RECORD_MIN_FREE_MB="${v}" is not a number of MiB (≥ 0)`);
  return mb * 1024 * 1024;
}

function statfsFree(dir: string): number {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
}

export interface RecorderStatus {
  state: RecorderState;
  file: string | null;
  /** Bytes of the current file. */
  bytes: number;
  /** Messages in all files of this recorder (records, alerts and the /snapshot keyframes: what `twin inspect` counts). */
  messages: number;
  files: string[];
  /** Why recording stopped by itself (state 'stopped'): for the user. */
  stopped?: string;
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
  private stoppedWhy: string | undefined;
  /** Free space to leave on the recording's disk, bytes. */
  private readonly minFree: number;

  static async create(options: McapRecorderOptions): Promise<McapRecorder> {
    await McapFileWriter.ready();
    return new McapRecorder(options);
  }

  private constructor(private readonly options: McapRecorderOptions) {
    this.now = options.now ?? Date.now;
    if ('dir' in options.target) mkdirSync(options.target.dir, { recursive: true });
    this.openedAt = this.now();
    this.minFree = options.minFreeBytes ?? minFreeFromEnv();
    const free = this.freeBytes();
    if (free < this.minFree) throw new RecordingNotStartedError(this.lowSpace(free, 'recording not started'));
    this.writer = this.openFile();
    this.timer = setInterval(() => this.flush(), options.flushIntervalMs ?? 1000);
    this.timer.unref?.();
  }

  /** Records one batch. `receivedAt` = wall ms when the batch arrived (MCAP logTime). */
  write(batch: readonly TelemetryRecord[], receivedAt: number = this.now()): void {
    if (this.state !== 'recording') return;
    try {
      this.writeBatch(batch, receivedAt);
    } catch (e) {
      this.stopOnError(e);
    }
  }

  private writeBatch(batch: readonly TelemetryRecord[], receivedAt: number): void {
    this.maybeRotate();
    const logTime = BigInt(Math.round(receivedAt)) * NS_PER_MS;
    for (const given of batch) {
      // A record that cannot be written as JSON (the edge drops what would make one, normalise.ts) goes on /rejected
      // instead: one such record must not stop the recording.
      let r = given, text: string;
      try {
        text = JSON.stringify(r.record);
      } catch (e) {
        r = { kind: 'rejected', record: { t: receivedAt, source: 'recorder', reason: `not recordable — ${r.kind} record: ${(e as Error).message}`, raw: '' } };
        text = JSON.stringify(r.record);
      }
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
        data: encoder.encode(text),
      });
      this.totalMessages++;
    }
  }

  /** Closes the open chunk now (also done on a timer), after checking the disk still has room. */
  flush(): void {
    if (this.state !== 'recording') return;
    try {
      const free = this.freeBytes();
      if (free < this.minFree) {
        this.stop(`${this.lowSpace(free, 'recording stopped')}; ${this.writer.path} is complete up to now. Free some space (older recordings are in ${this.dir}) and reconnect the source to record again`, () => this.writer.close());
        return;
      }
      this.writer.flushChunk();
    } catch (e) {
      this.stopOnError(e);
    }
  }

  status(): RecorderStatus {
    return {
      state: this.state,
      file: this.state === 'recording' ? this.writer.path : null,
      bytes: this.writer.bytes,
      messages: this.totalMessages,
      files: [...this.files],
      ...(this.stoppedWhy !== undefined ? { stopped: this.stoppedWhy } : {}),
    };
  }

  /** Finishes the current file (summary, footer) and stops. Idempotent; after a stop by itself, nothing more to do. */
  close(): void {
    if (this.state !== 'recording') return;
    clearInterval(this.timer);
    try {
      this.writer.close();
      this.state = 'closed';
    } catch (e) {
      this.stopOnError(e);
    }
  }

  private get dir(): string {
    const t = this.options.target;
    return 'dir' in t ? t.dir : dirname(t.file);
  }


  /** Free bytes on the recording's disk; Infinity when the system cannot say (recording goes on). */
  private freeBytes(): number {
    try {
      return (this.options.freeBytes ?? statfsFree)(this.dir);
    } catch {
      return Infinity;
    }
  }

  private lowSpace(free: number, what: string): string {
    return `${what}: ${mib(free)} free on the disk of ${this.dir}, under the ${mib(this.minFree)} the recorder leaves free`;
  }

  /** A write failed: the file is closed as it stands (every whole chunk in it stays readable). */
  private stopOnError(e: unknown): void {
    const err = e as NodeJS.ErrnoException;
    const file = this.writer.path;
    const why = err.code === 'ENOSPC'
      ? `recording stopped: the disk is full (ENOSPC writing ${file}); what was recorded up to the last second is in the file. Free some space and reconnect the source to record again`
      : `recording stopped: ${err.code ? `${err.code} writing ${file}` : (err.message ?? String(e))}; what was recorded up to the last second is in the file`;
    this.stop(why, () => this.writer.abort());
  }

  private stop(why: string, finish: () => void): void {
    if (this.state !== 'recording') return;
    this.state = 'stopped';
    this.stoppedWhy = why;
    clearInterval(this.timer);
    try {
      finish();
    } catch {
      this.writer.abort(); // finishing the file failed too (no room for its footer): keep what is there
    }
    this.options.onStopped?.(why);
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
    this.totalMessages++; // a message of the file like any other: `twin inspect` counts it too
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
    // Scans in chunks of their own: a replay of the positions skips them undecompressed (McapFileWriter).
    const writer = McapFileWriter.openSync(path, { compression: this.options.compression ?? 'zstd', profile: 'twin', ownChunks: ['/scan'] });
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
