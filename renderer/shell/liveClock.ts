/**
 * The timeline's clock for a live source. It shows the newest data's time (a 60× testbed or a replayed
 * broker runs on its own clock, not the wall's), which stands still when nothing arrives. A clock that
 * stands still reads as "the app hung", so once the data stops the badge says why (RECONNECTING,
 * CONNECTING, NO DATA) and beside the clock a figure counts the wall time since data last came,
 * "no data for 25 s", going up every second while the source is down or silent.
 *
 * The silence is counted from when the HOST last had data (SourceStatus `lastDataAt`), so a page opened or
 * reloaded during an outage shows the whole of it, not the seconds since the reload; from when this page saw
 * the data time move on, if that is later (the next status comes up to a second after the data); and from
 * the page's own view alone for a status without a trustworthy `lastDataAt` (an older host, a clock far apart).
 */
import { MIN_EPOCH_MS } from '../../common/records.js';
import type { SourceState, SourceStatus } from '../../common/source.js';

/**
 * A live source that is connected but has sent nothing newer for this long is called silent: the hub's
 * stale limit (Hub `staleAfterSeconds`), after which its entities are marked stale too.
 */
export const NO_DATA_AFTER_MS = 10_000;

/**
 * How far ahead of this page's clock a host's `lastDataAt` may be (two clocks a little apart) and still be
 * believed; further ahead, the silence would read 0 while there is none, so the page counts by itself.
 */
export const HOST_CLOCK_SLACK_MS = 2000;

/** When the data time last moved on, in wall time: the page's own clock, as it saw the data arrive. */
export class DataArrival {
  private time = Number.NaN;
  private at: number | null = null;
  private moved: number | null = null;
  private key = '';

  /** Notes the data time shown at `wallNow` for source `key`; a new source starts afresh. */
  note(key: string, dataTime: number, wallNow: number): void {
    if (key !== this.key) {
      this.key = key;
      this.time = Number.NaN;
      this.at = null;
      this.moved = null;
    }
    if (!Number.isFinite(dataTime) || dataTime === this.time) return;
    if (this.at !== null) this.moved = wallNow;
    this.time = dataTime;
    this.at = wallNow;
  }

  /** Wall ms when the data time last changed (or was first seen); null before any data. */
  get since(): number | null {
    return this.at;
  }

  /** Wall ms when this page last saw the data time move on from one it had already seen; null before. */
  get movedAt(): number | null {
    return this.moved;
  }
}

/**
 * The host's `lastDataAt` of a status, read off the wire and checked: an epoch ms from 2000 on, not ahead of
 * this page's clock (`wallNow`) by more than HOST_CLOCK_SLACK_MS; null where the host says no data came yet;
 * undefined where the status has none, or one not to trust (the page then counts by itself).
 */
export function hostLastDataAt(status: Pick<SourceStatus, 'lastDataAt'>, wallNow: number): number | null | undefined {
  return hostTime(status.lastDataAt, wallNow);
}

/** A host wall time off the wire (`lastDataAt`, `liveSince`), checked as hostLastDataAt says; null stays null. */
function hostTime(v: unknown, wallNow: number): number | null | undefined {
  if (v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < MIN_EPOCH_MS || v > wallNow + HOST_CLOCK_SLACK_MS) return undefined;
  return v;
}

/**
 * When the silence of `status`'s source is counted from (wall ms; null: no data yet): the host's last data,
 * or when this page saw the data move on if that is later; the page's own `arrival` for a status without the host's.
 */
export function silenceSince(status: Pick<SourceStatus, 'lastDataAt'> & Partial<Pick<SourceStatus, 'state' | 'liveSince'>>, arrival: DataArrival, wallNow: number): number | null {
  const host = hostLastDataAt(status, wallNow);
  if (host === undefined) return arrival.since;
  const moved = arrival.movedAt;
  if (host === null || (moved !== null && moved > host)) return moved ?? silentSinceLive(status, wallNow);
  return host;
}

/**
 * A live source that has sent nothing at all: silent since it became live (the host's `liveSince`, checked as
 * `lastDataAt` is), so a broker nobody publishes to reads NO DATA after 10 s instead of LIVE for good; else null.
 */
function silentSinceLive(status: Partial<Pick<SourceStatus, 'state' | 'liveSince'>>, wallNow: number): number | null {
  if (status.state !== 'live') return null;
  return hostTime(status.liveSince ?? null, wallNow) ?? null;
}

export interface LiveClockView {
  /** The badge: "LIVE" while data comes, else what stops it. */
  badge: 'LIVE' | 'RECONNECTING' | 'CONNECTING' | 'NO DATA' | 'NOT CONNECTED';
  /** Amber (the badge's `stalled` look) rather than the live colour. */
  stalled: boolean;
  /** "no data for 25 s" beside the clock, or null while data comes (or before any came). */
  age: string | null;
  /** In how many ms the view next changes with nothing arriving (a figure ticks, the silence limit passes); null: it does not. */
  nextChangeMs: number | null;
}

/**
 * The live clock's state for a source in `state` whose data last moved on at `since` (wall ms), at `wallNow`.
 * `pageConnected` false: this page has lost the workbench itself, so the source's state is only the last it heard
 * and nothing can arrive: NOT CONNECTED, from the first second (not LIVE until the silence limit).
 */
export function liveClockView(state: SourceState, since: number | null, wallNow: number, pageConnected = true): LiveClockView {
  const silentMs = since === null ? 0 : Math.max(0, wallNow - since);
  const connected = pageConnected && state === 'live';
  const silent = connected && since !== null && silentMs >= NO_DATA_AFTER_MS;
  if (connected && !silent) {
    return { badge: 'LIVE', stalled: false, age: null, nextChangeMs: since === null ? null : NO_DATA_AFTER_MS - silentMs };
  }
  const badge = !pageConnected ? 'NOT CONNECTED' : silent ? 'NO DATA' : state === 'connecting' ? 'CONNECTING' : 'RECONNECTING';
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
