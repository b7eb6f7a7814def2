/**
 * The columnar binary telemetry frame, main → renderer (binary API channel 'telemetry').
 *
 * The hub coalesces everything that changed since the previous frame (at most one frame per
 * animation frame, ~16–50 ms) into ONE message, so 10 000 updates per second are ~30 messages,
 * not 10 000. Numeric data are typed-array columns the renderer reads in place (no copy, no
 * per-entity objects): every section starts 8-byte aligned so a Float64Array view is legal.
 *
 * Strings (ids, kinds, types, floors, tasks, errors, zones) go in a PER-FRAME string table, not
 * a session dictionary: the API server drops binary frames for a congested page, and a page may
 * connect at any time, so every frame must decode on its own. Only entities updated since the
 * previous frame are in a delta frame; a frame with `full` set carries every known entity (the
 * hub sends one every couple of seconds and on request, so a new page is complete quickly).
 *
 * Layout (little-endian), each section padded to a multiple of 8 bytes:
 *   header  (HEADER_BYTES)  magic 'TWF1', version, flags, counts, byte lengths, string count, frame
 *                           time, id count and id bytes (the table's first part)
 *   entities (n)   Float64 t, lat, lon | Float32 x, y, z, heading, speed, battery |
 *                  Uint32 id, kind, type, floor, task, error (string indices) | Uint8 state, flags
 *   positions (m)  Float64 t, lat, lon | Float32 x, y, accuracy | Uint32 id, floor | Uint8 flags
 *   counts (k)     Float64 t | Uint32 count, zone
 *   strings        UTF-8, the strings joined by NUL (a NUL inside a string is sent as U+FFFD;
 *                  splitting is ~3× faster than JSON.parse of the same table): first the rows'
 *                  ids, then the other strings (kinds, types, floors, tasks, errors, zones)
 *   side-car       UTF-8 JSON `FrameSidecar` (alerts, health: rare things)
 *
 * Units: t epoch ms; x/y/z metres in the building frame; heading degrees (0 = north, clockwise);
 * speed m/s; battery 0..1; accuracy metres; lat/lon WGS84 degrees. A missing value is NaN
 * (numbers) or NO_STRING (string index).
 */
import { ENTITY_STATES, type AlertRecord, type EntityStateName } from './records.js';
import type { SourceStatus } from './source.js';

export const FRAME_MAGIC = 0x31465754; // 'TWF1' little-endian
export const FRAME_VERSION = 2;
export const HEADER_BYTES = 48;
/** String index meaning "absent". */
export const NO_STRING = 0xffffffff;

/** Frame flags (header). */
export const FRAME_FULL = 1;

/** Per-row flags (entities and positions). */
export const ROW_STALE = 1;
/** The row's position is WGS84 (lat/lon columns set), not local x/y. */
export const ROW_GEO = 2;

/** `state` column: 0 = unknown, then ENTITY_STATES in order (1 = idle, 2 = moving, …). */
export function stateCode(state: EntityStateName | undefined): number {
  return state === undefined ? 0 : ENTITY_STATES.indexOf(state) + 1;
}
export function stateName(code: number): EntityStateName | undefined {
  return code === 0 ? undefined : ENTITY_STATES[code - 1];
}

/** Rare things that ride along as JSON. */
export interface FrameSidecar {
  /** Alerts raised or cleared since the previous frame. */
  alerts?: AlertRecord[];
  /** Source health, when it changed. */
  health?: SourceStatus;
  /** Entity ids the hub forgot (removed), so the renderer frees their slots. */
  removed?: string[];
}

/** One entity state row as the encoder takes it (the hub's latest-state slot). */
export interface FrameEntity {
  id: string;
  kind: string;
  type?: string;
  floor?: string;
  t: number;
  x?: number;
  y?: number;
  z?: number;
  lat?: number;
  lon?: number;
  heading?: number;
  speed?: number;
  battery?: number;
  state?: EntityStateName;
  task?: string | null;
  error?: string | null;
  stale: boolean;
}

export interface FramePosition {
  id: string;
  t: number;
  floor?: string;
  x?: number;
  y?: number;
  lat?: number;
  lon?: number;
  accuracy?: number;
  stale: boolean;
}

export interface FrameCount {
  zone: string;
  t: number;
  count: number;
}

export interface TelemetryFrameInput {
  /** Frame time: the latest source time the hub has seen (epoch ms). */
  time: number;
  full: boolean;
  entities: readonly FrameEntity[];
  positions: readonly FramePosition[];
  counts: readonly FrameCount[];
  sidecar?: FrameSidecar;
}

/** Zero-copy views over a decoded frame. Typed arrays alias the frame's buffer. */
export interface TelemetryFrameView {
  time: number;
  full: boolean;
  strings: readonly string[];
  /**
   * The first part of `strings`: the rows' ids (entities, then positions). Frames that list the
   * same ids in the same order share one frozen array (the renderer caches lookups by it).
   */
  ids: readonly string[];
  entities: {
    count: number;
    t: Float64Array;
    lat: Float64Array;
    lon: Float64Array;
    x: Float32Array;
    y: Float32Array;
    z: Float32Array;
    heading: Float32Array;
    speed: Float32Array;
    battery: Float32Array;
    id: Uint32Array;
    kind: Uint32Array;
    type: Uint32Array;
    floor: Uint32Array;
    task: Uint32Array;
    error: Uint32Array;
    state: Uint8Array;
    flags: Uint8Array;
  };
  positions: {
    count: number;
    t: Float64Array;
    lat: Float64Array;
    lon: Float64Array;
    x: Float32Array;
    y: Float32Array;
    accuracy: Float32Array;
    id: Uint32Array;
    floor: Uint32Array;
    flags: Uint8Array;
  };
  counts: { count: number; t: Float64Array; value: Uint32Array; zone: Uint32Array };
  sidecar: FrameSidecar;
}

const pad8 = (n: number) => (n + 7) & ~7;

/** Bytes of the numeric sections for n entities, m positions, k counts (each column 8-aligned). */
function entityBytes(n: number): number {
  return 3 * pad8(8 * n) + 6 * pad8(4 * n) + 6 * pad8(4 * n) + 2 * pad8(n);
}
function positionBytes(m: number): number {
  return 3 * pad8(8 * m) + 3 * pad8(4 * m) + 2 * pad8(4 * m) + pad8(m);
}
function countBytes(k: number): number {
  return pad8(8 * k) + 2 * pad8(4 * k);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes one frame. Strings are interned into the frame's own table. */
export function encodeTelemetryFrame(input: TelemetryFrameInput): Uint8Array {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const intern = (s: string | null | undefined): number => {
    if (s === undefined || s === null) return NO_STRING;
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s.includes('\0') ? s.replaceAll('\0', '\uFFFD') : s);
      index.set(s, i);
    }
    return i;
  };
  const n = input.entities.length;
  const m = input.positions.length;
  const k = input.counts.length;
  // Intern first so the string section's size is known before allocation. Row ids first (the
  // id part of the table), then the few distinct kinds, types, floors, tasks, errors and zones.
  const eStr = new Uint32Array(6 * n);
  const pStr = new Uint32Array(2 * m);
  for (let i = 0; i < n; i++) eStr[i] = intern(input.entities[i]!.id);
  for (let i = 0; i < m; i++) pStr[i] = intern(input.positions[i]!.id);
  const idCount = strings.length;
  for (let i = 0; i < n; i++) {
    const e = input.entities[i]!;
    eStr[n + i] = intern(e.kind);
    eStr[2 * n + i] = intern(e.type);
    eStr[3 * n + i] = intern(e.floor);
    eStr[4 * n + i] = intern(e.task);
    eStr[5 * n + i] = intern(e.error);
  }
  for (let i = 0; i < m; i++) pStr[m + i] = intern(input.positions[i]!.floor);
  const cStr = new Uint32Array(k);
  for (let i = 0; i < k; i++) cStr[i] = intern(input.counts[i]!.zone);
  const idBytes = encoder.encode(strings.slice(0, idCount).join('\0'));
  const restBytes = encoder.encode(strings.slice(idCount).join('\0'));
  const joined = idCount > 0 && strings.length > idCount ? 1 : 0; // the NUL between the two parts
  const stringBytes = new Uint8Array(idBytes.length + joined + restBytes.length);
  stringBytes.set(idBytes);
  stringBytes.set(restBytes, idBytes.length + joined);
  const hasSidecar = input.sidecar && Object.keys(input.sidecar).length > 0;
  const sidecarBytes = hasSidecar ? encoder.encode(JSON.stringify(input.sidecar)) : new Uint8Array(0);

  const total = HEADER_BYTES + entityBytes(n) + positionBytes(m) + countBytes(k) + pad8(stringBytes.length) + pad8(sidecarBytes.length);
  const buf = new ArrayBuffer(total);
  const dv = new DataView(buf);
  dv.setUint32(0, FRAME_MAGIC, true);
  dv.setUint16(4, FRAME_VERSION, true);
  dv.setUint16(6, input.full ? FRAME_FULL : 0, true);
  dv.setUint32(8, n, true);
  dv.setUint32(12, m, true);
  dv.setUint32(16, k, true);
  dv.setUint32(20, stringBytes.length, true);
  dv.setUint32(24, sidecarBytes.length, true);
  dv.setUint32(28, strings.length, true);
  dv.setFloat64(32, input.time, true);
  dv.setUint32(40, idCount, true);
  dv.setUint32(44, idBytes.length, true);
  let off = HEADER_BYTES;
  const f64 = (len: number) => {
    const a = new Float64Array(buf, off, len);
    off += pad8(8 * len);
    return a;
  };
  const f32 = (len: number) => {
    const a = new Float32Array(buf, off, len);
    off += pad8(4 * len);
    return a;
  };
  const u32 = (len: number) => {
    const a = new Uint32Array(buf, off, len);
    off += pad8(4 * len);
    return a;
  };
  const u8 = (len: number) => {
    const a = new Uint8Array(buf, off, len);
    off += pad8(len);
    return a;
  };
  const num = (v: number | undefined) => (v === undefined ? NaN : v);

  {
    const t = f64(n), lat = f64(n), lon = f64(n);
    const x = f32(n), y = f32(n), z = f32(n), heading = f32(n), speed = f32(n), battery = f32(n);
    const strCols = [u32(n), u32(n), u32(n), u32(n), u32(n), u32(n)];
    const state = u8(n), flags = u8(n);
    for (let i = 0; i < n; i++) {
      const e = input.entities[i]!;
      t[i] = e.t;
      lat[i] = num(e.lat);
      lon[i] = num(e.lon);
      x[i] = num(e.x);
      y[i] = num(e.y);
      z[i] = num(e.z);
      heading[i] = num(e.heading);
      speed[i] = num(e.speed);
      battery[i] = num(e.battery);
      state[i] = stateCode(e.state);
      flags[i] = (e.stale ? ROW_STALE : 0) | (e.lat !== undefined && e.x === undefined ? ROW_GEO : 0);
    }
    for (let c = 0; c < 6; c++) strCols[c]!.set(eStr.subarray(c * n, (c + 1) * n));
  }
  {
    const t = f64(m), lat = f64(m), lon = f64(m);
    const x = f32(m), y = f32(m), accuracy = f32(m);
    const id = u32(m), floor = u32(m);
    const flags = u8(m);
    for (let i = 0; i < m; i++) {
      const p = input.positions[i]!;
      t[i] = p.t;
      lat[i] = num(p.lat);
      lon[i] = num(p.lon);
      x[i] = num(p.x);
      y[i] = num(p.y);
      accuracy[i] = num(p.accuracy);
      flags[i] = (p.stale ? ROW_STALE : 0) | (p.lat !== undefined && p.x === undefined ? ROW_GEO : 0);
    }
    id.set(pStr.subarray(0, m));
    floor.set(pStr.subarray(m, 2 * m));
  }
  {
    const t = f64(k);
    const value = u32(k);
    const zone = u32(k);
    for (let i = 0; i < k; i++) {
      const c = input.counts[i]!;
      t[i] = c.t;
      value[i] = c.count;
    }
    zone.set(cStr);
  }
  new Uint8Array(buf, off, stringBytes.length).set(stringBytes);
  off += pad8(stringBytes.length);
  new Uint8Array(buf, off, sidecarBytes.length).set(sidecarBytes);
  return new Uint8Array(buf);
}

/** A frame that is not a telemetry frame or is cut short. */
export class TelemetryFrameError extends Error {
  override readonly name = 'TelemetryFrameError';
}

/**
 * Decodes a frame starting at `offset` in `buf` (e.g. the payload offset of a binary API event).
 * Numeric columns are views into `buf`, not copies. If `offset` is not 8-byte aligned (a buffer
 * sliced by a transport), the frame is copied once into an aligned buffer first.
 */
export function decodeTelemetryFrame(buf: ArrayBuffer, offset = 0): TelemetryFrameView {
  if (offset % 8 !== 0) {
    const copy = new Uint8Array(buf.byteLength - offset);
    copy.set(new Uint8Array(buf, offset));
    return decodeTelemetryFrame(copy.buffer, 0);
  }
  if (buf.byteLength - offset < HEADER_BYTES) {
    throw new TelemetryFrameError(`telemetry frame: ${buf.byteLength - offset} bytes, shorter than the ${HEADER_BYTES}-byte header`);
  }
  const dv = new DataView(buf, offset);
  const magic = dv.getUint32(0, true);
  if (magic !== FRAME_MAGIC) throw new TelemetryFrameError(`telemetry frame: bad magic 0x${magic.toString(16)}, expected 'TWF1'`);
  const version = dv.getUint16(4, true);
  if (version !== FRAME_VERSION) throw new TelemetryFrameError(`telemetry frame: version ${version}, this build reads ${FRAME_VERSION}`);
  const flags = dv.getUint16(6, true);
  const n = dv.getUint32(8, true);
  const m = dv.getUint32(12, true);
  const k = dv.getUint32(16, true);
  const stringLen = dv.getUint32(20, true);
  const sidecarLen = dv.getUint32(24, true);
  const stringCount = dv.getUint32(28, true);
  const idCount = dv.getUint32(40, true);
  const idBytes = dv.getUint32(44, true);
  if (idCount > stringCount || idBytes > stringLen) {
    throw new TelemetryFrameError(`telemetry frame: id part of the string table (${idCount} strings, ${idBytes} bytes) exceeds the table (${stringCount} strings, ${stringLen} bytes)`);
  }
  const time = dv.getFloat64(32, true);
  const need = HEADER_BYTES + entityBytes(n) + positionBytes(m) + countBytes(k) + pad8(stringLen) + sidecarLen;
  if (buf.byteLength - offset < need) {
    throw new TelemetryFrameError(`telemetry frame: ${buf.byteLength - offset} bytes, header announces ${need}`);
  }
  let off = offset + HEADER_BYTES;
  const f64 = (len: number) => {
    const a = new Float64Array(buf, off, len);
    off += pad8(8 * len);
    return a;
  };
  const f32 = (len: number) => {
    const a = new Float32Array(buf, off, len);
    off += pad8(4 * len);
    return a;
  };
  const u32 = (len: number) => {
    const a = new Uint32Array(buf, off, len);
    off += pad8(4 * len);
    return a;
  };
  const u8 = (len: number) => {
    const a = new Uint8Array(buf, off, len);
    off += pad8(len);
    return a;
  };
  const entities = {
    count: n,
    t: f64(n), lat: f64(n), lon: f64(n),
    x: f32(n), y: f32(n), z: f32(n), heading: f32(n), speed: f32(n), battery: f32(n),
    id: u32(n), kind: u32(n), type: u32(n), floor: u32(n), task: u32(n), error: u32(n),
    state: u8(n), flags: u8(n),
  };
  const positions = {
    count: m,
    t: f64(m), lat: f64(m), lon: f64(m),
    x: f32(m), y: f32(m), accuracy: f32(m),
    id: u32(m), floor: u32(m),
    flags: u8(m),
  };
  const counts = { count: k, t: f64(k), value: u32(k), zone: u32(k) };
  const ids = decodeIdTable(buf, off, idBytes, idCount);
  const restFrom = idCount > 0 && stringCount > idCount ? idBytes + 1 : idBytes;
  const rest = splitStrings(new Uint8Array(buf, off + restFrom, Math.max(0, stringLen - restFrom)), stringCount - idCount);
  // A plain copy loop: Array.prototype.concat falls back to a slow generic path once any code in
  // the process has touched Symbol.isConcatSpreadable or the Array species (seen: 2 ms here).
  let strings: readonly string[] = ids;
  if (rest.length > 0) {
    const all: string[] = new Array<string>(ids.length + rest.length);
    for (let i = 0; i < ids.length; i++) all[i] = ids[i]!;
    for (let i = 0; i < rest.length; i++) all[ids.length + i] = rest[i]!;
    strings = all;
  }
  off += pad8(stringLen);
  const sidecar = sidecarLen > 0 ? (JSON.parse(decoder.decode(new Uint8Array(buf, off, sidecarLen))) as FrameSidecar) : {};
  return { time, full: (flags & FRAME_FULL) !== 0, strings, ids, entities, positions, counts, sidecar };
}

/**
 * Recently decoded id parts of string tables, newest first, keyed by their bytes. The hub lists
 * rows in a stable order, so a fleet whose units all report between two frames, and the hub's
 * periodic full frames, repeat the same ids frame after frame; comparing their bytes (~150 KB for
 * 10 000 ids) costs a few tens of µs where decoding and splitting them costs ~0.3 ms and looking
 * up fresh id strings in the renderer another ~1 ms. Every frame still decodes on its own (a miss
 * decodes as before); the shared array is frozen, so no reader can change another frame's ids.
 */
const ID_MEMO = 4;
const recentIds: { words: Uint32Array; bytes: Uint8Array; ids: readonly string[] }[] = [];

function decodeIdTable(buf: ArrayBuffer, off: number, len: number, count: number): readonly string[] {
  // `off` is 8-byte aligned (every section is), so a word view of the table is legal.
  const words = len >>> 2;
  const w = new Uint32Array(buf, off, words);
  const tail = new Uint8Array(buf, off + 4 * words, len - 4 * words);
  for (let k = 0; k < recentIds.length; k++) {
    const m = recentIds[k]!;
    if (m.bytes.length !== len || m.ids.length !== count || !sameWords(m.words, w) || !sameBytes(m.bytes, tail, 4 * words)) continue;
    if (k > 0) { recentIds.splice(k, 1); recentIds.unshift(m); }
    return m.ids;
  }
  const ids = Object.freeze(splitStrings(new Uint8Array(buf, off, len), count));
  if (len >= 1024) { // small tables decode faster than they compare and copy
    const bytes = new Uint8Array(buf, off, len).slice();
    recentIds.unshift({ words: new Uint32Array(bytes.buffer, 0, words), bytes, ids });
    if (recentIds.length > ID_MEMO) recentIds.pop();
  }
  return ids;
}

/** `count` NUL-separated UTF-8 strings. */
function splitStrings(bytes: Uint8Array, count: number): string[] {
  if (count === 0) return [];
  const out = decoder.decode(bytes).split('\0');
  if (out.length !== count) throw new TelemetryFrameError(`telemetry frame: string table holds ${out.length} strings, header announces ${count}`);
  return out;
}

function sameWords(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameBytes(full: Uint8Array, tail: Uint8Array, from: number): boolean {
  for (let i = 0; i < tail.length; i++) if (full[from + i] !== tail[i]) return false;
  return true;
}

/** The string at index `i` of a frame, or undefined for NO_STRING. */
export function frameString(view: TelemetryFrameView, i: number): string | undefined {
  return i === NO_STRING ? undefined : view.strings[i];
}
