/**
 * The one typed API between the renderer and the main-side services.
 *
 * Same protocol over two transports: a WebSocket to `twin serve` (web mode), or a MessagePort
 * handed to the page by the Electron preload. Requests/responses and JSON events are text
 * frames (`ApiMessage`); bulk data (telemetry frames, model bytes) are binary frames encoded
 * by `encodeBinaryEvent` so 10 000 updates per second are one message per frame, not 10 000.
 *
 * To add a method: add it to `ApiMethods` (params/result are JSON-serialisable) and register a
 * handler on the main side (`ApiServer.handle`). To add an event: add it to `ApiEvents`.
 */
import { z } from 'zod';
import type { SourceStatus } from './source.js';
import type { AlertRecord, BeaconRegistry } from './records.js';
import type { AnalysisPart, OccupancyComparison, ReplayInfo, ReviewStatus, WindowAnalysis } from './replay.js';
import type { BuildingStructure } from './buildingStructure.js';

/** What the workbench is showing: model, source, recording. */
export interface SessionInfo {
  version: string;
  mode: 'web' | 'electron';
  model: ModelInfo | null;
  source: SourceStatus | null;
  /** `stopped`: why the live recording stopped by itself or never started (disk space, a failed write); the session goes on. */
  recording: { dir: string; file: string | null; bytes: number; stopped?: string } | null;
}

export interface ModelInfo {
  /** File name shown to the user, e.g. "testbed-complex.ifc". */
  name: string;
  /** Content hash (sha256 hex) — cache key and recording metadata. */
  hash: string;
  bytes: number;
  /** URL path (relative to the page) the renderer fetches the IFC bytes from. */
  url: string;
}

/**
 * The walkable building structure of the session's model (main/services/ModelStructureService):
 * extracted once per model in a worker thread and cached by content hash in user data.
 * 'pending' while extraction runs (a `model.structure` event follows), 'failed' with the reason.
 */
export type ModelStructureInfo =
  | { hash: string; status: 'pending' }
  | { hash: string; status: 'ready'; structure: BuildingStructure; cached: boolean; ms: number }
  | { hash: string; status: 'failed'; error: string };

/** Method name → params and result. Keep params/results JSON-serialisable. */
export interface ApiMethods {
  // ── session / shell ─────────────────────────────────────────────
  'session.info': { params: Record<string, never>; result: SessionInfo };
  /** Open an IFC the user picked (Electron: path from the dialog; web: bytes uploaded as base64 are too big, see model.upload). */
  'model.openPath': { params: { path: string }; result: ModelInfo };
  /** The page could not show the session's model `failed`: back to the model before it (null: none to go back to). */
  'model.revert': { params: { failed: string }; result: ModelInfo | null };
  /** Web mode: the page uploads a dropped file via HTTP PUT /api/model?name=…; this returns the info. */
  'model.current': { params: Record<string, never>; result: ModelInfo | null };
  /** The current model's walkable structure (storeys, spaces, doors, stairs, walkable map, georeference); null without a model. */
  'model.structure': { params: Record<string, never>; result: ModelStructureInfo | null };
  'settings.get': { params: Record<string, never>; result: Settings };
  'settings.set': { params: Partial<Settings>; result: Settings };
  'app.log': { params: { level: 'info' | 'warn' | 'error'; message: string }; result: null };
  // ── telemetry / sources ────────────────────────────────────────
  'source.connect': { params: { uri: string }; result: SourceStatus };
  'source.disconnect': { params: Record<string, never>; result: null };
  'source.seek': { params: { t: number }; result: null };
  'source.setSpeed': { params: { speed: number }; result: null };
  'source.pause': { params: Record<string, never>; result: null };
  'source.resume': { params: Record<string, never>; result: null };
  /**
   * The beacon registry for turning scans into positions (spec/telemetry.md), in place of `--beacons`, the source's
   * and the model's; null goes back to those. Kept for later connections of this session. Returns the source status.
   */
  'source.setBeacons': { params: { registry: BeaconRegistry | null }; result: SourceStatus | null };
  'alerts.acknowledge': { params: { id: string }; result: null };
  'alerts.list': { params: Record<string, never>; result: AlertRecord[] };
  // ── replay & analytics (main/replay/ReplayService.ts; owner: replay feature) ──
  // `uri` names a recording (`file:PATH.mcap` or `file:DIR`); omitted = the session's replay source.
  // Times are epoch ms of record time; windows default to the whole recording.
  /** Range, index state, notices (damage, ignored channels) and the timeline strip (rate, people, alert marks). */
  'replay.info': { params: { uri?: string; buckets?: number }; result: ReplayInfo };
  /** Window analytics: any of heatmap, occupancy, flows (+dwell), kpis, trails. */
  'replay.analyse': { params: { uri?: string; what: AnalysisPart[]; from?: number; to?: number; bucketMs?: number; cellM?: number; trailIds?: string[] }; result: WindowAnalysis };
  /** A CSV/JSON export of the window (people counts below k suppressed), for the page to download. */
  'replay.export': { params: { uri?: string; what: 'counts' | 'flows' | 'dwell' | 'kpis' | 'heatmap'; format: 'csv' | 'json'; from?: number; to?: number; bucketMs?: number; k?: number }; result: { filename: string; mime: string; text: string } };
  /** Occupancy of the session's (or `a`) recording and another (`b`, e.g. a simulation run) on one clock. */
  'replay.compare': { params: { a?: string; b: string; offsetMs?: number; bucketMs?: number }; result: OccupancyComparison };
  /** Loop playback of the session's replay over [start, end], or stop looping (null). */
  'replay.setLoop': { params: { range: { start: number; end: number } | null }; result: null };
  /** Step the session's replay by `ms` of record time (negative: back). */
  'replay.step': { params: { ms: number }; result: null };
  // Live review: scrub back over the recent past of a live session (record folder) while live data keeps recording.
  /** Opens the last `windowMs` (default 1 h) of the record folder; the pages show it instead of live frames. Again: extends it to now. */
  'review.start': { params: { windowMs?: number }; result: ReviewStatus };
  /** Back to live: closes the review; the pages get live frames again. */
  'review.stop': { params: Record<string, never>; result: ReviewStatus };
  'review.status': { params: Record<string, never>; result: ReviewStatus };
  'review.seek': { params: { t: number }; result: null };
  'review.play': { params: Record<string, never>; result: null };
  'review.pause': { params: Record<string, never>; result: null };
  'review.setSpeed': { params: { speed: number }; result: null };
}
export type ApiMethod = keyof ApiMethods;
export type ApiParams<M extends ApiMethod> = ApiMethods[M]['params'];
export type ApiResult<M extends ApiMethod> = ApiMethods[M]['result'];

/** JSON events main → renderer. */
export interface ApiEvents {
  session: SessionInfo;
  'source.status': SourceStatus;
  /** The live recording's file and size, when either changed (checked every second; rotation names the new file). */
  'recording.status': SessionInfo['recording'];
  alert: AlertRecord;
  notice: { level: 'info' | 'warn' | 'error'; message: string };
  /** The native menu asked the page to do something (Electron), e.g. "open-model", "toggle-theme". */
  command: { id: string; arg?: string };
  /** The current model's structure changed state (extraction finished or failed). */
  'model.structure': ModelStructureInfo;
  /** The live review changed (opened, playback, back to live). */
  'review.status': ReviewStatus;
}
export type ApiEvent = keyof ApiEvents;

/** Binary event channels main → renderer. Payload formats are owned by their modules. */
export type BinaryChannel = 'telemetry';

export interface Settings {
  theme: 'dark' | 'light';
  layout: 'split' | '3d' | 'plan';
  recentModels: string[];
  recentRecordings: string[];
  recordDir: string | null;
  staleAfterSeconds: number;
  batteryLowThreshold: number;
  densityAlertPerM2: number;
  privacyK: number;
  /** Recordings older than this many days are deleted (main/privacy/RetentionSweeper, docs/privacy.md). */
  retentionDays: number;
}

export const SettingsSchema = z.object({
  theme: z.enum(['dark', 'light']),
  layout: z.enum(['split', '3d', 'plan']),
  recentModels: z.array(z.string()).max(20),
  recentRecordings: z.array(z.string()).max(20),
  recordDir: z.string().nullable(),
  staleAfterSeconds: z.number().min(1).max(3600),
  batteryLowThreshold: z.number().min(0).max(1),
  densityAlertPerM2: z.number().min(0.1).max(10),
  privacyK: z.number().int().min(1).max(100),
  retentionDays: z.number().min(1).max(3650),
});

export const DEFAULT_SETTINGS: Settings = {
  theme: 'dark',
  layout: 'split',
  recentModels: [],
  recentRecordings: [],
  recordDir: null,
  staleAfterSeconds: 10,
  batteryLowThreshold: 0.15,
  densityAlertPerM2: 2.17,
  privacyK: 5,
  retentionDays: 30,
};

// ── wire protocol ───────────────────────────────────────────────
export type ApiMessage =
  | { type: 'req'; id: number; method: string; params: unknown }
  | { type: 'res'; id: number; ok: true; result: unknown }
  | { type: 'res'; id: number; ok: false; error: string }
  | { type: 'event'; channel: string; payload: unknown };

/** A request; `params` may be left out when a method takes none. */
export const ApiRequestSchema = z.object({ type: z.literal('req'), id: z.number().int(), method: z.string().min(1).max(100), params: z.unknown().optional() });

export const ApiMessageSchema = z.union([
  ApiRequestSchema,
  z.object({ type: z.literal('res'), id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({ type: z.literal('res'), id: z.number().int(), ok: z.literal(false), error: z.string() }),
  z.object({ type: z.literal('event'), channel: z.string(), payload: z.unknown() }),
]);

/**
 * Binary frame: [u8 channel-name length][channel name utf8][padding to 8-byte boundary][payload].
 * The payload starts 8-byte aligned so typed-array views (Float64Array) can be taken without copying.
 */
export function encodeBinaryEvent(channel: BinaryChannel, payload: Uint8Array): Uint8Array {
  const name = new TextEncoder().encode(channel);
  const header = Math.ceil((1 + name.length) / 8) * 8;
  const out = new Uint8Array(header + payload.byteLength);
  out[0] = name.length;
  out.set(name, 1);
  out.set(payload, header);
  return out;
}

export function decodeBinaryEvent(buf: ArrayBuffer): { channel: string; payload: ArrayBuffer; offset: number } {
  const bytes = new Uint8Array(buf);
  const len = bytes[0] ?? 0;
  const channel = new TextDecoder().decode(bytes.subarray(1, 1 + len));
  const offset = Math.ceil((1 + len) / 8) * 8;
  return { channel, payload: buf, offset };
}
