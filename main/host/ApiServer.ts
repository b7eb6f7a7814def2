/**
 * The main-side end of the one typed API (protocol: common/api.ts), independent of transport.
 *
 * Both transports feed it `ApiConnection`s: a WebSocket from `twin serve` (WebHost) or an
 * Electron MessagePortMain (main/electron). Every method is registered with a zod schema for
 * its params, so input from the page is validated at the edge before a handler sees it
 * (Electron security checklist: validate every IPC message).
 */
import type { z } from 'zod';
import {
  ApiMessageSchema,
  ApiRequestSchema,
  encodeBinaryEvent,
  type ApiEvent,
  type ApiEvents,
  type ApiMessage,
  type ApiMethod,
  type ApiParams,
  type ApiResult,
  type BinaryChannel,
} from '../../common/api.js';
import { describeZodError } from '../../common/records.js';
import type { Disposer } from '../../common/source.js';

/** A connected page. `bufferedBytes` lets binary broadcasts skip a congested client instead of queueing without bound. */
export interface ApiConnection {
  readonly id: string;
  send(data: string | Uint8Array): void;
  bufferedBytes(): number;
  close(): void;
}

type Handler<M extends ApiMethod> = (params: ApiParams<M>, conn: ApiConnection) => Promise<ApiResult<M>> | ApiResult<M>;
interface Registered {
  schema: z.ZodType;
  fn: (params: unknown, conn: ApiConnection) => unknown;
}

/**
 * Binary frames are dropped for a client whose socket already holds more than this (bytes).
 * Kept small: replies to requests queue behind frames on the same socket, so a deep backlog
 * would delay every click; a page that falls behind loses intermediate frames (each frame carries
 * its own string table and a full frame follows every 2 s), never the latest state.
 */
const MAX_BUFFERED = 1024 * 1024;

export class ApiServer {
  private readonly methods = new Map<string, Registered>();
  private readonly connections = new Set<ApiConnection>();
  /** Binary frames skipped because a client could not keep up (shown in source health). */
  droppedFrames = 0;

  constructor(private readonly log: (level: 'info' | 'warn' | 'error', msg: string) => void = () => {}) {}

  /** Registers a method; `schema` validates its params. Registering a name twice is a programming error. */
  handle<M extends ApiMethod>(method: M, schema: z.ZodType<ApiParams<M>>, fn: Handler<M>): Disposer {
    if (this.methods.has(method)) throw new Error(`ApiServer: method "${method}" registered twice`);
    this.methods.set(method, { schema, fn: fn as Registered['fn'] });
    return () => this.methods.delete(method);
  }

  /** Starts serving a connection; returns the function the transport calls for each incoming text frame. */
  attach(conn: ApiConnection): { onMessage(text: string): void; onClose(): void } {
    this.connections.add(conn);
    return {
      onMessage: (text) => void this.dispatch(conn, text),
      onClose: () => this.connections.delete(conn),
    };
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  broadcast<E extends ApiEvent>(event: E, payload: ApiEvents[E]): void {
    const text = JSON.stringify({ type: 'event', channel: event, payload } satisfies ApiMessage);
    for (const c of this.connections) c.send(text);
  }

  broadcastBinary(channel: BinaryChannel, payload: Uint8Array): void {
    if (this.connections.size === 0) return;
    const frame = encodeBinaryEvent(channel, payload);
    for (const c of this.connections) {
      if (c.bufferedBytes() > MAX_BUFFERED) {
        this.droppedFrames++;
        continue;
      }
      c.send(frame);
    }
  }

  closeAll(): void {
    for (const c of this.connections) c.close();
    this.connections.clear();
  }

  private async dispatch(conn: ApiConnection, text: string): Promise<void> {
    let msg: ApiMessage;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
      const parsed = ApiMessageSchema.safeParse(raw);
      if (!parsed.success) {
        // A request with an id gets an answer naming what is wrong (a page would otherwise wait for good).
        const req = ApiRequestSchema.safeParse(raw), id = (raw as { id?: unknown } | null)?.id;
        const why = (raw as { type?: unknown } | null)?.type === 'req' && !req.success ? describeZodError(req.error) : describeZodError(parsed.error);
        if ((raw as { type?: unknown } | null)?.type === 'req' && Number.isInteger(id)) conn.send(JSON.stringify({ type: 'res', id, ok: false, error: `malformed request: ${why}` }));
        throw new Error(why);
      }
      msg = parsed.data as ApiMessage;
    } catch (e) {
      this.log('warn', `api: malformed message from ${conn.id}: ${(e as Error).message}`);
      return;
    }
    if (msg.type !== 'req') return;
    const reply = (m: ApiMessage) => conn.send(JSON.stringify(m));
    const entry = this.methods.get(msg.method);
    if (!entry) {
      reply({ type: 'res', id: msg.id, ok: false, error: `unknown method "${msg.method}"` });
      return;
    }
    const params = entry.schema.safeParse(msg.params ?? {});
    if (!params.success) {
      reply({ type: 'res', id: msg.id, ok: false, error: `${msg.method}: invalid params: ${describeZodError(params.error)}` });
      return;
    }
    try {
      const result = await entry.fn(params.data, conn);
      reply({ type: 'res', id: msg.id, ok: true, result: result ?? null });
    } catch (e) {
      const error = (e as Error).message || String(e);
      this.log('warn', `api: ${msg.method} failed: ${error}`);
      reply({ type: 'res', id: msg.id, ok: false, error });
    }
  }
}
