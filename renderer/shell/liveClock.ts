/**
 * The timeline's clock for a live source. It shows the newest data's time (a 60× testbed or a replayed
 * broker runs on its own clock, not the wall's), which stands still when nothing arrives. A clock that
 * stands still reads as "the app hung", so once the data stops the badge says why (RECONNECTING,
 * CONNECTING, NO DATA) and beside the clock a figure counts the wall time since data last came,
 * "no data for 25 s", going up every second while the source is down or silent.
 */
import type { SourceState } from '../../common/source.js';

/**
 * A live source that is connected but has sent nothing newer for this long is called silent: the hub's
 * stale limit (Hub `staleAfterSeconds`), after which its entities are marked stale too.
 */
export const NO_DATA_AFTER_MS = 10_000;

/** When the data time last moved on, in wall time: the page's own clock, as it saw the data arrive. */
export class DataArrival {
  private time = Number.NaN;
  private at: number | null = null;
  private key = '';

  /** Notes the data time shown at `wallNow` for source `key`; a new source starts afresh. */
  note(key: string, dataTime: number, wallNow: number): void {
    if (key !== this.key) {
      this.key = key;
      this.time = Number.NaN;
      this.at = null;
    }
    if (!Number.isFinite(dataTime) || dataTime === this.time) return;
    this.time = dataTime;
    this.at = wallNow;
  }

  /** Wall ms when the data time last changed; null before any data. */
  get since(): number | null {
    return this.at;
  }
}

export interface LiveClockView {
  /** The badge: "LIVE" while data comes, else what stops it. */
  badge: 'LIVE' | 'RECONNECTING' | 'CONNECTING' | 'NO DATA';
  /** Amber (the badge's `stalled` look) rather than the live colour. */
  stalled: boolean;
  /** "no data for 25 s" beside the clock, or null while data comes (or before any came). */
  age: string | null;
  /** In how many ms the view next changes with nothing arriving (a figure ticks, the silence limit passes); null: it does not. */
  nextChangeMs: number | null;
}

/** The live clock's state for a source in `state` whose data last moved on at `since` (wall ms), at `wallNow`. */
export function liveClockView(state: SourceState, since: number | null, wallNow: number): LiveClockView {
  const silentMs = since === null ? 0 : Math.max(0, wallNow - since);
  const connected = state === 'live';
  const silent = connected && since !== null && silentMs >= NO_DATA_AFTER_MS;
  if (connected && !silent) {
    return { badge: 'LIVE', stalled: false, age: null, nextChangeMs: since === null ? null : NO_DATA_AFTER_MS - silentMs };
  }
  const badge = silent ? 'NO DATA' : state === 'connecting' ? 'CONNECTING' : 'RECONNECTING';
  if (since === null) return { badge, stalled: true, age: null, nextChangeMs: null };
  return { badge, stalled: true, age: `no data for ${formatSilence(silentMs)}`, nextChangeMs: 1000 - (silentMs % 1000) };
}

/** 25 000 → "25 s", 185 000 → "3 min 05 s", 3 720 000 → "1 h 02 min": whole seconds, never ahead of the time. */
export function formatSilence(ms: number): string {
  const s = Math.floor(ms / 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${p(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${p(Math.floor(s / 60) % 60)} min`;
}
