/**
 * One MCAP file seen as a list of chunks that can be read and decoded one at a time — the unit
 * of the replay index (Recording.ts), after Foxglove's IIterableSource.
 *
 * Opening: a complete file is opened from its summary (schemas, channels, chunk indexes, metadata)
 * with @mcap/core `McapIndexedReader` over a file-handle readable, without reading the data
 * section. A file without a usable summary (cut off by a crash, or written without an index)
 * is scanned sequentially instead: top-level records are walked header by header up to the
 * first incomplete or corrupt one, and `damage` says what was lost.
 *
 * Decoding a chunk gives columns (STYLE habit 9): publish time (ms), channel id and the byte
 * range of each message in the decompressed buffer, sorted by publish time (stable, so equal
 * times keep file order). Replay runs on the records' own time `t` = MCAP publishTime
 * (spec/cli.md), not logTime, so the chunk index's logTime ranges are not used for seeking.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { McapIndexedReader, type McapTypes } from '@mcap/core';
import * as zstd from '@foxglove/wasm-zstd';
import lz4 from '@foxglove/wasm-lz4';

export interface McapChannel {
  id: number;
  topic: string;
  messageEncoding: string;
  schemaName: string;
  schemaEncoding: string;
}

/** Messages of one chunk as columns, sorted by publish time. */
export interface DecodedChunk {
  readonly count: number;
  /** Publish time, epoch ms (fractional ms kept). */
  readonly pub: Float64Array;
  readonly channel: Uint16Array;
  /** Byte range of each message's data in `bytes`. */
  readonly start: Uint32Array;
  readonly end: Uint32Array;
  readonly bytes: Uint8Array;
  readonly minPub: number;
  readonly maxPub: number;
}

/** Where a chunk's bytes are: a Chunk record in the file, or top-level messages already in memory. */
export type ChunkRef =
  | {
      kind: 'file'; offset: number; length: number;
      /**
       * The channels the chunk holds messages of, from its message indexes (the chunk index's offsets, or the
       * MessageIndex records right after the chunk in a file read sequentially); absent when the file has none.
       * A reader skips a chunk of channels it does not want without decompressing it (McapFileWriter's ownChunks).
       */
      channels?: ReadonlySet<number>;
    }
  | { kind: 'memory'; chunk: DecodedChunk };

export type OpenMode = 'indexed' | 'sequential';

let codecs: Promise<void> | null = null;
function codecsReady(): Promise<void> {
  codecs ??= Promise.all([zstd.isLoaded, lz4.isLoaded]).then(() => undefined);
  return codecs;
}
const decompressHandlers: McapTypes.DecompressHandlers = {
  zstd: (buf, size) => zstd.decompress(buf, Number(size)),
  lz4: (buf, size) => lz4(buf, Number(size)),
};

const MAGIC = [0x89, 0x4d, 0x43, 0x41, 0x50, 0x30, 0x0d, 0x0a];
const OP = { schema: 0x03, channel: 0x04, message: 0x05, chunk: 0x06, messageIndex: 0x07, metadata: 0x0c, footer: 0x02, dataEnd: 0x0f } as const;
/** The words of the notice for a file without its summary (LiveReview leaves them out for the file being written). */
export const CUT_SHORT = 'was cut short';
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Top-level messages of an unchunked file are grouped into in-memory chunks of this many. */
const MEMORY_CHUNK_MESSAGES = 4096;
const text = new TextDecoder();

/** The file is not MCAP, or cannot be read at all. */
export class McapOpenError extends Error {
  override readonly name = 'McapOpenError';
}

export class McapChunkFile {
  readonly chunks: ChunkRef[] = [];
  readonly channels = new Map<number, McapChannel>();
  /** MCAP metadata records by name (e.g. `twin`: source, model, modelHash). */
  readonly metadata: Record<string, Record<string, string>> = {};
  /** What was lost, for a file cut off or corrupt; null for a complete file. */
  damage: string | null = null;
  private readonly schemas = new Map<number, { name: string; encoding: string }>();

  private constructor(readonly path: string, private readonly fh: FileHandle, readonly size: number, public mode: OpenMode) {}

  static async open(path: string): Promise<McapChunkFile> {
    await codecsReady();
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (e) {
      throw new McapOpenError(`${path}: cannot open (${(e as Error).message})`);
    }
    try {
      const size = (await fh.stat()).size;
      const head = new Uint8Array(8);
      await fh.read(head, 0, 8, 0);
      if (size < 8 || MAGIC.some((b, i) => head[i] !== b)) throw new McapOpenError(`${path}: not an MCAP file (no MCAP magic at byte 0)`);
      const file = new McapChunkFile(path, fh, size, 'indexed');
      if (!(await file.openIndexed())) {
        file.mode = 'sequential';
        await file.scanSequential();
      }
      return file;
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  /** Summary path. False when the file has no usable summary (truncated, unindexed). */
  private async openIndexed(): Promise<boolean> {
    const fh = this.fh;
    const readable: McapTypes.IReadable = {
      size: async () => BigInt(this.size),
      read: async (offset, size) => {
        const buf = new Uint8Array(Number(size));
        await fh.read(buf, 0, buf.byteLength, Number(offset));
        return buf;
      },
    };
    let reader: McapIndexedReader;
    try {
      reader = await McapIndexedReader.Initialize({ readable, decompressHandlers });
    } catch {
      return false;
    }
    const messages = reader.statistics?.messageCount ?? 0n;
    if (reader.chunkIndexes.length === 0 && messages > 0n) return false; // unchunked: read sequentially
    for (const [id, s] of reader.schemasById) this.schemas.set(id, { name: s.name, encoding: s.encoding });
    for (const [id, c] of reader.channelsById) this.addChannel(id, c.topic, c.messageEncoding, c.schemaId);
    for (const c of [...reader.chunkIndexes].sort((a, b) => Number(a.chunkStartOffset - b.chunkStartOffset))) {
      const channels = c.messageIndexOffsets.size > 0 ? new Set(c.messageIndexOffsets.keys()) : undefined;
      this.chunks.push({ kind: 'file', offset: Number(c.chunkStartOffset), length: Number(c.chunkLength), ...(channels ? { channels } : {}) });
    }
    try {
      for await (const m of reader.readMetadata()) this.metadata[m.name] = Object.fromEntries(m.metadata);
    } catch (e) {
      // The messages do not depend on it: replay without (source and model names unknown).
      this.damage = `${this.path}: its metadata is damaged (${(e as Error).message}); the messages replay without it`;
    }
    return true;
  }

  /**
   * Walks top-level records from the start up to the first incomplete or corrupt one. Chunks are
   * only located here (decoded later); schemas, channels, metadata and loose messages are read.
   */
  private async scanSequential(): Promise<void> {
    let pos = 8;
    const header = new Uint8Array(9);
    const hv = new DataView(header.buffer);
    const loose: { pub: number; channel: number; data: Uint8Array }[] = [];
    const flushLoose = () => {
      if (loose.length) this.chunks.push({ kind: 'memory', chunk: memoryChunk(loose.splice(0)) });
    };
    let complete = false;
    /** The channels of the chunk just read, from the MessageIndex records that follow it. */
    let indexed: Set<number> | null = null;
    while (pos + 9 <= this.size) {
      await this.fh.read(header, 0, 9, pos);
      const op = header[0]!;
      const len = Number(hv.getBigUint64(1, true));
      if (pos + 9 + len > this.size) break;
      if (op === OP.messageIndex && indexed && len >= 2) {
        await this.fh.read(header, 0, 2, pos + 9);
        indexed.add(hv.getUint16(0, true));
        pos += 9 + len;
        continue;
      }
      // Any other record ends the chunk's MessageIndex records: its channel set is whole.
      indexed = null;
      if (op === OP.footer || op === OP.dataEnd) {
        complete = true;
        break;
      }
      if (op === OP.chunk) {
        flushLoose();
        const channels = new Set<number>();
        this.chunks.push({ kind: 'file', offset: pos, length: 9 + len, channels });
        indexed = channels;
      } else if (op === OP.schema || op === OP.channel || op === OP.metadata || op === OP.message) {
        const body = new Uint8Array(len);
        await this.fh.read(body, 0, len, pos + 9);
        if (op === OP.message) {
          const v = new DataView(body.buffer);
          loose.push({ channel: v.getUint16(0, true), pub: nsToMs(u64(v, 14)), data: body.subarray(22) });
          if (loose.length >= MEMORY_CHUNK_MESSAGES) flushLoose();
        } else {
          this.readDefinition(op, body);
        }
      }
      pos += 9 + len;
    }
    flushLoose();
    // The file ends in or right after the last chunk's MessageIndex records (cut short, or still being written): its set
    // may lack channels, so it is not trusted. A chunk with no MessageIndex records after it (a writer that writes none):
    // channels unknown. Either way the chunk is never skipped.
    const last = this.chunks[this.chunks.length - 1];
    if (indexed && last?.kind === 'file') delete last.channels;
    for (const ref of this.chunks) if (ref.kind === 'file' && ref.channels?.size === 0) delete ref.channels;
    if (!complete) {
      const lost = this.size - pos;
      const cause = '(not closed when recording stopped, e.g. by a crash, or an incomplete copy)';
      this.damage = this.chunks.length === 0
        ? `${this.path} ${CUT_SHORT} before its first complete block of data ${cause}: nothing in it can be replayed` // read "its first 0.0 MiB of 0.0 MiB replay"
        : `${this.path} ${CUT_SHORT} ${cause}: its first ${mib(pos)} of ${mib(this.size)} replay; the last ${lost < 1024 ? `${lost} bytes` : `${(lost / 1024).toFixed(0)} KiB`} could not be read`;
    }
  }

  private readDefinition(op: number, body: Uint8Array): void {
    const r = new ByteCursor(body);
    if (op === OP.schema) {
      const id = r.u16();
      const name = r.str();
      const encoding = r.str();
      this.schemas.set(id, { name, encoding });
    } else if (op === OP.channel) {
      const id = r.u16();
      const schemaId = r.u16();
      const topic = r.str();
      const encoding = r.str();
      if (!this.channels.has(id)) this.addChannel(id, topic, encoding, schemaId);
    } else if (op === OP.metadata) {
      const name = r.str();
      const end = r.pos + 4 + r.u32();
      const map: Record<string, string> = {};
      while (r.pos < end) map[r.str()] = r.str();
      this.metadata[name] = map;
    }
  }

  private addChannel(id: number, topic: string, messageEncoding: string, schemaId: number): void {
    const s = this.schemas.get(schemaId);
    this.channels.set(id, { id, topic, messageEncoding, schemaName: s?.name ?? '', schemaEncoding: s?.encoding ?? '' });
  }

  /**
   * Reads and decodes chunk `index`. A chunk whose bytes are corrupt (CRC of the compressed data
   * is not checked here; decompression or record framing fails) throws an error naming the file
   * and byte offset.
   */
  async readChunk(index: number): Promise<DecodedChunk> {
    const ref = this.chunks[index];
    if (!ref) throw new RangeError(`McapChunkFile: ${this.path}: no chunk ${index}`);
    if (ref.kind === 'memory') return ref.chunk;
    const raw = new Uint8Array(ref.length);
    await this.fh.read(raw, 0, ref.length, ref.offset);
    return this.decodeChunkRecord(raw, ref.offset);
  }

  private decodeChunkRecord(raw: Uint8Array, offset: number): DecodedChunk {
    const r = new ByteCursor(raw);
    r.pos = 9 + 8 + 8; // opcode, length, message start/end time
    const uncompressedSize = r.u64();
    r.u32(); // uncompressed crc
    const compression = r.str();
    const recordsLength = r.u64();
    const records = raw.subarray(r.pos, r.pos + recordsLength);
    let bytes: Uint8Array;
    try {
      if (compression === '') bytes = records;
      else if (compression === 'zstd') bytes = zstd.decompress(records, uncompressedSize);
      else if (compression === 'lz4') bytes = lz4(records, uncompressedSize);
      else throw new Error(`unsupported chunk compression "${compression}"`);
    } catch (e) {
      throw new McapOpenError(`${this.path}: damaged data at ${mib(offset)} (${(e as Error).message})`);
    }
    return this.decodeRecords(bytes);
  }

  private decodeRecords(bytes: Uint8Array): DecodedChunk {
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let n = 0;
    let cap = 1024;
    let pub = new Float64Array(cap);
    let channel = new Uint16Array(cap);
    let start = new Uint32Array(cap);
    let end = new Uint32Array(cap);
    let pos = 0;
    let sorted = true;
    while (pos + 9 <= bytes.byteLength) {
      const op = bytes[pos]!;
      const len = u64(v, pos + 1);
      const body = pos + 9;
      if (body + len > bytes.byteLength) break;
      if (op === OP.message) {
        if (n === cap) {
          cap *= 2;
          pub = grow(pub, cap);
          channel = grow(channel, cap);
          start = grow(start, cap);
          end = grow(end, cap);
        }
        channel[n] = v.getUint16(body, true);
        pub[n] = nsToMs(u64(v, body + 14));
        start[n] = body + 22;
        end[n] = body + len;
        if (n > 0 && pub[n]! < pub[n - 1]!) sorted = false;
        n++;
      } else if (op === OP.schema || op === OP.channel) {
        this.readDefinition(op, bytes.subarray(body, body + len));
      }
      pos = body + len;
    }
    return columns(bytes, n, pub, channel, start, end, sorted);
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

function memoryChunk(msgs: { pub: number; channel: number; data: Uint8Array }[]): DecodedChunk {
  const total = msgs.reduce((s, m) => s + m.data.byteLength, 0);
  const bytes = new Uint8Array(total);
  const n = msgs.length;
  const pub = new Float64Array(n);
  const channel = new Uint16Array(n);
  const start = new Uint32Array(n);
  const end = new Uint32Array(n);
  let off = 0;
  let sorted = true;
  msgs.forEach((m, i) => {
    bytes.set(m.data, off);
    pub[i] = m.pub;
    channel[i] = m.channel;
    start[i] = off;
    off += m.data.byteLength;
    end[i] = off;
    if (i > 0 && m.pub < msgs[i - 1]!.pub) sorted = false;
  });
  return columns(bytes, n, pub, channel, start, end, sorted);
}

/** Trims the columns to `n` and sorts them by publish time (stable) when they are not already. */
function columns(bytes: Uint8Array, n: number, pub: Float64Array, channel: Uint16Array, start: Uint32Array, end: Uint32Array, sorted: boolean): DecodedChunk {
  if (!sorted) {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => pub[a]! - pub[b]! || a - b);
    const p = new Float64Array(n);
    const c = new Uint16Array(n);
    const s = new Uint32Array(n);
    const e = new Uint32Array(n);
    order.forEach((from, to) => {
      p[to] = pub[from]!;
      c[to] = channel[from]!;
      s[to] = start[from]!;
      e[to] = end[from]!;
    });
    [pub, channel, start, end] = [p, c, s, e];
  } else {
    [pub, channel, start, end] = [pub.slice(0, n), channel.slice(0, n), start.slice(0, n), end.slice(0, n)];
  }
  return { count: n, pub, channel, start, end, bytes, minPub: n ? pub[0]! : Infinity, maxPub: n ? pub[n - 1]! : -Infinity };
}

function grow<T extends Float64Array | Uint16Array | Uint32Array>(a: T, cap: number): T {
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a);
  return b;
}

/** Little-endian u64 as a double (exact below 2^53; ns times lose < 1 µs, far below what matters). */
function u64(v: DataView, at: number): number {
  return v.getUint32(at, true) + v.getUint32(at + 4, true) * 4294967296;
}

/** ns (as a double, ±256 ns) → epoch ms rounded to the microsecond, so whole-ms times come out exact. */
function nsToMs(ns: number): number {
  return Math.round(ns / 1000) / 1000;
}

class ByteCursor {
  pos = 0;
  private readonly v: DataView;
  constructor(private readonly b: Uint8Array) {
    this.v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  u16(): number {
    const x = this.v.getUint16(this.pos, true);
    this.pos += 2;
    return x;
  }
  u32(): number {
    const x = this.v.getUint32(this.pos, true);
    this.pos += 4;
    return x;
  }
  u64(): number {
    const x = u64(this.v, this.pos);
    this.pos += 8;
    return x;
  }
  str(): string {
    const n = this.u32();
    const s = text.decode(this.b.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
}
