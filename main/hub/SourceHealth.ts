/**
 * Accepted / rejected counters of one source, with reject reasons counted by their stable key
 * (normalise.ts `rejectReasonKey`): what the "Source health" panel shows. Shared by every
 * source that normalises external input, so they all count the same way.
 */
import type { RejectedRecord } from '../../common/records.js';
import type { SourceStatus } from '../../common/source.js';
import { rejectReasonKey } from '../sources/normalise.js';

/** Distinct reason keys kept; beyond this they are counted under "other". */
const MAX_REASONS = 100;

export class SourceHealth {
  accepted = 0;
  rejected = 0;
  readonly rejectReasons: Record<string, number> = {};

  accept(n: number): void {
    this.accepted += n;
  }

  reject(rejects: readonly RejectedRecord[]): void {
    for (const r of rejects) {
      this.rejected++;
      let key = rejectReasonKey(r.reason);
      if (!(key in this.rejectReasons) && Object.keys(this.rejectReasons).length >= MAX_REASONS) key = 'other';
      this.rejectReasons[key] = (this.rejectReasons[key] ?? 0) + 1;
    }
  }

  /** The counting part of a SourceStatus (copies, so a status snapshot does not change later). */
  snapshot(): Pick<SourceStatus, 'accepted' | 'rejected' | 'rejectReasons'> {
    return { accepted: this.accepted, rejected: this.rejected, rejectReasons: { ...this.rejectReasons } };
  }
}
