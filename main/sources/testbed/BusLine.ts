/**
 * The autonomous bus(es) on the site's road loop: cruise at ~18 km/h, brake smoothly into each
 * stop (1 m/s²), dwell 20–45 s with the doors open, go on; charge at the depot stop (the first
 * one) when the battery is under 30 %. Rare faults: obstacle emergency stop (state "error").
 * Buses report at 1 Hz as `kind: "bus"`, on the ground storey's floor label (they drive outside
 * the building, in building-frame x/y).
 */
import type { StateRecord, TelemetryRecord } from '../../../common/records.js';
import type { TestbedLayout } from '../../../common/testbedLayout.js';
import type { SeededRandom } from './SeededRandom.js';

export type BusMode = 'moving' | 'dwell' | 'charging' | 'error';

const CRUISE_MS = 5;
const BRAKE_MS2 = 1;
/** A full battery lasts this many hours of driving. */
const BATTERY_HOURS = 8;
const FAULT_MEAN_INTERVAL_S = 4 * 3600;

export class BusLine {
  readonly ids: string[];
  /** Arc length along the loop, m. */
  private readonly s: Float64Array;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly heading: Float64Array;
  readonly speed: Float64Array;
  readonly battery: Float64Array;
  readonly modes: BusMode[];
  private readonly until: Float64Array;
  private readonly nextStop: Int32Array;
  private readonly nextFault: Float64Array;
  private readonly nextReport: Float64Array;
  private readonly errors: (string | null)[];
  private readonly loop: [number, number][];
  private readonly cum: number[];
  private readonly perimeter: number;
  /** Stops as arc positions, ascending. */
  private readonly stops: { id: string; s: number }[];

  constructor(layout: TestbedLayout, count: number, private readonly floor: string, private readonly rand: SeededRandom) {
    this.loop = layout.site.roadLoop.map(([x, y]) => [x, y] as [number, number]);
    if (count > 0 && this.loop.length < 2) throw new Error('BusLine: layout.site.roadLoop needs at least 2 points');
    this.cum = [0];
    for (let i = 0; i < this.loop.length; i++) {
      const a = this.loop[i]!, b = this.loop[(i + 1) % this.loop.length]!;
      this.cum.push(this.cum[i]! + Math.hypot(b[0] - a[0], b[1] - a[1]));
    }
    this.perimeter = this.cum[this.cum.length - 1]! || 1;
    this.stops = layout.site.busStops.map((st) => ({ id: st.id, s: this.project(st.x, st.y) })).sort((a, b) => a.s - b.s);
    this.ids = Array.from({ length: count }, (_, i) => `bus-${String(i + 1).padStart(2, '0')}`);
    this.s = new Float64Array(count); this.x = new Float64Array(count); this.y = new Float64Array(count);
    this.heading = new Float64Array(count); this.speed = new Float64Array(count); this.battery = new Float64Array(count);
    this.modes = new Array<BusMode>(count).fill('moving');
    this.until = new Float64Array(count); this.nextStop = new Int32Array(count);
    this.nextFault = new Float64Array(count); this.nextReport = new Float64Array(count);
    this.errors = new Array<string | null>(count).fill(null);
    for (let i = 0; i < count; i++) {
      this.s[i] = (this.perimeter * i) / count + rand.range(0, 20);
      this.nextStop[i] = this.stopAfter(this.s[i]!);
      this.battery[i] = rand.range(0.5, 1);
      this.nextFault[i] = rand.exponential(FAULT_MEAN_INTERVAL_S);
      this.nextReport[i] = rand.range(0, 1);
      this.place(i);
    }
  }

  step(now: number, dt: number): void {
    for (let i = 0; i < this.ids.length; i++) {
      const mode = this.modes[i]!;
      if (mode === 'moving' && now >= this.nextFault[i]!) {
        this.nextFault[i] = now + this.rand.exponential(FAULT_MEAN_INTERVAL_S);
        this.modes[i] = 'error';
        this.errors[i] = this.rand.pick(['obstacle detected — emergency stop', 'GNSS/lidar localization degraded', 'door sensor fault']);
        this.until[i] = now + this.rand.range(30, 150);
        this.speed[i] = 0;
        continue;
      }
      switch (mode) {
        case 'moving': {
          const stop = this.stops[this.nextStop[i]!];
          const gap = stop ? (stop.s - this.s[i]! + this.perimeter) % this.perimeter : Infinity;
          const v = Math.min(CRUISE_MS, Math.sqrt(2 * BRAKE_MS2 * gap) + 0.3, this.speed[i]! + 1.2 * dt);
          const ds = Math.min(v * dt, gap);
          this.speed[i] = v;
          this.s[i] = (this.s[i]! + ds) % this.perimeter;
          this.battery[i] = Math.max(0, this.battery[i]! - dt / (BATTERY_HOURS * 3600));
          this.place(i);
          if (stop && gap - ds < 0.05) {
            this.speed[i] = 0;
            const depot = this.nextStop[i] === 0;
            if (depot && this.battery[i]! < 0.3) { this.modes[i] = 'charging'; this.until[i] = this.rand.range(0.9, 1); }
            else { this.modes[i] = 'dwell'; this.until[i] = now + this.rand.range(20, 45); }
            this.nextStop[i] = (this.nextStop[i]! + 1) % this.stops.length;
          }
          break;
        }
        case 'dwell':
        case 'error':
          this.speed[i] = 0;
          if (now >= this.until[i]!) { this.modes[i] = 'moving'; this.errors[i] = null; }
          break;
        case 'charging':
          this.speed[i] = 0;
          this.battery[i] = Math.min(1, this.battery[i]! + dt / 3600);
          if (this.battery[i]! >= this.until[i]!) this.modes[i] = 'moving';
          break;
        default: {
          const never: never = mode;
          throw new Error(`BusLine: unknown mode ${String(never)}`);
        }
      }
    }
  }

  report(now: number, startMs: number, out: TelemetryRecord[]): void {
    for (let i = 0; i < this.ids.length; i++) {
      if (now < this.nextReport[i]!) continue;
      this.nextReport[i] = this.nextReport[i]! + 1;
      const mode = this.modes[i]!;
      const prev = this.stops[(this.nextStop[i]! + this.stops.length - 1) % Math.max(1, this.stops.length)];
      const next = this.stops[this.nextStop[i]!];
      const record: StateRecord = {
        id: this.ids[i]!, kind: 'bus', type: 'autonomous-bus', t: Math.round(startMs + now * 1000), floor: this.floor,
        x: Math.round(this.x[i]! * 100) / 100, y: Math.round(this.y[i]! * 100) / 100,
        heading: Math.round(this.heading[i]! * 10) / 10, speed: Math.round(this.speed[i]! * 100) / 100,
        battery: Math.round(this.battery[i]! * 1000) / 1000,
        state: mode === 'dwell' ? 'idle' : mode,
        task: mode === 'dwell' ? `dwell at ${prev?.id ?? 'stop'}` : mode === 'charging' ? `charge at ${prev?.id ?? 'depot'}` : `loop → ${next?.id ?? 'stop'}`,
        error: this.errors[i]!,
      };
      out.push({ kind: 'state', record });
    }
  }

  private stopAfter(s: number): number {
    const k = this.stops.findIndex((st) => st.s > s);
    return k < 0 ? 0 : k;
  }

  private project(x: number, y: number): number {
    let best = 0, bestD = Infinity;
    for (let i = 0; i < this.loop.length; i++) {
      const a = this.loop[i]!, b = this.loop[(i + 1) % this.loop.length]!;
      const dx = b[0] - a[0], dy = b[1] - a[1];
      const len2 = dx * dx + dy * dy || 1;
      const t = Math.max(0, Math.min(1, ((x - a[0]) * dx + (y - a[1]) * dy) / len2));
      const d = Math.hypot(a[0] + t * dx - x, a[1] + t * dy - y);
      if (d < bestD) { bestD = d; best = this.cum[i]! + t * Math.sqrt(len2); }
    }
    return best % this.perimeter;
  }

  private place(i: number): void {
    const s = this.s[i]!;
    let k = 0;
    while (k < this.loop.length - 1 && this.cum[k + 1]! <= s) k++;
    const a = this.loop[k]!, b = this.loop[(k + 1) % this.loop.length]!;
    const len = this.cum[k + 1]! - this.cum[k]! || 1;
    const t = (s - this.cum[k]!) / len;
    this.x[i] = a[0] + t * (b[0] - a[0]);
    this.y[i] = a[1] + t * (b[1] - a[1]);
    this.heading[i] = (Math.atan2(b[0] - a[0], b[1] - a[1]) * 180 / Math.PI + 360) % 360;
  }
}
