/**
 * MQTT source (`mqtt://host:port[/prefix][?qos=0|1]`, spec/telemetry.md "MQTT").
 *
 * Subscribes `PREFIX/#` (default prefix `testbed`), normalises every message at the edge
 * (normalise.ts) and hands batches to the listener: messages are queued as they arrive and
 * flushed every `batchMs` (or when `maxBatch` records wait), and the next flush waits for the
 * listener's promise (backpressure) — the queue grows instead of dropping, so nothing received
 * is lost. Rejected input travels in the same batches as `rejected` records.
 *
 * Reconnection: mqtt.js's fixed-period reconnect is disabled; this source retries with
 * exponential backoff (0.5 s doubling to 10 s) and reports state `reconnecting` with the reason in
 * `detail` and the next attempt in `retry` (number and due time: views count down to it), then
 * resubscribes on connect. One status per failure, none while waiting.
 */
import type { MqttClient } from 'mqtt';
import type { TelemetryRecord } from '../../common/records.js';
import { RetryBackoff, type RetrySchedule } from '../../common/retry.js';
import type { Source, SourceCapability, SourceListener, SourceState, SourceStatus } from '../../common/source.js';
import { NewestTime } from '../hub/NewestTime.js';
import { SourceHealth } from '../hub/SourceHealth.js';
import { normaliseMqttMessage, recordKey } from './normalise.js';

export interface MqttSourceOptions {
  /** Flush queued records at least this often (ms). */
  batchMs?: number;
  /** Flush when this many records wait. */
  maxBatch?: number;
  /** Backoff bounds (ms). */
  minRetryMs?: number;
  maxRetryMs?: number;
}

export interface MqttUri {
  url: string;
  prefix: string;
  qos: 0 | 1;
}

/** Parses `mqtt://host:port[/prefix][?qos=0|1]`; throws an Error naming what is wrong. */
export function parseMqttUri(uri: string): MqttUri {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    throw new Error(`source URI "${uri}": not a URL (expected mqtt://HOST:PORT[/PREFIX])`);
  }
  if (u.protocol !== 'mqtt:' && u.protocol !== 'mqtts:') throw new Error(`source URI "${uri}": expected mqtt:// or mqtts://`);
  if (!u.hostname) throw new Error(`source URI "${uri}": missing host`);
  const qosText = u.searchParams.get('qos') ?? '0';
  if (qosText !== '0' && qosText !== '1') throw new Error(`source URI "${uri}": qos must be 0 or 1, got "${qosText}"`);
  const path = decodeURIComponent(u.pathname).replace(/^\/+|\/+$/g, '');
  if (/[#+]/.test(path)) throw new Error(`source URI "${uri}": the prefix may not contain MQTT wildcards`);
  const port = u.port || (u.protocol === 'mqtts:' ? '8883' : '1883');
  return { url: `${u.protocol}//${u.hostname}:${port}`, prefix: path || 'testbed', qos: qosText === '1' ? 1 : 0 };
}

/** mqtt.js, loaded when a broker is first used: 0.13 s of every twin command's start otherwise (`twin replay --to`, `twin testbed --to` share it). */
export const loadMqtt = async (): Promise<typeof import('mqtt').default> => (await import('mqtt')).default;

export class MqttSource implements Source {
  readonly capabilities: ReadonlySet<SourceCapability> = new Set();
  private readonly parsed: MqttUri;
  private client: MqttClient | null = null;
  private listener: SourceListener | null = null;
  private state: SourceState = 'idle';
  private detail: string | undefined;
  private readonly health = new SourceHealth();
  private queue: TelemetryRecord[] = [];
  private flushing = false;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly backoff: RetryBackoff;
  /** The pending retry while `reconnecting`. */
  private retry: RetrySchedule | undefined;
  /** The newest record t, for status().now (one device's clock far ahead does not move it). */
  private readonly latest = new NewestTime();
  private readonly opts: Required<MqttSourceOptions>;

  constructor(readonly uri: string, options: MqttSourceOptions = {}) {
    this.parsed = parseMqttUri(uri);
    this.opts = { batchMs: 20, maxBatch: 5000, minRetryMs: 500, maxRetryMs: 10_000, ...options };
    this.backoff = new RetryBackoff(this.opts.minRetryMs, this.opts.maxRetryMs);
  }

  get prefix(): string {
    return this.parsed.prefix;
  }

  async start(listener: SourceListener): Promise<void> {
    if (this.state !== 'idle' && this.state !== 'stopped') throw new Error(`MqttSource: start() while ${this.state}`);
    this.listener = listener;
    this.setState('connecting');
    const { connect } = await loadMqtt();
    if ((this.state as SourceState) !== 'connecting') return; // stopped while mqtt.js loaded
    const client = connect(this.parsed.url, {
      reconnectPeriod: 0,
      connectTimeout: 5000,
      clean: true,
      clientId: `twin-${process.pid}-${Math.floor(performance.now() * 1000).toString(36)}`,
    });
    this.client = client;
    client.on('connect', () => {
      this.backoff.reset();
      client.subscribe(`${this.parsed.prefix}/#`, { qos: this.parsed.qos }, (err) => {
        if (err) this.setState('error', `subscribe ${this.parsed.prefix}/#: ${err.message}`);
        else this.setState('live');
      });
    });
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('error', (err) => {
      this.detail = err.message;
    });
    client.on('close', () => this.scheduleRetry());
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'idle') return;
    this.setState('stopped');
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const client = this.client;
    this.client = null;
    if (client) await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
    // Deliver what was received before the stop.
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    while (this.flushing) await new Promise((r) => setTimeout(r, 5));
    await this.flush();
  }

  status(): SourceStatus {
    return {
      uri: this.uri, state: this.state, detail: this.detail, ...(this.retry ? { retry: this.retry } : {}),
      ...this.health.snapshot(), now: this.latest.value === -Infinity ? undefined : this.latest.value,
    };
  }

  private onMessage(topic: string, payload: Uint8Array): void {
    const receivedAt = Date.now();
    const n = normaliseMqttMessage(topic, payload, this.parsed.prefix, this.uri, receivedAt);
    this.health.accept(n.records.length);
    this.health.reject(n.rejected);
    for (const r of n.records) {
      this.queue.push(r);
      this.latest.note(r.record.t, recordKey(r), receivedAt);
    }
    for (const r of n.rejected) this.queue.push({ kind: 'rejected', record: r });
    if (this.queue.length >= this.opts.maxBatch) void this.flush();
    else if (!this.flushTimer) this.flushTimer = setTimeout(() => void this.flush(), this.opts.batchMs);
  }

  private async flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.flushing || !this.listener) return;
    this.flushing = true;
    try {
      while (this.queue.length) {
        const batch = this.queue;
        this.queue = [];
        await this.listener.onBatch(batch);
      }
    } finally {
      this.flushing = false;
    }
  }

  private scheduleRetry(): void {
    if (this.state === 'stopped' || !this.client || this.retryTimer) return;
    const retry = this.backoff.next(Date.now());
    this.retry = retry;
    this.setState('reconnecting', this.detail ?? 'the broker closed the connection');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.state === 'stopped' || !this.client) return;
      this.detail = undefined;
      this.client.reconnect();
    }, retry.delayMs);
  }

  private setState(state: SourceState, detail?: string): void {
    this.state = state;
    if (state !== 'reconnecting') this.retry = undefined;
    if (detail !== undefined || state === 'live') this.detail = detail;
    this.listener?.onStatus(this.status());
  }
}
