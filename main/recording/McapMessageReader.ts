/**
 * Reads an MCAP recording sequentially (McapStreamReader over a file stream), so it also reads a
 * file cut short by a crash or a SIGKILL: every complete chunk is returned and `truncated` says
 * the footer was never reached. The building block for `twin inspect` (`twin replay` and the `file:` replay
 * source read through main/replay/Recording, in time order).
 *
 * Messages come in file order: for this project's recordings, receive order within each chunk stream (scans have
 * chunks of their own, see McapFileWriter's ownChunks), so not time order across them. Decompression:
 * zstd and lz4 (Foxglove WASM modules), or uncompressed chunks.
 */
import { createReadStream } from 'node:fs';
import { McapStreamReader, type McapTypes } from '@mcap/core';
import * as zstd from '@foxglove/wasm-zstd';
import lz4 from '@foxglove/wasm-lz4';

export interface McapChannelInfo {
  id: number;
  topic: string;
  messageEncoding: string;
  schemaName: string;
  schemaEncoding: string;
}

export interface McapReadMessage {
  channel: McapChannelInfo;
  /** Receive time, ns. */
  logTime: bigint;
  /** The record's own time, ns. */
  publishTime: bigint;
  data: Uint8Array;
}

export type McapReadEvent =
  | { type: 'message'; message: McapReadMessage }
  | { type: 'metadata'; name: string; metadata: Map<string, string> }
  | { type: 'end'; truncated: boolean; error?: string; bytes: number };

/** The file is not MCAP at all, or its first bytes are corrupt. */
export class McapFileError extends Error {
  override readonly name = 'McapFileError';
}

let loaded: Promise<void> | null = null;
function decompressorsReady(): Promise<void> {
  loaded ??= Promise.all([zstd.isLoaded, lz4.isLoaded]).then(() => undefined);
  return loaded;
}

const decompressHandlers: McapTypes.DecompressHandlers = {
  zstd: (buf, size) => zstd.decompress(buf, Number(size)),
  lz4: (buf, size) => lz4(buf, Number(size)),
};

/**
 * Streams the records of `path` in file order. The last event is always `end`; a file whose
 * footer is missing, or that breaks off mid-record, ends with `truncated: true` (and `error`
 * when bytes were corrupt rather than missing). A file that is not MCAP throws McapFileError.
 */
export async function* readMcapFile(path: string, signal?: AbortSignal): AsyncGenerator<McapReadEvent> {
  await decompressorsReady();
  const reader = new McapStreamReader({ decompressHandlers, validateCrcs: true });
  const schemas = new Map<number, McapTypes.Schema>();
  const channels = new Map<number, McapChannelInfo>();
  let bytes = 0;
  let error: string | undefined;
  let sawMagic = false;
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    outer: for await (const piece of stream as AsyncIterable<Buffer>) {
      if (signal?.aborted) break;
      bytes += piece.byteLength;
      reader.append(piece);
      for (;;) {
        let rec: McapTypes.TypedMcapRecord | undefined;
        try {
          rec = reader.nextRecord();
        } catch (e) {
          if (!sawMagic) throw new McapFileError(`${path}: not an MCAP file (${(e as Error).message})`);
          error = (e as Error).message;
          break outer;
        }
        if (!rec) break;
        sawMagic = true;
        switch (rec.type) {
          case 'Schema':
            schemas.set(rec.id, rec);
            break;
          case 'Channel': {
            const s = schemas.get(rec.schemaId);
            channels.set(rec.id, {
              id: rec.id,
              topic: rec.topic,
              messageEncoding: rec.messageEncoding,
              schemaName: s?.name ?? '',
              schemaEncoding: s?.encoding ?? '',
            });
            break;
          }
          case 'Message': {
            const channel = channels.get(rec.channelId);
            if (!channel) {
              error = `message on unknown channel ${rec.channelId}`;
              break outer;
            }
            yield { type: 'message', message: { channel, logTime: rec.logTime, publishTime: rec.publishTime, data: rec.data } };
            break;
          }
          case 'Metadata':
            yield { type: 'metadata', name: rec.name, metadata: rec.metadata };
            break;
          default:
            break;
        }
      }
    }
  } finally {
    stream.destroy();
  }
  if (bytes === 0) throw new McapFileError(`${path}: empty file, not an MCAP recording`);
  if (!sawMagic && !error) throw new McapFileError(`${path}: not an MCAP file (no complete header)`);
  yield { type: 'end', truncated: !reader.done(), error, bytes };
}
