/**
 * NGSI-LD source (`ngsi-ld:http://host:port[?type=Device,Vehicle,…&notify=http://me:port]`),
 * a FIWARE city-OS context broker (ETSI GS CIM 009 API) as a telemetry source.
 *
 * start(): a local HTTP server for notifications is started (127.0.0.1, any port, or the
 * `notify` URL's port; give `notify` when the broker runs on another machine), then for each
 * type `GET /ngsi-ld/v1/entities?type=T&limit=100&offset=N` pages the current entities, then
 * `POST /ngsi-ld/v1/subscriptions` subscribes to changes of those types with that endpoint
 * (format "normalized"). While live, the subscription is read back every 10 s: a broker that went away, or came back
 * without it, is reconnected to (query and subscribe again). Notifications (`{ type: "Notification", data: [entities] }`) are mapped
 * and normalised as they arrive. stop() deletes the subscription and closes the server. A failed
 * query or subscription is retried with backoff (state `reconnecting`, the reason in `detail`, the
 * next attempt's number and due time in `retry`).
 *
 * Both representations are read: normalized (`{ type: "Property", value, observedAt }`,
 * GeoProperty, Relationship) and keyValues (plain values). The mapping of Smart Data Models to
 * records is documented in docs/ngsi-ld.md and lives in `mapNgsiEntity` (ngsiLdMapping.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ISO_TIME, type RejectedRecord, type TelemetryRecord } from '../../common/records.js';
import { RetryBackoff, type RetrySchedule } from '../../common/retry.js';
import type { Source, SourceCapability, SourceListener, SourceState, SourceStatus } from '../../common/source.js';
import { NewestTime } from '../hub/NewestTime.js';
import { SourceHealth } from '../hub/SourceHealth.js';
import { mapNgsiEntity, type Json } from './ngsiLdMapping.js';
import { normaliseRecords, rawText, recordKey, rejectRaw, type InputKind } from './normalise.js';

export { mapNgsiEntity, shortId, type NgsiMapped } from './ngsiLdMapping.js';

export const DEFAULT_NGSI_TYPES = ['Device', 'Vehicle', 'Robot', 'PeopleFlowObserved', 'CrowdFlowObserved'];
const CORE_CONTEXT = 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld';
const PAGE = 100;
/** Largest notification body accepted, bytes. */
const MAX_BODY = 16 * 1024 * 1024;
/**
 * Longest wait for one request to the broker, answer body included, ms. A broker that took the connection and never
 * finished its answer (an endless chunked page, a hang) held the source in 'connecting' for good: no status, no
 * retry, and neither --duration nor Ctrl+C ended `twin record`.
 */
export const REQUEST_TIMEOUT_MS = 10_000;
/** Largest entity page read from the broker (it is asked for PAGE entities), bytes. */
const MAX_PAGE_BYTES = 16 * 1024 * 1024;

/** The body of `res` as text, at most `max` bytes (then an error naming the limit). */
async function boundedText(res: Response, max: number, what: string): Promise<string> {
  const len = Number(res.headers.get('content-length') ?? NaN);
  if (len > max) throw new Error(`${what}: the answer is ${(len / 1048576).toFixed(1)} MiB, over the ${max / 1048576} MiB taken`);
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += c.byteLength;
    if (size > max) throw new Error(`${what}: the answer runs over the ${max / 1048576} MiB taken`);
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface NgsiLdUri {
  broker: string;
  types: string[];
  notify: string | null;
}

export function parseNgsiLdUri(uri: string): NgsiLdUri {
  if (!uri.startsWith('ngsi-ld:')) throw new Error(`source URI "${uri}": expected ngsi-ld:http://HOST:PORT[?type=…]`);
  let u: URL;
  try {
    u = new URL(uri.slice('ngsi-ld:'.length));
  } catch {
    throw new Error(`source URI "${uri}": expected ngsi-ld:http://HOST:PORT[?type=…] (the broker URL does not parse)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`source URI "${uri}": the broker must be http:// or https://`);
  const typeParam = u.searchParams.get('type');
  const types = typeParam ? typeParam.split(',').map((t) => t.trim()).filter(Boolean) : DEFAULT_NGSI_TYPES;
  if (types.length === 0) throw new Error(`source URI "${uri}": type= lists no entity type`);
  const notify = u.searchParams.get('notify');
  const base = `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  return { broker: base, types, notify };
}

// ── source ──────────────────────────────────────────────────────

export class NgsiLdSource implements Source {
  readonly capabilities: ReadonlySet<SourceCapability> = new Set();
  private readonly parsed: NgsiLdUri;
  private listener: SourceListener | null = null;
  private server: Server | null = null;
  private subscriptionId: string | null = null;
  private state: SourceState = 'idle';
  private detail: string | undefined;
  private readonly health = new SourceHealth();
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly backoff = new RetryBackoff(500, 10_000);
  /** The pending retry while `reconnecting`. */
  private retry: RetrySchedule | undefined;
  /** The newest record t, for status().now (one device's clock far ahead does not move it). */
  private readonly latest = new NewestTime();
  private chain: Promise<void> = Promise.resolve();
  /** The next liveness check while `live` (see `check`). */
  private checkTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly checkMs: number;
  /** Aborts the requests in flight when the source stops. */
  private stopping = new AbortController();

  private readonly timeoutMs: number;

  /**
   * @param opts.checkMs while live, how often the broker and the subscription are checked, ms (default 10 000).
   * @param opts.requestTimeoutMs longest wait for one answer, ms (default REQUEST_TIMEOUT_MS).
   */
  constructor(readonly uri: string, private readonly fetchImpl: typeof fetch = fetch, opts: { checkMs?: number; requestTimeoutMs?: number } = {}) {
    this.parsed = parseNgsiLdUri(uri);
    this.checkMs = opts.checkMs ?? 10_000;
    this.timeoutMs = opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  }

  /**
   * Runs one request (answer body included) under its own AbortController: aborted when the source stops, or when the
   * request timeout (at least `ms`) passes, which then rejects with "no complete answer within N s". A plain timer, not
   * AbortSignal.any + AbortSignal.timeout: Node collects a timeout signal that only a composite signal holds, and the
   * abort then never came (a source streaming an endless page waited for good).
   */
  private async timed<T>(what: string, fn: (signal: AbortSignal) => Promise<T>, ms = 0): Promise<T> {
    const limit = Math.max(ms, this.timeoutMs), controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; controller.abort(new Error('timeout')); }, limit);
    const onStop = (): void => controller.abort(new Error('the source stopped'));
    if (this.stopping.signal.aborted) onStop();
    else this.stopping.signal.addEventListener('abort', onStop, { once: true });
    try {
      return await fn(controller.signal);
    } catch (e) {
      throw timedOut ? new Error(`${what}: no complete answer within ${limit / 1000} s`) : e;
    } finally {
      clearTimeout(timer);
      this.stopping.signal.removeEventListener('abort', onStop);
    }
  }

  /** The notification endpoint (after start). */
  endpoint(): string | null {
    if (!this.server) return null;
    const port = (this.server.address() as AddressInfo).port;
    if (this.parsed.notify) {
      const n = new URL(this.parsed.notify);
      return `${n.protocol}//${n.hostname}:${port}/notify`;
    }
    return `http://127.0.0.1:${port}/notify`;
  }

  async start(listener: SourceListener): Promise<void> {
    if (this.state !== 'idle' && this.state !== 'stopped') throw new Error(`NgsiLdSource: start() while ${this.state}`);
    this.listener = listener;
    if (this.stopping.signal.aborted) this.stopping = new AbortController();
    this.setState('connecting');
    const server = createServer((req, res) => void this.onRequest(req, res));
    this.server = server;
    const port = this.parsed.notify ? Number(new URL(this.parsed.notify).port || 0) : 0;
    const host = this.parsed.notify ? '0.0.0.0' : '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    await this.connect();
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'idle') return;
    this.setState('stopped');
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.checkTimer) clearTimeout(this.checkTimer);
    this.stopping.abort(new Error('the source stopped'));
    if (this.subscriptionId) {
      try {
        const url = `${this.parsed.broker}/ngsi-ld/v1/subscriptions/${encodeURIComponent(this.subscriptionId)}`;
        const controller = new AbortController(), timer = setTimeout(() => controller.abort(), this.timeoutMs);
        await this.fetchImpl(url, { method: 'DELETE', signal: controller.signal }).finally(() => clearTimeout(timer));
      } catch {
        /* the broker is gone: nothing to clean up there */
      }
      this.subscriptionId = null;
    }
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await this.chain;
  }

  status(): SourceStatus {
    return {
      uri: this.uri, state: this.state, detail: this.detail, ...(this.retry ? { retry: this.retry } : {}),
      ...this.health.snapshot(), now: this.latest.value === -Infinity ? undefined : this.latest.value,
    };
  }

  /** Query every type (paged), deliver, then subscribe. On failure: retry with backoff. */
  private async connect(): Promise<void> {
    try {
      // A subscription of before a loss may have outlived it (a broker that persists them): one is enough.
      const stale = this.subscriptionId;
      this.subscriptionId = null;
      if (stale) {
        const url = `${this.parsed.broker}/ngsi-ld/v1/subscriptions/${encodeURIComponent(stale)}`;
        await this.timed(`DELETE ${url}`, (signal) => this.fetchImpl(url, { method: 'DELETE', signal })).catch(() => undefined);
      }
      for (const type of this.parsed.types) {
        for (let offset = 0; ; offset += PAGE) {
          const url = `${this.parsed.broker}/ngsi-ld/v1/entities?type=${encodeURIComponent(type)}&limit=${PAGE}&offset=${offset}`;
          const body: unknown = await this.timed(`GET ${url}`, async (signal) => {
            const res = await this.fetchImpl(url, { headers: { Accept: 'application/ld+json', Link: `<${CORE_CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"` }, signal });
            if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
            const text = await boundedText(res, MAX_PAGE_BYTES, `GET ${url}`);
            try {
              return JSON.parse(text) as unknown;
            } catch (e) {
              throw new Error(`GET ${url}: the answer is not JSON (${(e as Error).message})`);
            }
          });
          if (!Array.isArray(body)) throw new Error(`GET ${url}: expected a JSON array of entities`);
          await this.deliver(body, Date.now(), undefined);
          if (body.length < PAGE) break;
        }
      }
      const endpoint = this.endpoint();
      if (!endpoint || this.state === 'stopped') return;
      const subscriptions = `${this.parsed.broker}/ngsi-ld/v1/subscriptions`;
      const res = await this.timed(`POST ${subscriptions}`, (signal) => this.fetchImpl(subscriptions, {
        method: 'POST',
        signal,
        headers: { 'Content-Type': 'application/ld+json' },
        body: JSON.stringify({
          id: `urn:ngsi-ld:Subscription:twin-${process.pid}-${Date.now()}`,
          type: 'Subscription',
          description: 'Twin Workbench live telemetry',
          entities: this.parsed.types.map((type) => ({ type })),
          notification: { endpoint: { uri: endpoint, accept: 'application/json' }, format: 'normalized' },
          '@context': CORE_CONTEXT,
        }),
      }));
      if (res.status !== 201 && res.status !== 200) throw new Error(`POST subscription: HTTP ${res.status}`);
      const location = res.headers.get('location');
      this.subscriptionId = location ? decodeURIComponent(location.split('/').pop() ?? '') : null;
      this.backoff.reset();
      this.setState('live');
      this.checkTimer = setTimeout(() => void this.check(), this.checkMs);
    } catch (e) {
      this.lost((e as Error).message);
    }
  }

  /** Connection or subscription lost: state `reconnecting` with the reason, and `connect` again after a backoff. */
  private lost(reason: string): void {
    if (this.state === 'stopped') return;
    const retry = this.backoff.next(Date.now());
    this.retry = retry;
    this.setState('reconnecting', reason);
    this.retryTimer = setTimeout(() => void this.connect(), retry.delayMs);
  }

  /**
   * While live, every `checkMs`: is the broker there and does it still hold our subscription? Notifications only
   * come when something changes, so silence alone cannot tell a quiet city from a broker that went away or restarted
   * without our subscription (the source stayed "live" on no data for good). A failed check reconnects: the entities
   * are queried again and a new subscription is made.
   */
  private async check(): Promise<void> {
    this.checkTimer = null;
    if (this.state !== 'live') return;
    const id = this.subscriptionId;
    const url = id ? `${this.parsed.broker}/ngsi-ld/v1/subscriptions/${encodeURIComponent(id)}`
      : `${this.parsed.broker}/ngsi-ld/v1/entities?type=${encodeURIComponent(this.parsed.types[0] ?? 'Device')}&limit=1`;
    let problem: string | null = null;
    try {
      const res = await this.timed(`GET ${url}`, async (signal) => {
        const r = await this.fetchImpl(url, { headers: { Accept: 'application/ld+json' }, signal });
        await r.arrayBuffer().catch(() => undefined);
        return r;
      }, this.checkMs);
      if (res.status === 404 && id) problem = `the broker no longer has subscription ${id} (restarted?)`;
      else if (!res.ok) problem = `GET ${url}: HTTP ${res.status}`;
    } catch (e) {
      problem = `broker unreachable: ${(e as Error).message}`;
    }
    if (this.state !== 'live') return;
    if (problem) this.lost(problem);
    else this.checkTimer = setTimeout(() => void this.check(), this.checkMs);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || !req.url?.startsWith('/notify')) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req as AsyncIterable<Buffer>) {
      size += c.length;
      if (size > MAX_BODY) {
        res.writeHead(413).end();
        // Counted and kept like any input refused (it was only answered 413).
        await this.emitRejects([rejectRaw(this.uri, `NGSI-LD notification over ${MAX_BODY / 1048576} MiB — refused (HTTP 413)`, Buffer.concat(chunks).subarray(0, 4096).toString('utf8'), Date.now())]);
        return;
      }
      chunks.push(c);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    const receivedAt = Date.now();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      await this.emitRejects([rejectRaw(this.uri, `invalid JSON — notification: ${(e as Error).message}`, text, receivedAt)]);
      res.writeHead(400).end();
      return;
    }
    const data = body && typeof body === 'object' ? (body as Json).data : undefined;
    if (!Array.isArray(data)) {
      await this.emitRejects([rejectRaw(this.uri, 'invalid NGSI-LD notification — no data array', text, receivedAt)]);
      res.writeHead(400).end();
      return;
    }
    const notified = (body as Json).notifiedAt, notifiedAt = typeof notified === 'string' && ISO_TIME.test(notified) ? Date.parse(notified) : NaN;
    res.writeHead(204).end();
    await this.deliver(data, receivedAt, Number.isFinite(notifiedAt) ? notifiedAt : undefined);
  }

  private async deliver(entities: unknown[], receivedAt: number, notifiedAt: number | undefined): Promise<void> {
    const out: TelemetryRecord[] = [];
    const rejects: RejectedRecord[] = [];
    for (const e of entities) {
      if (!e || typeof e !== 'object' || Array.isArray(e)) {
        rejects.push(rejectRaw(this.uri, 'invalid NGSI-LD entity — not an object', rawText(e), receivedAt));
        continue;
      }
      const m = mapNgsiEntity(e as Json, notifiedAt ?? receivedAt);
      if (m.kind === 'unmapped') {
        rejects.push(rejectRaw(this.uri, m.reason, rawText(e), receivedAt));
        continue;
      }
      const n = normaliseRecords(m.kind, [m.value], this.uri, receivedAt);
      out.push(...n.records);
      rejects.push(...n.rejected);
    }
    this.health.accept(out.length);
    for (const r of out) this.latest.note(r.record.t, recordKey(r), receivedAt);
    await this.emitRejects(rejects, out);
  }

  /** Sends records (and rejects) to the listener in order, one batch at a time (backpressure). */
  private emitRejects(rejects: RejectedRecord[], records: TelemetryRecord[] = []): Promise<void> {
    this.health.reject(rejects);
    const batch: TelemetryRecord[] = [...records, ...rejects.map((r) => ({ kind: 'rejected' as const, record: r }))];
    if (!batch.length || !this.listener) return this.chain;
    const listener = this.listener;
    this.chain = this.chain.then(() => listener.onBatch(batch)).catch(() => undefined);
    return this.chain;
  }

  private setState(state: SourceState, detail?: string): void {
    this.state = state;
    if (state !== 'reconnecting') this.retry = undefined;
    this.detail = detail;
    this.listener?.onStatus(this.status());
  }
}
