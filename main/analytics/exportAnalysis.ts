/**
 * CSV / JSON exports of window analytics (`twin export`, the Analytics panel's downloads).
 *
 * Privacy: every exported number that counts people (zone occupancy, door crossings, visits, people
 * still in a space) below the k-anonymity threshold (default 5, settings `privacyK`) and above zero
 * is suppressed: the cell is written empty (CSV) / null (JSON) with a note saying why. Zero is kept (it reveals
 * nobody). Robot KPIs and mean densities are not people counts and are exported as they are.
 */
import { DEFAULT_K } from '../privacy/suppressSmallCounts.js';
import { fruinLevel } from './fruinLevel.js';
import type { WindowAnalysis } from './analyseWindow.js';

export type ExportWhat = 'counts' | 'flows' | 'dwell' | 'kpis' | 'heatmap';
export const EXPORT_WHATS: readonly ExportWhat[] = ['counts', 'flows', 'dwell', 'kpis', 'heatmap'];
export type ExportFormat = 'csv' | 'json';

/** Which analysis part an export needs. */
export function partFor(what: ExportWhat): 'occupancy' | 'flows' | 'kpis' | 'heatmap' {
  switch (what) {
    case 'counts':
      return 'occupancy';
    case 'flows':
    case 'dwell':
      return 'flows';
    case 'kpis':
      return 'kpis';
    case 'heatmap':
      return 'heatmap';
  }
}

const esc = (v: string | number | null): string => {
  if (v === null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csv = (rows: (string | number | null)[][]) => rows.map((r) => r.map(esc).join(',')).join('\n') + '\n';
const iso = (t: number) => new Date(t).toISOString();

/** A people count as exported: null with a note when 0 < n < k. */
function kAnon(n: number | null, k: number): { value: number | null; note: string } {
  if (n === null) return { value: null, note: 'no data' };
  if (n > 0 && n < k) return { value: null, note: `suppressed (fewer than k=${k})` };
  return { value: n, note: '' };
}

export function exportAnalysis(a: WindowAnalysis, what: ExportWhat, format: ExportFormat, k = DEFAULT_K): string {
  if (!Number.isInteger(k) || k < 1) throw new Error(`exportAnalysis: k must be an integer ≥ 1, got ${k}`);
  const window = { from: iso(a.from), to: iso(a.to) };
  switch (what) {
    case 'counts': {
      const o = a.occupancy!;
      const rows: { zone: string; time: string; count: number | null; note: string }[] = [];
      for (const z of [...o.zones, { zone: 'TOTAL', values: o.total }]) {
        z.values.forEach((v, i) => rows.push({ zone: z.zone, time: iso(o.times[i]!), count: kAnon(v, k).value, note: kAnon(v, k).note }));
      }
      if (format === 'json') return JSON.stringify({ what, window, bucketSeconds: o.bucketMs / 1000, k, note: `counts 1..${k - 1} suppressed (k-anonymity)`, rows }, null, 2) + '\n';
      return csv([['zone', 'time', 'count', 'note'], ...rows.map((r) => [r.zone, r.time, r.count, r.note])]);
    }
    case 'flows': {
      const f = a.flows!;
      const rows: { door: string; from: string; to: string; time: string; crossings: number | null; note: string }[] = [];
      for (const fl of f.flows) fl.counts.forEach((c, i) => rows.push({ door: fl.door, from: fl.from, to: fl.to, time: iso(f.times[i]!), crossings: kAnon(c, k).value, note: kAnon(c, k).note }));
      if (format === 'json') return JSON.stringify({ what, window, bucketSeconds: f.bucketMs / 1000, k, rows }, null, 2) + '\n';
      return csv([['door', 'from', 'to', 'time', 'crossings', 'note'], ...rows.map((r) => [r.door, r.from, r.to, r.time, r.crossings, r.note])]);
    }
    case 'dwell': {
      // visits, mean/median/p90: the visits that began and ended inside the window (finished: the person crossed into
      // another space); a space with none has no statistics (empty, not 0 s). open: the people still in the space at
      // the window's end, whose visits are not finished and so not in the statistics (a room occupied all along has
      // 0 visits and everyone open). Privacy: a space's statistics describe its visitors, suppressed as a whole below
      // k visits; open is a people count, suppressed on its own below k.
      const rows = a.flows!.dwell.map((d) => {
        const small = d.visits > 0 && d.visits < k;
        const stat = (v: number) => (small || d.visits === 0 ? null : v);
        const open = kAnon(d.open, k);
        const notes = [small ? `suppressed (fewer than k=${k} visits)` : '', open.note ? `open ${open.note}` : ''].filter(Boolean);
        return { space: d.space, visits: small ? null : d.visits, meanS: stat(d.meanS), medianS: stat(d.medianS), p90S: stat(d.p90S), open: open.value, note: notes.join('; ') };
      });
      if (format === 'json') {
        const note = `visits, meanS, medianS, p90S: visits that began and ended in the window; open: people still in the space at the window's end (not in the statistics); people counts 1..${k - 1} suppressed (k-anonymity)`;
        return JSON.stringify({ what, window, k, note, rows }, null, 2) + '\n';
      }
      return csv([['space', 'visits', 'mean_s', 'median_s', 'p90_s', 'open', 'note'], ...rows.map((r) => [r.space, r.visits, r.meanS, r.medianS, r.p90S, r.open, r.note])]);
    }
    case 'kpis': {
      const kp = a.kpis!;
      if (format === 'json') return JSON.stringify({ what, window, ...kp }, null, 2) + '\n';
      const head = ['scope', 'id', 'kind', 'units', 'distance_m', 'moving_s', 'idle_s', 'charging_s', 'error_s', 'manual_s', 'offline_s', 'unknown_s', 'alerts', 'charge_sessions', 'battery_cycles'];
      const line = (scope: string, id: string, kind: string, units: number, r: (typeof kp.robots)[number] | (typeof kp.kinds)[number]) => [
        scope, id, kind, units, r.distanceM, r.seconds.moving, r.seconds.idle, r.seconds.charging, r.seconds.error, r.seconds.manual, r.seconds.offline, r.seconds.unknown, r.alerts, r.chargeSessions, r.batteryCycles,
      ];
      return csv([head, ...kp.robots.map((r) => line('unit', r.id, r.kind, 1, r)), ...kp.kinds.map((r) => line('kind', '', r.kind, r.units, r))]);
    }
    case 'heatmap': {
      const h = a.heatmap!;
      if (format === 'json') return JSON.stringify({ what, window, unit: 'persons per m² (mean over the window)', storeys: h }, null, 2) + '\n';
      const rows: (string | number)[][] = [['floor', 'x_m', 'y_m', 'cell_m', 'density_p_per_m2', 'los']];
      for (const s of h) {
        s.density.forEach((d, i) => {
          if (d <= 0) return;
          const x = s.x0 + (i % s.cols) * s.cellM;
          const y = s.y0 + Math.floor(i / s.cols) * s.cellM;
          rows.push([s.floor, x, y, s.cellM, Math.round(d * 10000) / 10000, fruinLevel(d)]);
        });
      }
      return csv(rows);
    }
  }
}
