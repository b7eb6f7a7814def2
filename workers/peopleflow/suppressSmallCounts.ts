/**
 * k-anonymity for exported counts: a cell (zone × time bucket) holding 1 … k−1 people could single
 * someone out, so exports show it as suppressed (`count: null`) instead. Zero is kept (it reveals
 * nobody). Default k = 5 (settings `privacyK`). Live views of aggregates on the operator's own
 * screen are not exports; this applies to files and reports leaving the app (main/privacy re-exports it).
 */
import type { CountRecord } from '../../common/records.js';

export const DEFAULT_K = 5;

export interface ExportedCount {
  zone: string;
  /** epoch ms */
  t: number;
  /** null when suppressed (0 < count < k). */
  count: number | null;
  suppressed: boolean;
}

export function suppressSmallCounts(rows: readonly CountRecord[], k = DEFAULT_K): ExportedCount[] {
  if (!Number.isInteger(k) || k < 1) throw new Error(`suppressSmallCounts: k must be an integer ≥ 1, got ${k}`);
  return rows.map((r) => {
    const suppressed = r.count > 0 && r.count < k;
    return { zone: r.zone, t: r.t, count: suppressed ? null : r.count, suppressed };
  });
}

/** CSV (zone,time ISO,count) with suppressed cells written as `<k`. */
export function countsToCsv(rows: readonly CountRecord[], k = DEFAULT_K): string {
  const esc = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = ['zone,time,count'];
  for (const r of suppressSmallCounts(rows, k)) lines.push(`${esc(r.zone)},${new Date(r.t).toISOString()},${r.suppressed ? `<${k}` : r.count}`);
  return lines.join('\n') + '\n';
}
