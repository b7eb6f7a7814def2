/**
 * The page's end of the one typed API (protocol: common/api.ts), over any `ApiTransport`.
 *
 * `call` sends a request and resolves with the typed result, or rejects with the server's error,
 * a timeout ("… did not answer within 15 s") or the connection dropping. `on` subscribes to JSON
 * events, `onBinary` to binary channels (telemetry frames: the callback gets the frame's buffer and
 * the byte offset of its payload, so typed-array views need no copy).
 */
import {
  ApiMessageSchema,
  decodeBinaryEvent,
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
import type { ApiTransport, ConnectionStatus } from './ApiTransport.js';
import { ListenerSet } from './ListenerSet.js';

/** A request that failed: the server said no, it timed out, or the connection went away. */
export class ApiCallError extends Error {
  override readonly name = 'ApiCallError';
  constructor(
    readonly method: string,
    readonly reason: 'server' | 'timeout' | 'disconnected' | 'send',
    message: string,
  ) {
    super(message);
  }
}

interface Pending {
  method: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export interface ApiClientOptions {
  /** Milliseconds before a request is given up (default 15 000). */
  timeoutMs?: number;
}

export class ApiClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly events = new Map<string, ListenerSet<unknown>>();
  private readonly binary = new Map<string, ListenerSet<{ buf: ArrayBuffer; offset: number }>>();
  private readonly statusListeners = new ListenerSet<ConnectionStatus>();
  private readonly disposers: Disposer[] = [];
  private readonly timeoutMs: number;
  /** Malformed frames seen (shown in the About dialog; should stay 0). */
  malformed = 0;

  constructor(readonly transport: ApiTransport, options: ApiClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.disposers.push(
      transport.onMessage((data) => this.receive(data)),
      transport.onStatus((s) => {
        if (s.state !== 'connected') this.failPending('disconnected', `connection ${s.state}${s.detail ? ` (${s.detail})` : ''}`);
        this.statusListeners.fire(s);
      }),
    );
  }

  /** Starts the transport. Separate from the constructor so listeners can be attached first. */
  connect(): void {
    this.transport.connect();
  }

  status(): ConnectionStatus {
    return this.transport.status();
  }

  onStatus(cb: (status: ConnectionStatus) => void): Disposer {
    return this.statusListeners.add(cb);
  }

  /**
   * Calls `method`. `opts.timeoutMs` gives a call that reads a whole recording (an analysis, a
   * comparison with another run) longer than the default before it is given up.
   */
  call<M extends ApiMethod>(method: M, params: ApiParams<M>, opts: { timeoutMs?: number } = {}): Promise<ApiResult<M>> {
    const id = this.nextId++;
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    return new Promise<ApiResult<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ApiCallError(method, 'timeout', `${method}: the workbench did not answer within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer });
      try {
        this.transport.send(JSON.stringify({ type: 'req', id, method, params } satisfies ApiMessage));
      } catch (e) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new ApiCallError(method, 'send', `${method}: not connected to the workbench (${(e as Error).message})`));
      }
    });
  }

  on<E extends ApiEvent>(event: E, cb: (payload: ApiEvents[E]) => void): Disposer {
    let set = this.events.get(event);
    if (!set) this.events.set(event, (set = new ListenerSet()));
    return set.add(cb as (v: unknown) => void);
  }

  onBinary(channel: BinaryChannel, cb: (buf: ArrayBuffer, offset: number) => void): Disposer {
    let set = this.binary.get(channel);
    if (!set) this.binary.set(channel, (set = new ListenerSet()));
    return set.add(({ buf, offset }) => cb(buf, offset));
  }

  dispose(): void {
    this.failPending('disconnected', 'the page is closing');
    for (const d of this.disposers.splice(0)) d();
    this.events.clear();
    this.binary.clear();
    this.statusListeners.clear();
    this.transport.dispose();
  }

  private receive(data: string | { buffer: ArrayBuffer; offset: number; length: number }): void {
    if (typeof data !== 'string') return this.receiveBinary(data);
    let msg: ApiMessage;
    try {
      const parsed = ApiMessageSchema.safeParse(JSON.parse(data));
      if (!parsed.success) throw new Error(describeZodError(parsed.error));
      msg = parsed.data as ApiMessage;
    } catch (e) {
      this.malformed++;
      console.warn(`ApiClient: ignored a malformed message: ${(e as Error).message}`);
      return;
    }
    switch (msg.type) {
      case 'res': {
        const p = this.pending.get(msg.id);
        if (!p) return; // answered after its timeout
        this.pending.delete(msg.id);
        clearTimeout(p.timer);
        if (msg.ok) p.resolve(msg.result);
        else p.reject(new ApiCallError(p.method, 'server', msg.error));
        return;
      }
      case 'event':
        this.events.get(msg.channel)?.fire(msg.payload);
        return;
      case 'req':
        return; // main never calls the page
    }
  }

  private receiveBinary(data: { buffer: ArrayBuffer; offset: number; length: number }): void {
    // The frame must start at byte 0 of its buffer for the 8-byte payload alignment to hold.
    const buf = data.offset === 0 && data.length === data.buffer.byteLength ? data.buffer : data.buffer.slice(data.offset, data.offset + data.length);
    const { channel, offset } = decodeBinaryEvent(buf);
    this.binary.get(channel)?.fire({ buf, offset });
  }

  private failPending(reason: 'disconnected', why: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new ApiCallError(p.method, reason, `${p.method}: ${why}`));
      this.pending.delete(id);
    }
  }
}
