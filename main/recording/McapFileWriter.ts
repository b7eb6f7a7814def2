/**
 * A chunked, compressed, indexed MCAP writer to a file, with an explicit `flushChunk()`.
 *
 * Why not `@mcap/core`'s McapWriter: it closes a chunk only when the chunk outgrows its size
 * limit, so a quiet live session could keep minutes of data in memory and lose them on a crash.
 * This writer uses the same record builders (McapRecordBuilder, McapChunkBuilder) and writes the
 * same summary (schemas, channels, statistics, metadata and chunk indexes, summary offsets), but
 * the recorder can close a chunk on a wall-clock timer. Writes are synchronous (`fs.writeSync`):
 * once a chunk is written it is in the OS page cache, so a SIGKILL loses only the open chunk and
 * the file still reads sequentially (McapStreamReader) up to the last complete chunk.
 *
 * Own chunks (`ownChunks`): the messages of the topics named there go to chunks of their own, one chunk stream per
 * topic beside the stream of everything else; `flushChunk()` closes every open chunk, and so does any chunk passing
 * `chunkSize`, so the streams' chunks cover the same stretch of time, one after another. The recorder gives `/scan` its
 * own chunks: scans are 85 % of a full-load recording's bytes (a 50-beacon RSSI map each) and no replay reads them
 * once their positions are recorded, so a reader that knows a chunk's channels (its message indexes, see
 * McapChunkFile) skips them undecompressed.
 *
 * Compression: zstd (@foxglove/wasm-zstd, level 3); call `McapFileWriter.open`, which waits for
 * the WASM module. CRCs: node:zlib crc32 for chunks; data-section and summary CRCs are written as
 * 0 ("not computed"), which the MCAP spec allows.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { McapChunkBuilder, McapRecordBuilder, McapConstants, type McapTypes } from '@mcap/core';
import * as zstd from '@foxglove/wasm-zstd';

type Schema = McapTypes.Schema;
type Channel = McapTypes.Channel;
type Message = McapTypes.Message;

export interface McapFileWriterOptions {
  /** Close a chunk when its uncompressed size passes this (bytes). Default 1 MiB. */
  chunkSize?: number;
  /** 'zstd' (default) or 'none'. */
  compression?: 'zstd' | 'none';
  /** Header profile. */
  profile?: string;
  /** Topics whose messages go to chunks of their own (one chunk stream per topic), see the top of this file. */
  ownChunks?: readonly string[];
}

/** One open chunk and the schemas and channels already written into it. */
interface ChunkStream {
  chunk: McapChunkBuilder;
  schemas: Set<number>;
  channels: Set<number>;
}
const newStream = (): ChunkStream => ({ chunk: new McapChunkBuilder({ useMessageIndex: true }), schemas: new Set(), channels: new Set() });

type WriterState = 'open' | 'closed';
let zstdReady = false;

export class McapFileWriter {
  private readonly fd: number;
  private readonly builder = new McapRecordBuilder();
  /** Stream 0: every topic not in `ownChunks`; then one per own-chunk topic registered. */
  private readonly streams: ChunkStream[] = [newStream()];
  /** Stream of each channel. */
  private readonly streamOf = new Map<number, number>();
  private readonly ownChunks: ReadonlySet<string>;
  private readonly ownStream = new Map<string, number>();
  private readonly schemas = new Map<number, Schema>();
  private readonly channels = new Map<number, Channel>();
  private readonly chunkIndexes: McapTypes.ChunkIndex[] = [];
  private readonly metadataIndexes: McapTypes.MetadataIndex[] = [];
  private readonly channelCounts = new Map<number, bigint>();
  private messageCount = 0n;
  private startTime = 0n;
  private endTime = 0n;
  private chunkCount = 0;
  private pos = 0n;
  private state: WriterState = 'open';
  private readonly chunkSize: number;
  private readonly compression: 'zstd' | 'none';

  /** Bytes written to the file so far. */
  get bytes(): number {
    return Number(this.pos);
  }
  /** Messages added so far (flushed or not). */
  get messages(): number {
    return Number(this.messageCount);
  }

  static async open(path: string, options: McapFileWriterOptions = {}): Promise<McapFileWriter> {
    await McapFileWriter.ready();
    return new McapFileWriter(path, options);
  }

  /** Resolves when the compressor is loaded; after that `openSync` may be used (rotation). */
  static async ready(): Promise<void> {
    await zstd.isLoaded;
    zstdReady = true;
  }

  /** Opens synchronously; `ready()` must have resolved when compression is zstd. */
  static openSync(path: string, options: McapFileWriterOptions = {}): McapFileWriter {
    if ((options.compression ?? 'zstd') === 'zstd' && !zstdReady) throw new Error('McapFileWriter: await McapFileWriter.ready() before openSync');
    return new McapFileWriter(path, options);
  }

  private constructor(readonly path: string, options: McapFileWriterOptions) {
    this.chunkSize = options.chunkSize ?? 1024 * 1024;
    this.compression = options.compression ?? 'zstd';
    this.ownChunks = new Set(options.ownChunks ?? []);
    this.fd = openSync(path, 'w');
    this.builder.writeMagic();
    this.builder.writeHeader({ profile: options.profile ?? '', library: 'twin-workbench' });
    this.emit();
  }

  registerSchema(info: Omit<Schema, 'id'>): number {
    const id = this.schemas.size + 1;
    this.schemas.set(id, { id, ...info });
    return id;
  }

  registerChannel(info: Omit<Channel, 'id'>): number {
    const id = this.channels.size;
    this.channels.set(id, { id, ...info });
    let stream = 0;
    if (this.ownChunks.has(info.topic)) {
      stream = this.ownStream.get(info.topic) ?? this.streams.push(newStream()) - 1;
      this.ownStream.set(info.topic, stream);
    }
    this.streamOf.set(id, stream);
    return id;
  }

  addMessage(message: Message): void {
    this.assertOpen('addMessage');
    const channel = this.channels.get(message.channelId);
    if (!channel) throw new Error(`McapFileWriter: no channel ${message.channelId} (register it first)`);
    const stream = this.streams[this.streamOf.get(channel.id)!]!;
    // Schemas and channels are repeated in every chunk that uses them, so each chunk of a
    // truncated file is self-describing for a sequential reader.
    if (channel.schemaId !== 0 && !stream.schemas.has(channel.schemaId)) {
      stream.chunk.addSchema(this.schemas.get(channel.schemaId)!);
      stream.schemas.add(channel.schemaId);
    }
    if (!stream.channels.has(channel.id)) {
      stream.chunk.addChannel(channel);
      stream.channels.add(channel.id);
    }
    stream.chunk.addMessage(message);
    if (this.messageCount === 0n || message.logTime < this.startTime) this.startTime = message.logTime;
    if (this.messageCount === 0n || message.logTime > this.endTime) this.endTime = message.logTime;
    this.messageCount++;
    this.channelCounts.set(channel.id, (this.channelCounts.get(channel.id) ?? 0n) + 1n);
    // All streams close together, so their chunks cover the same stretch of time, one after the other in the file.
    if (stream.chunk.byteLength > this.chunkSize) this.flushChunk();
  }

  addMetadata(name: string, metadata: Record<string, string>): void {
    this.assertOpen('addMetadata');
    this.flushChunk();
    const offset = this.pos;
    const length = this.builder.writeMetadata({ name, metadata: new Map(Object.entries(metadata)) });
    this.emit();
    this.metadataIndexes.push({ offset, length, name });
  }

  /** Closes the open chunks (those holding messages) and writes them to the file. */
  flushChunk(): void {
    for (const stream of this.streams) this.flushStream(stream);
  }

  private flushStream(stream: ChunkStream): void {
    const chunk = stream.chunk;
    if (this.state !== 'open' || chunk.numMessages === 0) return;
    const data = chunk.buffer;
    const uncompressedCrc = crc32(data);
    let records: Uint8Array = data;
    let compression = '';
    if (this.compression === 'zstd') {
      records = zstd.compress(data, 3);
      compression = 'zstd';
    }
    const chunkStartOffset = this.pos;
    const chunkLength = this.builder.writeChunk({
      messageStartTime: chunk.messageStartTime,
      messageEndTime: chunk.messageEndTime,
      uncompressedSize: BigInt(data.byteLength),
      uncompressedCrc,
      compression,
      records,
    });
    const messageIndexOffsets = new Map<number, bigint>();
    let messageIndexLength = 0n;
    const indexStart = chunkStartOffset + chunkLength;
    for (const index of chunk.indices) {
      messageIndexOffsets.set(index.channelId, indexStart + messageIndexLength);
      messageIndexLength += this.builder.writeMessageIndex(index);
    }
    this.chunkIndexes.push({
      messageStartTime: chunk.messageStartTime,
      messageEndTime: chunk.messageEndTime,
      chunkStartOffset,
      chunkLength,
      messageIndexOffsets,
      messageIndexLength,
      compression,
      compressedSize: BigInt(records.byteLength),
      uncompressedSize: BigInt(data.byteLength),
    });
    this.chunkCount++;
    chunk.reset();
    stream.schemas.clear();
    stream.channels.clear();
    this.emit();
  }

  /** Flushes the open chunk, writes the summary and footer, and closes the file. */
  close(): void {
    if (this.state === 'closed') return;
    this.flushChunk();
    this.builder.writeDataEnd({ dataSectionCrc: 0 });
    this.emit();
    const summaryStart = this.pos;
    const groups: McapTypes.SummaryOffset[] = [];
    const group = (opcode: number, write: () => void) => {
      const start = this.pos + BigInt(this.builder.length);
      const before = this.builder.length;
      write();
      const length = BigInt(this.builder.length - before);
      if (length > 0n) groups.push({ groupOpcode: opcode, groupStart: start, groupLength: length });
    };
    group(McapConstants.Opcode.SCHEMA, () => this.schemas.forEach((s) => this.builder.writeSchema(s)));
    group(McapConstants.Opcode.CHANNEL, () => this.channels.forEach((c) => this.builder.writeChannel(c)));
    group(McapConstants.Opcode.STATISTICS, () =>
      this.builder.writeStatistics({
        messageCount: this.messageCount,
        schemaCount: this.schemas.size,
        channelCount: this.channels.size,
        attachmentCount: 0,
        metadataCount: this.metadataIndexes.length,
        chunkCount: this.chunkCount,
        messageStartTime: this.startTime,
        messageEndTime: this.endTime,
        channelMessageCounts: this.channelCounts,
      }),
    );
    group(McapConstants.Opcode.METADATA_INDEX, () => this.metadataIndexes.forEach((m) => this.builder.writeMetadataIndex(m)));
    group(McapConstants.Opcode.CHUNK_INDEX, () => this.chunkIndexes.forEach((c) => this.builder.writeChunkIndex(c)));
    const summaryOffsetStart = this.pos + BigInt(this.builder.length);
    for (const g of groups) this.builder.writeSummaryOffset(g);
    this.builder.writeFooter({ summaryStart, summaryOffsetStart, summaryCrc: 0 });
    this.builder.writeMagic();
    this.emit();
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.state = 'closed';
  }

  /**
   * Closes the file without writing anything more (after a failed write: a full disk). What the file holds stays
   * as it is: every chunk written whole is readable, as after a crash (no summary, no footer).
   */
  abort(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    try {
      closeSync(this.fd);
    } catch {
      // already unusable; nothing more to release
    }
  }

  private emit(): void {
    const buf = this.builder.buffer;
    let off = 0;
    while (off < buf.byteLength) off += writeSync(this.fd, buf, off, buf.byteLength - off);
    this.pos += BigInt(buf.byteLength);
    this.builder.reset();
  }

  private assertOpen(op: string): void {
    if (this.state !== 'open') throw new Error(`McapFileWriter: ${op} after close (${this.path})`);
  }
}
