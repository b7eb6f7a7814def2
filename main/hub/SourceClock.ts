/**
 * The hub's clock: source time. It is the newest record `t` seen (one device's clock far ahead does not move it:
 * NewestTime); once the source has been silent for more than CLOCK_GRACE_MS of wall time, it runs on by the silent
 * wall time × the source's pace, so staleness and "stalled for 30 s" mean the same thing live, in a 60× testbed and
 * in replay.
 *
 * What is not silence:
 *  - a source slower than its nominal speed: the clock runs on at the pace its data really came (measured over
 *    RATE_WINDOW_MS of wall time; at most the nominal speed, at least a tenth of it). A 60× testbed on a loaded
 *    machine runs at a few ×: a clock extrapolated at 60× ran minutes ahead of its data and called the fleet stale;
 *  - a stall of this process between two ticks, when its owner ticks on a timer (`tickEveryMs`): it could not hear
 *    the source either (one 6 s stall called the whole fleet stale);
 *  - a recording falling behind its speed (its status has a time range): its clock is its records' time only;
 *  - a source paused, ended or stopped: the clock holds where the last tick left it (the time a source takes to
 *    stop is not silence: `twin record` stamped every entity stale at its end).
 */
import type { SourceStatus } from '../../common/source.js';
import { MAX_TIME_JUMP_MS, NewestTime } from './NewestTime.js';

/** Wall ms a source may be silent before the hub clock runs on without it. */
export const CLOCK_GRACE_MS = 2000;
/** Wall time over which the source's real rate is measured, ms. */
export const RATE_WINDOW_MS = 5000;

export class SourceClock {
  /** The newest record t (robust to one device's wild clock: see NewestTime). */
  private readonly newest = new NewestTime();
  /** Wall ms when the newest time last moved on (silence is counted from it). */
  private latestWall = 0;
  private lastDataAt_: number | null = null;
  private speed = 1;
  /** Source ms per wall ms as measured from `rateAnchor` (wall, newest t); null until measured. */
  private measuredRate: number | null = null;
  private rateAnchor: { wall: number; t: number } | null = null;
  /** Wall ms of the last tick, and the clock it ran at (-Infinity before the first). */
  private lastTickWall = 0;
  private lastTickClock = -Infinity;
  /** Paused, ended or stopped: the clock holds at `heldAt` (-Infinity after a seek's reset: the data then sets it). */
  private held = false;
  private heldAt = -Infinity;
  /** The source is a recording (its status has a time range): its clock is its records' time only. */
  private recorded = false;

  /** `tickEveryMs`: how often the owner ticks, if on a timer (a longer gap is this process's stall); absent: every gap counts. */
  constructor(private readonly tickEveryMs?: number) {}

  /** The newest record t, -Infinity before any. */
  get newestT(): number {
    return this.newest.value;
  }

  /**
   * Wall ms when a record last moved the newest record time on, null before any: when data last came from the source
   * (SourceStatus `lastDataAt`). A repeat or a straggler older than the newest is not new data; a seek's `reset` keeps it.
   */
  get lastDataAt(): number | null {
    return this.lastDataAt_;
  }

  /** Source clock (epoch ms) at a wall time. */
  now(wallNow: number = Date.now()): number {
    const latestT = this.newest.value;
    if (this.held || this.recorded) return latestT === -Infinity && this.heldAt === -Infinity ? wallNow : Math.max(latestT, this.heldAt);
    if (latestT === -Infinity) return wallNow;
    return latestT + Math.max(0, wallNow - this.latestWall - CLOCK_GRACE_MS) * this.rate();
  }

  /** A record's time, at the wall time of its batch (NewestTime ignores a wild jump ahead of the clock). */
  note(t: number, id: string, batchWall: number): void {
    this.newest.note(t, id, this.now(batchWall), MAX_TIME_JUMP_MS * Math.max(1, this.speed));
  }

  /** A batch received at `receivedAt` was applied; `newestBefore`: the newest time before it. */
  batchApplied(newestBefore: number, receivedAt: number): void {
    // Only records that move the newest time on restart the silence: a repeat (retained messages a broker re-sends
    // on reconnect) or a straggler leaves it running, where it used to snap back to the old newest time.
    if (this.newest.value === newestBefore) return;
    this.latestWall = receivedAt;
    this.lastDataAt_ = receivedAt;
    const t = this.newest.value, a = this.rateAnchor;
    if (!a) { this.rateAnchor = { wall: receivedAt, t }; return; }
    if (receivedAt - a.wall < RATE_WINDOW_MS) return;
    this.measuredRate = (t - a.t) / (receivedAt - a.wall);
    this.rateAnchor = { wall: receivedAt, t };
  }

  /** The owner's tick at `wallNow`: a stall since the last one is not silence. Returns the clock. */
  tick(wallNow: number): number {
    const every = this.tickEveryMs;
    if (every !== undefined && this.lastTickWall > 0) {
      const stalled = wallNow - this.lastTickWall - every;
      if (stalled > Math.max(1000, 4 * every)) this.latestWall += stalled;
    }
    this.lastTickWall = wallNow;
    return (this.lastTickClock = this.now(wallNow));
  }

  /** The source's status: its speed, whether it is a recording, and whether it holds (paused, ended, stopped). */
  setStatus(status: SourceStatus, wallNow: number): void {
    if (status.speed !== undefined && status.speed > 0) this.speed = status.speed;
    this.recorded = status.range !== undefined;
    const hold = status.state === 'paused' || status.state === 'ended' || status.state === 'stopped';
    if (hold && !this.held) {
      this.heldAt = this.lastTickClock > -Infinity ? Math.max(this.lastTickClock, this.newest.value) : this.now(wallNow);
      this.held = true;
    } else if (!hold && this.held) {
      // Playing again: silence is counted from now, not from before the pause (and the pause is not the source's pace).
      this.held = false;
      this.heldAt = -Infinity;
      this.latestWall = wallNow;
      this.rateAnchor = null;
    }
  }

  /** A jump in time (replay seek): the next records set the clock. */
  reset(): void {
    this.newest.reset();
    this.latestWall = 0;
    this.heldAt = -Infinity;
    this.rateAnchor = null;
    this.lastTickClock = -Infinity;
  }

  /** How fast the clock runs on through a silence (see the file comment). */
  private rate(): number {
    const m = this.measuredRate;
    return m === null ? this.speed : Math.min(this.speed, Math.max(m, 0.1 * this.speed));
  }
}
