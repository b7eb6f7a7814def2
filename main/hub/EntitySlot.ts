/**
 * One entity in the hub: its latest State record, staleness bookkeeping, and a short history ring
 * (typed-array columns, one sample per accepted record) that feeds the inspector's charts and
 * lets the hub recognise a re-delivered older record as a duplicate.
 */
import type { StateRecord } from '../../common/records.js';

export class EntitySlot {
  latest: StateRecord;
  stale = false;
  dirty = true;
  /**
   * Smoothed interval between this entity's updates (ms, 0 until two have arrived). Staleness is
   * judged against it, so a sensor reporting every 10 s is not "stale" after a 10 s threshold
   * meant for 1 Hz robots.
   */
  interval = 0;
  /** History ring: t (epoch ms), x, y (m), speed (m/s), battery (0..1); NaN when absent. */
  readonly t: Float64Array;
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly speed: Float32Array;
  readonly battery: Float32Array;
  /** Index of the next write, and how many are filled. */
  head = 0;
  size = 0;

  constructor(first: StateRecord, capacity: number) {
    this.latest = first;
    this.t = new Float64Array(capacity);
    this.x = new Float32Array(capacity);
    this.y = new Float32Array(capacity);
    this.speed = new Float32Array(capacity);
    this.battery = new Float32Array(capacity);
    this.push(first);
  }

  push(s: StateRecord): void {
    const i = this.head;
    this.t[i] = s.t;
    this.x[i] = s.x ?? NaN;
    this.y[i] = s.y ?? NaN;
    this.speed[i] = s.speed ?? NaN;
    this.battery[i] = s.battery ?? NaN;
    this.head = (i + 1) % this.t.length;
    if (this.size < this.t.length) this.size++;
  }

  hasTime(t: number): boolean {
    for (let k = 0; k < this.size; k++) if (this.t[k] === t) return true;
    return false;
  }

  /** History oldest → newest as plain arrays (for the API / tests). */
  history(): { t: number[]; x: number[]; y: number[]; speed: number[]; battery: number[] } {
    const out = { t: [] as number[], x: [] as number[], y: [] as number[], speed: [] as number[], battery: [] as number[] };
    const cap = this.t.length;
    for (let k = 0; k < this.size; k++) {
      const i = (this.head - this.size + k + cap) % cap;
      out.t.push(this.t[i]!);
      out.x.push(this.x[i]!);
      out.y.push(this.y[i]!);
      out.speed.push(this.speed[i]!);
      out.battery.push(this.battery[i]!);
    }
    return out;
  }
}

