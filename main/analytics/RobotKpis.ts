/**
 * Robot KPIs over a time window, per robot and per kind (robots, the bus, other assets; not
 * `person`): distance travelled (m, consecutive positions on the same floor; jumps over
 * `maxGapMs` or between floors are not counted as travel), time per state (s: moving, idle,
 * charging, error, manual, offline; the state of a report holds until the next, at most
 * `maxGapMs`, after which the time is `unknown`), alerts raised, charge sessions (entries into
 * `charging`) and battery cycles (equivalent full cycles = sum of battery increases).
 * Pure: fed records in time order by the reader (analyseWindow.ts).
 */
import type { AlertRecord, EntityStateName, StateRecord } from '../../common/records.js';
import type { KpiStateTimes, RobotKpi, KindKpi } from '../../common/replay.js';
export type { KpiStateTimes, RobotKpi, KindKpi };




const zeroTimes = (): KpiStateTimes => ({ idle: 0, moving: 0, charging: 0, error: 0, manual: 0, offline: 0, unknown: 0 });

interface Track {
  kpi: RobotKpi;
  last: StateRecord;
}

export class RobotKpis {
  private readonly tracks = new Map<string, Track>();
  private readonly alertsByEntity = new Map<string, number>();

  constructor(private readonly window: { from: number; to: number }, private readonly maxGapMs = 60_000) {}

  addState(r: StateRecord): void {
    if (r.kind === 'person') return;
    const tr = this.tracks.get(r.id);
    if (!tr) {
      this.tracks.set(r.id, {
        kpi: { id: r.id, kind: r.kind, ...(r.type ? { type: r.type } : {}), distanceM: 0, seconds: zeroTimes(), alerts: 0, chargeSessions: r.state === 'charging' ? 1 : 0, batteryCycles: 0, ...(r.battery !== undefined ? { batteryStart: r.battery, batteryEnd: r.battery } : {}) },
        last: r,
      });
      return;
    }
    const { kpi, last } = tr;
    this.creditTime(kpi, last, r.t);
    const dt = r.t - last.t;
    if (dt <= this.maxGapMs && last.floor === r.floor && last.x !== undefined && r.x !== undefined && last.y !== undefined && r.y !== undefined) {
      kpi.distanceM += Math.hypot(r.x - last.x, r.y - last.y);
    }
    if (r.state === 'charging' && last.state !== 'charging') kpi.chargeSessions++;
    if (r.battery !== undefined) {
      if (last.battery !== undefined && r.battery > last.battery) kpi.batteryCycles += r.battery - last.battery;
      kpi.batteryStart ??= r.battery;
      kpi.batteryEnd = r.battery;
    }
    tr.last = r;
  }

  addAlert(a: AlertRecord): void {
    if (a.active && !a.acknowledged) this.alertsByEntity.set(a.entity, (this.alertsByEntity.get(a.entity) ?? 0) + 1);
  }

  result(): { robots: RobotKpi[]; kinds: KindKpi[] } {
    const robots: RobotKpi[] = [];
    for (const { kpi, last } of this.tracks.values()) {
      const k = structuredClone(kpi);
      this.creditTime(k, last, this.window.to);
      k.alerts = this.alertsByEntity.get(k.id) ?? 0;
      k.distanceM = round(k.distanceM, 2);
      k.batteryCycles = round(k.batteryCycles, 3);
      for (const s of Object.keys(k.seconds) as (keyof KpiStateTimes)[]) k.seconds[s] = round(k.seconds[s], 1);
      robots.push(k);
    }
    robots.sort((a, b) => a.id.localeCompare(b.id));
    const kinds = new Map<string, KindKpi>();
    for (const r of robots) {
      let k = kinds.get(r.kind);
      if (!k) kinds.set(r.kind, (k = { kind: r.kind, units: 0, distanceM: 0, seconds: zeroTimes(), alerts: 0, chargeSessions: 0, batteryCycles: 0 }));
      k.units++;
      k.distanceM = round(k.distanceM + r.distanceM, 2);
      for (const s of Object.keys(k.seconds) as (keyof KpiStateTimes)[]) k.seconds[s] = round(k.seconds[s] + r.seconds[s], 1);
      k.alerts += r.alerts;
      k.chargeSessions += r.chargeSessions;
      k.batteryCycles = round(k.batteryCycles + r.batteryCycles, 3);
    }
    return { robots, kinds: [...kinds.values()] };
  }

  private creditTime(kpi: RobotKpi, last: StateRecord, until: number): void {
    const from = Math.max(last.t, this.window.from);
    const to = Math.min(until, this.window.to);
    if (to <= from) return;
    const held = Math.min(to, last.t + this.maxGapMs) - from;
    const state = last.state ?? 'unknown';
    if (held > 0) kpi.seconds[state] += held / 1000;
    if (to - from > Math.max(0, held)) kpi.seconds.unknown += (to - from - Math.max(0, held)) / 1000;
  }
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
