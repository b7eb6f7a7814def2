/**
 * The few header fields of a telemetry frame the shell needs for the status bar and timeline
 * (common/telemetryFrame.ts layout): read straight from the header, without decoding columns or
 * the string table, so it costs nothing next to the features that do decode the frame.
 */
import { FRAME_FULL, FRAME_MAGIC, HEADER_BYTES } from '../../common/telemetryFrame.js';

export interface FrameHeader {
  full: boolean;
  /** Entity rows in this frame (all known entities when `full`). */
  entities: number;
  /** Position rows (people/tags) in this frame (all known when `full`). */
  positions: number;
  /** Frame time, epoch ms. */
  time: number;
}

/** Null when the bytes are not a telemetry frame (features report decoding errors in detail). */
export function readFrameHeader(buf: ArrayBuffer, offset: number): FrameHeader | null {
  if (buf.byteLength - offset < HEADER_BYTES) return null;
  const dv = new DataView(buf, offset, HEADER_BYTES);
  if (dv.getUint32(0, true) !== FRAME_MAGIC) return null;
  return {
    full: (dv.getUint16(6, true) & FRAME_FULL) !== 0,
    entities: dv.getUint32(8, true),
    positions: dv.getUint32(12, true),
    time: dv.getFloat64(32, true),
  };
}
