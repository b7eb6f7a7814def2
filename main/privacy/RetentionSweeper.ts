/**
 * Applies the recording retention periodically: once at start, then every `intervalMs` (default
 * hourly), `deleteExpiredRecordings(dir(), retentionDays())`. Both come from getters so a changed
 * setting applies at the next sweep; a null directory or retention means "keep everything".
 */
import { existsSync } from 'node:fs';
import type { Disposable } from '../../common/source.js';
import { deleteExpiredRecordings, type RetentionResult } from './deleteExpiredRecordings.js';

/** Default retention of recordings, days (docs/privacy.md). */
export const DEFAULT_RETENTION_DAYS = 30;

export interface RetentionSweeperOptions {
  dir: () => string | null;
  retentionDays: () => number | null;
  intervalMs?: number;
  log?: (level: 'info' | 'warn', message: string) => void;
  now?: () => number;
}

export type SweeperState = 'idle' | 'running' | 'disposed';

export class RetentionSweeper implements Disposable {
  private timer: ReturnType<typeof setInterval> | null = null;
  private state: SweeperState = 'idle';
  private sweeping: Promise<RetentionResult | null> | null = null;

  constructor(private readonly opts: RetentionSweeperOptions) {}

  /** Sweeps now and then every interval. */
  start(): Promise<RetentionResult | null> {
    if (this.state !== 'idle') throw new Error(`RetentionSweeper: start() while ${this.state}`);
    this.state = 'running';
    this.timer = setInterval(() => void this.sweep(), this.opts.intervalMs ?? 3_600_000);
    this.timer.unref?.();
    return this.sweep();
  }

  /** One sweep (concurrent calls share it). Errors are logged, never thrown: retention must not stop the app. */
  sweep(): Promise<RetentionResult | null> {
    if (this.state === 'disposed') return Promise.resolve(null);
    this.sweeping ??= this.run().finally(() => {
      this.sweeping = null;
    });
    return this.sweeping;
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.state = 'disposed';
  }

  private async run(): Promise<RetentionResult | null> {
    const dir = this.opts.dir();
    const days = this.opts.retentionDays();
    if (dir === null || days === null) return null;
    // A record folder that does not exist yet (`--record NEW_DIR`: the recorder makes it) holds
    // nothing to delete: no warning at every start.
    if (!existsSync(dir)) return { deleted: [], kept: 0, failed: [] };
    try {
      const r = await deleteExpiredRecordings(dir, days, (this.opts.now ?? Date.now)());
      if (r.deleted.length) this.opts.log?.('info', `retention: deleted ${r.deleted.length} recording(s) older than ${days} days from ${dir}`);
      for (const f of r.failed) this.opts.log?.('warn', `retention: could not delete ${f.file}: ${f.reason}`);
      return r;
    } catch (e) {
      this.opts.log?.('warn', `retention: ${(e as Error).message}`);
      return null;
    }
  }
}
