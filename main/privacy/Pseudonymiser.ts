/**
 * Pseudonymises device identifiers before anything is shown or recorded (privacy by default).
 *
 * pseudonym = prefix + first 16 hex digits (64 bits) of HMAC-SHA256(key of the period, device id).
 * The key rotates every `rotationMs` (default: daily, periods aligned to UTC midnight), so the same
 * phone gets a new pseudonym each day and days cannot be linked. Without a configured secret each
 * period's key is 32 random bytes held only in this object's memory and forgotten two periods
 * later (a late record from the previous period still maps consistently); nothing can re-identify
 * a device afterwards, not even this process. With a configured `secret`, period keys are derived
 * as HMAC-SHA256(secret, "twin-pseudonym:" + period), so pseudonyms stay stable across restarts
 * for whoever holds the secret — an explicit, documented opt-in (docs/privacy.md).
 *
 * Which fields are identifiers: Scan.device, Position.id, and State.id of `kind: "person"`.
 * Robots, the bus and sensors are assets, not people, and keep their ids.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { TelemetryRecord } from '../../common/records.js';
import type { Disposable } from '../../common/source.js';

export const DAY_MS = 86_400_000;

export interface PseudonymiserOptions {
  /** Key rotation period, ms (default one day). Periods start at multiples of it since the epoch (UTC). */
  rotationMs?: number;
  /** A configured secret (≥ 16 characters) for stable pseudonyms across restarts; omit to keep keys in memory only. */
  secret?: string;
  /** Pseudonym prefix (default "anon-"). */
  prefix?: string;
  /**
   * Keep the raw text of rejected input (may contain device ids in clear). Default false: the raw
   * text is replaced by its length; the reason (which names the field) is kept for diagnosis.
   */
  keepRejectedRaw?: boolean;
  /** Source of key bytes (tests); default node:crypto randomBytes. */
  random?: (bytes: number) => Buffer;
}

const CACHE_LIMIT = 100_000;

export class Pseudonymiser implements Disposable {
  private readonly rotationMs: number;
  private readonly prefix: string;
  private readonly secret: string | undefined;
  private readonly random: (bytes: number) => Buffer;
  private readonly keys = new Map<number, Buffer>();
  private readonly cache = new Map<number, Map<string, string>>();
  private disposed = false;
  private readonly keepRejectedRaw: boolean;

  constructor(opts: PseudonymiserOptions = {}) {
    this.rotationMs = opts.rotationMs ?? DAY_MS;
    if (!(this.rotationMs >= 1000) || !Number.isFinite(this.rotationMs)) {
      throw new Error(`Pseudonymiser: rotationMs must be a finite number ≥ 1000 ms, got ${opts.rotationMs}`);
    }
    if (opts.secret !== undefined && opts.secret.length < 16) {
      throw new Error('Pseudonymiser: secret must be at least 16 characters (a short secret makes pseudonyms guessable)');
    }
    this.secret = opts.secret;
    this.prefix = opts.prefix ?? 'anon-';
    this.random = opts.random ?? randomBytes;
    this.keepRejectedRaw = opts.keepRejectedRaw ?? false;
  }

  /** Rotation period index of epoch-ms time `t`. */
  period(t: number): number {
    return Math.floor(t / this.rotationMs);
  }

  /** The pseudonym of `id` for the period containing `t` (epoch ms). */
  pseudonym(id: string, t: number): string {
    if (this.disposed) throw new Error('Pseudonymiser: used after dispose()');
    const p = this.period(t);
    let cache = this.cache.get(p);
    const hit = cache?.get(id);
    if (hit !== undefined) return hit;
    const out = this.prefix + createHmac('sha256', this.key(p)).update(id, 'utf8').digest('hex').slice(0, 16);
    if (!cache) {
      cache = new Map();
      this.cache.set(p, cache);
    }
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(id, out);
    return out;
  }

  /** The record with its personal identifier replaced; other records are returned as they are. */
  apply(rec: TelemetryRecord): TelemetryRecord {
    switch (rec.kind) {
      case 'scan':
        return { kind: 'scan', record: { ...rec.record, device: this.pseudonym(rec.record.device, rec.record.t) } };
      case 'position':
        return { kind: 'position', record: { ...rec.record, id: this.pseudonym(rec.record.id, rec.record.t) } };
      case 'state':
        return rec.record.kind === 'person' ? { kind: 'state', record: { ...rec.record, id: this.pseudonym(rec.record.id, rec.record.t) } } : rec;
      case 'count':
      case 'alert':
        return rec;
      case 'rejected':
        // Raw rejected input may hold a device id in clear: keep only its length.
        if (this.keepRejectedRaw) return rec;
        return { kind: 'rejected', record: { ...rec.record, raw: `(${rec.record.raw.length} bytes withheld by privacy settings)` } };
      default:
        return assertNeverRecord(rec);
    }
  }

  applyBatch(batch: readonly TelemetryRecord[]): TelemetryRecord[] {
    return batch.map((r) => this.apply(r));
  }

  /** Forgets every key and cached pseudonym (memory-only keys are then gone for good). */
  dispose(): void {
    for (const k of this.keys.values()) k.fill(0);
    this.keys.clear();
    this.cache.clear();
    this.disposed = true;
  }

  private key(p: number): Buffer {
    let k = this.keys.get(p);
    if (k) return k;
    k = this.secret !== undefined ? createHmac('sha256', this.secret).update(`twin-pseudonym:${p}`).digest() : this.random(32);
    this.keys.set(p, k);
    // Keep the two most recent periods only; older keys are wiped.
    const newest = Math.max(...this.keys.keys());
    for (const [q, old] of this.keys) {
      if (q < newest - 1) {
        old.fill(0);
        this.keys.delete(q);
        this.cache.delete(q);
      }
    }
    return k;
  }
}

function assertNeverRecord(x: never): never {
  throw new Error(`Pseudonymiser: unexpected record kind ${JSON.stringify(x)}`);
}
