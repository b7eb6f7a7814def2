/**
 * The local zone's offset from UTC at `ms` (now for NaN) as the timeline labels its clock: "UTC", "UTC+9", "UTC−5",
 * "UTC+5:30". The timeline is in local time while Analytics, exports and `twin inspect` are in UTC: a planner in New
 * York matched a 07:29 clock against an export's 12:29 with nothing saying why.
 */
export function zoneLabel(ms: number): string {
  const east = -new Date(Number.isFinite(ms) ? ms : Date.now()).getTimezoneOffset();
  if (east === 0) return 'UTC';
  const a = Math.abs(east);
  return `UTC${east > 0 ? '+' : '−'}${Math.floor(a / 60)}${a % 60 ? `:${String(a % 60).padStart(2, '0')}` : ''}`;
}

/** Epoch ms → "2026-11-25 07:03:12" in local time (timeline, status bar); "—" for NaN. */
export function formatTime(ms: number, withDate = true): string {
  if (!Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  const time = `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  return withDate ? `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${time}` : time;
}
