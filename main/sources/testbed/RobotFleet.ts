/**
 * The testbed's indoor robots: seven kinds with their own speeds, batteries, zones and tasks,
 * moving on the walkable graph of their home storey, and the faults an operator must see.
 *
 * Behaviour per robot is a string-union state machine (`RobotMode`); `step` applies, in this
 * order: fault arrivals, the mode's own progress (move / dwell / charge / recover), battery
 * drain and the go-to-charger rule. Reports (State records, ~1 Hz per robot) are produced by
 * `report` and suppressed while a robot is silent (`offline`).
 *
 * Faults (mean one per robot every `FAULT_MEAN_INTERVAL_S` simulated seconds):
 *  - error      state "error" with a kind-specific `error` text, stopped 1–6 min, sometimes
 *               followed by "manual" (an operator jogs it free)
 *  - stall      state "moving" but speed 0 and no displacement for 40–180 s (blocked)
 *  - silent     no records at all for 30–300 s (network loss)
 *  - zone       the next task leads outside the robot's zone (e.g. into a stair core)
 *  - battery    misses its charging threshold and runs down to 8 %, then goes to charge;
 *               at 3 % it stops with error "battery critical"
 */
import type { StateRecord, TelemetryRecord } from '../../../common/records.js';
import type { SeededRandom } from './SeededRandom.js';
import type { WalkGraph, WalkSpace } from '../../../workers/testbed/WalkGraph.js';

export const ROBOT_KINDS = ['delivery', 'cleaning', 'security', 'guide', 'telepresence', 'wheelchair', 'cart'] as const;
export type RobotKind = (typeof ROBOT_KINDS)[number];

export type RobotMode = 'idle' | 'moving' | 'charging' | 'error' | 'manual' | 'stalled' | 'offline';

interface KindSpec {
  share: number;
  /** Cruise speed, m/s. */
  vmax: number;
  /** Hours of continuous driving on a full battery. */
  hours: number;
  errors: readonly string[];
}

const KIND: Record<RobotKind, KindSpec> = {
  delivery: { share: 0.24, vmax: 1.0, hours: 5, errors: ['lidar obstructed', 'compartment lock fault', 'localization lost'] },
  cleaning: { share: 0.18, vmax: 0.6, hours: 3.5, errors: ['brush motor overcurrent', 'water tank empty', 'cliff sensor triggered'] },
  security: { share: 0.1, vmax: 1.1, hours: 6, errors: ['camera offline', 'localization lost', 'bumper pressed'] },
  guide: { share: 0.1, vmax: 0.8, hours: 6, errors: ['touchscreen unresponsive', 'bumper pressed'] },
  telepresence: { share: 0.1, vmax: 0.7, hours: 4, errors: ['video uplink lost', 'drive motor fault'] },
  wheelchair: { share: 0.1, vmax: 1.0, hours: 5, errors: ['seat sensor fault', 'obstacle too close — emergency stop'] },
  cart: { share: 0.18, vmax: 0.9, hours: 4, errors: ['payload overweight', 'drive motor overcurrent', 'localization lost'] },
};

/** Mean simulated seconds between faults of one robot. */
export const FAULT_MEAN_INTERVAL_S = 3 * 3600;
/** Battery level below which a healthy robot heads for a charger. */
export const CHARGE_BELOW = 0.22;
/** Charging goes 0 → 1 in this many seconds. */
const FULL_CHARGE_S = 1.5 * 3600;
const MAX_WP = 48;

interface Leg {
  space: number;
  x: number;
  y: number;
  /** Dwell after arrival, s (charging legs: until charged). */
  dwell: number;
  task: string;
  charge: boolean;
  speedFactor: number;
}

export interface RobotZone {
  id: string;
  floor: string;
  /** Human name, e.g. "2F west wing". */
  zone: string;
  /** Space ids the robot may enter. */
  spaces: string[];
}

export class RobotFleet {
  readonly count: number;
  readonly ids: string[];
  readonly kinds: RobotKind[];
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly storey: Int32Array;
  readonly heading: Float64Array;
  readonly speed: Float64Array;
  readonly battery: Float64Array;
  readonly modes: RobotMode[];
  readonly tasks: (string | null)[];
  readonly errors: (string | null)[];
  /** True while the robot is outside its zone because of a zone fault (ground truth for alert tests). */
  readonly outOfZone: Uint8Array;
  private readonly home: Int32Array;
  private readonly allowed: Uint8Array[];
  private readonly zoneNames: string[];
  private readonly modeUntil: Float64Array;
  private readonly nextFault: Float64Array;
  private readonly nextReport: Float64Array;
  private readonly ignoreLowBattery: Uint8Array;
  private readonly legs: Leg[][];
  private readonly wpX: Float64Array;
  private readonly wpY: Float64Array;
  private readonly wpLen: Int32Array;
  private readonly wpIdx: Int32Array;
  private readonly speedFactor: Float64Array;
  private readonly chargers: [number, number, number][][];
  private readonly route = { x: new Float64Array(MAX_WP), y: new Float64Array(MAX_WP), storey: new Int32Array(MAX_WP) };

  constructor(
    private readonly graph: WalkGraph,
    private readonly storeyNames: readonly string[],
    count: number,
    private readonly rand: SeededRandom,
  ) {
    this.count = count;
    this.kinds = allocateKinds(count);
    this.ids = this.kinds.map((_, i) => `robot-${String(i + 1).padStart(2, '0')}`);
    const n = count;
    this.x = new Float64Array(n); this.y = new Float64Array(n); this.storey = new Int32Array(n);
    this.heading = new Float64Array(n); this.speed = new Float64Array(n); this.battery = new Float64Array(n);
    this.modes = new Array<RobotMode>(n).fill('idle');
    this.tasks = new Array<string | null>(n).fill(null);
    this.errors = new Array<string | null>(n).fill(null);
    this.outOfZone = new Uint8Array(n);
    this.home = new Int32Array(n);
    this.modeUntil = new Float64Array(n); this.nextFault = new Float64Array(n); this.nextReport = new Float64Array(n);
    this.ignoreLowBattery = new Uint8Array(n);
    this.legs = Array.from({ length: n }, () => []);
    this.wpX = new Float64Array(n * MAX_WP); this.wpY = new Float64Array(n * MAX_WP);
    this.wpLen = new Int32Array(n); this.wpIdx = new Int32Array(n); this.speedFactor = new Float64Array(n).fill(1);
    this.chargers = storeyNames.map((_, s) => chargersOn(graph, s));
    this.allowed = []; this.zoneNames = [];
    const storeys = storeyNames.length;
    const buildingMidX = graph.spaces.reduce((a, s) => a + s.centroid[0], 0) / Math.max(1, graph.spaces.length);
    for (let i = 0; i < n; i++) {
      const kind = this.kinds[i]!;
      const home = kind === 'guide' || kind === 'wheelchair' ? 0 : i % storeys;
      this.home[i] = home;
      const west = i % 2 === 0;
      const allowed = new Uint8Array(graph.spaces.length);
      for (const sp of graph.spaces) {
        if (sp.storey !== home || sp.usage === 'stair') continue;
        const pub = sp.usage === 'corridor' || sp.usage === 'atrium' || sp.usage === 'hall' || sp.usage === 'lobby';
        let ok = true;
        if (kind === 'cleaning') ok = pub || (sp.centroid[0] < buildingMidX) === west;
        if (kind === 'telepresence') ok = sp.usage === 'office' || sp.usage === 'lab' || sp.usage === 'corridor' || sp.usage === 'atrium';
        if (ok) allowed[sp.index] = 1;
      }
      // The storey's chargers (halls and lobbies) are part of every zone: a robot sent to charge is not astray.
      for (const [space] of this.chargers[home] ?? []) allowed[space] = 1;
      this.allowed.push(allowed);
      const floor = storeyNames[home]!;
      this.zoneNames.push(kind === 'cleaning' ? `${floor} ${west ? 'west' : 'east'} wing` : kind === 'telepresence' ? `${floor} offices and labs` : `${floor} (no stair cores)`);
      const start = this.pickSpace(i, (sp) => sp.usage === 'hall' || sp.usage === 'lobby' || sp.usage === 'corridor');
      const [x, y] = graph.randomPointIn(start, () => rand.next());
      this.x[i] = x; this.y[i] = y; this.storey[i] = home;
      this.heading[i] = rand.int(36) * 10;
      this.battery[i] = rand.range(0.35, 1);
      this.modeUntil[i] = rand.range(0, 30);
      this.nextFault[i] = rand.exponential(FAULT_MEAN_INTERVAL_S);
      this.nextReport[i] = rand.range(0, 1);
    }
  }

  /** Zone of every robot: the area it is allowed in (for the alert engine's "left its zone"). */
  zones(): RobotZone[] {
    return this.ids.map((id, i) => ({
      id, floor: this.storeyNames[this.home[i]!]!, zone: this.zoneNames[i]!,
      spaces: this.graph.spaces.filter((s) => this.allowed[i]![s.index]).map((s) => s.id),
    }));
  }

  /** Advances all robots by dt seconds; `now` = simulated seconds since start at the end of the step. */
  step(now: number, dt: number): void {
    for (let i = 0; i < this.count; i++) {
      const mode = this.modes[i]!;
      if (now >= this.nextFault[i]! && (mode === 'idle' || mode === 'moving')) {
        this.nextFault[i] = now + this.rand.exponential(FAULT_MEAN_INTERVAL_S);
        this.fault(i, now);
      }
      this.progress(i, now, dt);
      this.batteryRules(i, now, dt);
    }
  }

  /** State records of robots whose ~1 Hz report is due at or before `now` (s since start). */
  report(now: number, startMs: number, out: TelemetryRecord[]): void {
    for (let i = 0; i < this.count; i++) {
      if (now < this.nextReport[i]!) continue;
      const due = this.nextReport[i]!;
      this.nextReport[i] = due + this.rand.range(0.95, 1.05);
      const mode = this.modes[i]!;
      if (mode === 'offline') continue;
      const record: StateRecord = {
        id: this.ids[i]!, kind: 'robot', type: this.kinds[i]!, t: Math.round(startMs + now * 1000),
        floor: this.storeyNames[this.storey[i]!]!, x: round(this.x[i]!, 2), y: round(this.y[i]!, 2),
        heading: round(this.heading[i]!, 1), speed: round(this.speed[i]!, 2), battery: round(this.battery[i]!, 3),
        state: mode === 'stalled' ? 'moving' : mode, task: this.tasks[i]!, error: this.errors[i]!, zone: this.zoneNames[i]!,
      };
      out.push({ kind: 'state', record });
    }
  }

  private progress(i: number, now: number, dt: number): void {
    const mode = this.modes[i]!;
    switch (mode) {
      case 'idle':
        this.speed[i] = 0;
        if (now >= this.modeUntil[i]!) this.startNextLeg(i, now);
        return;
      case 'moving': {
        const v = KIND[this.kinds[i]!].vmax * this.speedFactor[i]! * this.rand.range(0.92, 1);
        this.speed[i] = v;
        this.move(i, v * dt, now);
        return;
      }
      case 'charging':
        this.speed[i] = 0;
        this.battery[i] = Math.min(1, this.battery[i]! + dt / FULL_CHARGE_S);
        if (this.battery[i]! >= this.modeUntil[i]!) {
          this.modes[i] = 'idle';
          this.modeUntil[i] = now;
          this.tasks[i] = null;
        }
        return;
      case 'error':
        this.speed[i] = 0;
        if (now >= this.modeUntil[i]!) {
          if (this.battery[i]! <= 0.03) return; // stays down until someone brings it a charger
          if (this.rand.chance(0.4)) {
            this.modes[i] = 'manual';
            this.modeUntil[i] = now + this.rand.range(45, 150);
            this.tasks[i] = 'operator intervention';
          } else this.resume(i, now);
          this.errors[i] = null;
        }
        return;
      case 'manual':
      case 'stalled':
      case 'offline':
        this.speed[i] = 0;
        if (now >= this.modeUntil[i]!) this.resume(i, now);
        return;
      default: {
        const never: never = mode;
        throw new Error(`RobotFleet: unknown mode ${String(never)}`);
      }
    }
  }

  private resume(i: number, now: number): void {
    this.errors[i] = null;
    if (this.wpIdx[i]! < this.wpLen[i]!) this.modes[i] = 'moving';
    else { this.modes[i] = 'idle'; this.modeUntil[i] = now; }
  }

  private batteryRules(i: number, now: number, dt: number): void {
    const mode = this.modes[i]!;
    if (mode === 'charging') return;
    const spec = KIND[this.kinds[i]!];
    const drain = (mode === 'moving' ? 1 : 0.25) / (spec.hours * 3600);
    this.battery[i] = Math.max(0, this.battery[i]! - drain * dt);
    const b = this.battery[i]!;
    if (b <= 0.03 && mode !== 'error') {
      this.modes[i] = 'error';
      this.errors[i] = 'battery critical — stopped';
      this.modeUntil[i] = now + 600;
      this.speed[i] = 0;
      return;
    }
    const heading = this.legs[i]![0]?.charge === true || (this.tasks[i]?.startsWith('charge') ?? false);
    const threshold = this.ignoreLowBattery[i] ? 0.08 : CHARGE_BELOW;
    if (b < threshold && !heading && (mode === 'idle' || mode === 'moving')) {
      this.ignoreLowBattery[i] = 0;
      this.legs[i] = [this.chargerLeg(i)];
      this.startNextLeg(i, now);
    }
  }

  private fault(i: number, now: number): void {
    const r = this.rand.next();
    const kind = this.kinds[i]!;
    if (r < 0.4) {
      this.modes[i] = 'error';
      this.errors[i] = this.rand.pick(KIND[kind].errors);
      this.modeUntil[i] = now + this.rand.range(60, 360);
      this.speed[i] = 0;
    } else if (r < 0.65) {
      if (this.modes[i] !== 'moving') { this.modes[i] = 'error'; this.errors[i] = 'drive stalled'; this.modeUntil[i] = now + 60; return; }
      this.modes[i] = 'stalled';
      this.modeUntil[i] = now + this.rand.range(40, 180);
    } else if (r < 0.8) {
      this.modes[i] = 'offline';
      this.modeUntil[i] = now + this.rand.range(30, 300);
    } else if (r < 0.9) {
      const outside = this.pickSpace(i, (sp) => sp.storey === this.home[i] && !this.allowed[i]![sp.index], true);
      if (outside < 0) return;
      const [x, y] = this.graph.randomPointIn(outside, () => this.rand.next());
      this.legs[i] = [{ space: outside, x, y, dwell: this.rand.range(30, 120), task: this.tasks[i] ?? 'returning to base', charge: false, speedFactor: 1 }];
      if (this.modes[i] === 'idle') this.modeUntil[i] = now;
      else this.startNextLeg(i, now);
    } else {
      this.ignoreLowBattery[i] = 1;
    }
  }

  /** Moves along the current route by `dist` metres; on arrival dwells, charges or plans on. */
  private move(i: number, dist: number, now: number): void {
    const base = i * MAX_WP;
    while (dist > 0 && this.wpIdx[i]! < this.wpLen[i]!) {
      const k = this.wpIdx[i]!;
      const dx = this.wpX[base + k]! - this.x[i]!, dy = this.wpY[base + k]! - this.y[i]!;
      const d = Math.hypot(dx, dy);
      if (d > 1e-6) this.heading[i] = (Math.atan2(dx, dy) * 180 / Math.PI + 360) % 360;
      if (d <= dist) {
        this.x[i] = this.wpX[base + k]!; this.y[i] = this.wpY[base + k]!;
        dist -= d;
        this.wpIdx[i] = k + 1;
      } else {
        this.x[i] = this.x[i]! + (dx / d) * dist; this.y[i] = this.y[i]! + (dy / d) * dist;
        dist = 0;
      }
    }
    const sp = this.graph.spaceAt(this.storey[i]!, this.x[i]!, this.y[i]!);
    this.outOfZone[i] = sp >= 0 && !this.allowed[i]![sp] ? 1 : 0;
    if (this.wpIdx[i]! < this.wpLen[i]!) return;
    const leg = this.legs[i]!.shift();
    this.speed[i] = 0;
    if (leg?.charge) {
      this.modes[i] = 'charging';
      this.modeUntil[i] = this.rand.range(0.9, 1);
      this.tasks[i] = leg.task;
      return;
    }
    this.modes[i] = 'idle';
    this.modeUntil[i] = now + (leg?.dwell ?? 5);
  }

  /** Routes to the next leg (planning a new task when none is queued). */
  private startNextLeg(i: number, now: number): void {
    if (this.legs[i]!.length === 0) this.planTask(i);
    const leg = this.legs[i]![0];
    if (!leg) { this.modes[i] = 'idle'; this.modeUntil[i] = now + 30; return; }
    const from = this.graph.spaceAt(this.storey[i]!, this.x[i]!, this.y[i]!);
    // Within the zone, unless the leg itself leads out of it (a zone fault): the shortest route cut through rooms the
    // robot may not enter (office-a: 49 of 50 "outside its allowed zone" alerts in 10 min were robots on their way).
    const allowed = this.allowed[i]!;
    const n = from < 0 ? 0 : allowed[leg.space] === 1
      ? this.graph.routeWithin(from, this.x[i]!, this.y[i]!, leg.space, leg.x, leg.y, allowed, this.route)
      : this.graph.route(from, this.x[i]!, this.y[i]!, leg.space, leg.x, leg.y, this.route);
    if (n === 0) { this.legs[i]!.shift(); this.modes[i] = 'idle'; this.modeUntil[i] = now + 10; return; }
    this.wpX.set(this.route.x.subarray(0, n), i * MAX_WP);
    this.wpY.set(this.route.y.subarray(0, n), i * MAX_WP);
    this.wpLen[i] = n; this.wpIdx[i] = 0;
    this.speedFactor[i] = leg.speedFactor;
    this.tasks[i] = leg.task;
    this.modes[i] = 'moving';
  }

  private planTask(i: number): void {
    const kind = this.kinds[i]!;
    const rooms = (sp: WalkSpace) => sp.usage === 'office' || sp.usage === 'lab';
    const pub = (sp: WalkSpace) => sp.usage === 'hall' || sp.usage === 'lobby' || sp.usage === 'atrium';
    const leg = (space: number, dwell: number, task: (id: string) => string, speedFactor = 1, charge = false): Leg => {
      const [x, y] = this.graph.randomPointIn(space, () => this.rand.next(), 0.6);
      return { space, x, y, dwell, task: task(this.graph.spaces[space]!.id), charge, speedFactor };
    };
    const L = this.legs[i]!;
    switch (kind) {
      case 'delivery': {
        const to = this.pickSpace(i, rooms);
        L.push(leg(to, this.rand.range(20, 60), (id) => `deliver ${id}`));
        if (this.rand.chance(0.3)) L.push(leg(this.pickSpace(i, pub), this.rand.range(60, 240), (id) => `return to base ${id}`));
        return;
      }
      case 'cleaning': {
        const area = this.pickSpace(i, () => true);
        const passes = 3 + this.rand.int(5);
        for (let k = 0; k < passes; k++) L.push(leg(area, 2, (id) => `clean ${id}`, 0.7));
        return;
      }
      case 'security': {
        const round = this.graph.spaces.filter((sp) => this.allowed[i]![sp.index] && (pub(sp) || sp.usage === 'corridor'));
        for (const sp of round) L.push(leg(sp.index, this.rand.range(5, 20), () => `patrol ${this.storeyNames[this.home[i]!]} round`));
        return;
      }
      case 'guide':
      case 'wheelchair': {
        const to = this.pickSpace(i, rooms);
        const verb = kind === 'guide' ? 'guide visitors to' : 'ride to';
        L.push(leg(to, this.rand.range(20, 90), (id) => `${verb} ${id}`));
        L.push(leg(this.pickSpace(i, pub), this.rand.range(60, 300), (id) => `return to ${id}`));
        return;
      }
      case 'telepresence':
        L.push(leg(this.pickSpace(i, rooms), this.rand.range(300, 1200), (id) => `call in ${id}`));
        return;
      case 'cart': {
        const from = this.pickSpace(i, (sp) => sp.usage === 'lab');
        const to = this.pickSpace(i, rooms);
        const fromId = this.graph.spaces[from]!.id;
        L.push(leg(from, this.rand.range(30, 90), (id) => `load at ${id}`));
        L.push(leg(to, this.rand.range(30, 90), (id) => `transport ${fromId} → ${id}`, 0.8));
        return;
      }
      default: {
        const never: never = kind;
        throw new Error(`RobotFleet: unknown kind ${String(never)}`);
      }
    }
  }

  private chargerLeg(i: number): Leg {
    const list = this.chargers[this.home[i]!] ?? [];
    let best: [number, number, number] | undefined;
    let bestD = Infinity;
    for (const c of list) {
      const d = Math.hypot(c[1] - this.x[i]!, c[2] - this.y[i]!);
      if (d < bestD) { bestD = d; best = c; }
    }
    const [space, x, y] = best ?? [this.pickSpace(i, () => true), this.x[i]!, this.y[i]!];
    return { space, x, y, dwell: 0, task: `charge at ${this.graph.spaces[space]!.id}`, charge: true, speedFactor: 1 };
  }

  /** A random allowed space on the robot's storey matching `filter` (or outside its zone with `outside`); -1 if none. */
  private pickSpace(i: number, filter: (sp: WalkSpace) => boolean, outside = false): number {
    const home = this.home[i]!;
    const list = (this.graph.spacesByStorey[home] ?? []).filter((s) => {
      const sp = this.graph.spaces[s]!;
      const ok = this.allowed[i]?.[s] ?? sp.usage !== 'stair';
      return (outside ? true : ok) && filter(sp);
    });
    if (list.length) return this.rand.pick(list);
    if (outside) return -1;
    const any = (this.graph.spacesByStorey[home] ?? []).filter((s) => this.allowed[i]?.[s] ?? true);
    return any.length ? this.rand.pick(any) : (this.graph.spacesByStorey[home]?.[0] ?? 0);
  }
}

/** Charger points per storey: [space, x, y], one near the outer wall of every hall/lobby. */
function chargersOn(graph: WalkGraph, storey: number): [number, number, number][] {
  const spaces = (graph.spacesByStorey[storey] ?? []).map((s) => graph.spaces[s]!);
  const midX = spaces.reduce((a, s) => a + s.centroid[0], 0) / Math.max(1, spaces.length);
  const out: [number, number, number][] = [];
  for (const sp of spaces) {
    if (sp.usage !== 'hall' && sp.usage !== 'lobby') continue;
    const [minX, , maxX, maxY] = sp.bounds;
    out.push([sp.index, sp.centroid[0] < midX ? minX + 1.2 : maxX - 1.2, maxY - 1.2]);
  }
  if (!out.length && spaces[0]) out.push([spaces[0].index, spaces[0].centroid[0], spaces[0].centroid[1]]);
  return out;
}

/** Kinds by share (largest remainder), interleaved so every storey gets a mix. */
function allocateKinds(count: number): RobotKind[] {
  const shares = ROBOT_KINDS.map((k) => KIND[k].share * count);
  const n = shares.map(Math.floor);
  let missing = count - n.reduce((a, b) => a + b, 0);
  const order = shares.map((s, i) => [s - Math.floor(s), i] as const).sort((a, b) => b[0] - a[0]);
  for (let k = 0; missing > 0; k = (k + 1) % order.length, missing--) n[order[k]![1]]!++;
  const out: RobotKind[] = [];
  for (let round = 0; out.length < count; round++) {
    ROBOT_KINDS.forEach((kind, k) => { if (round < n[k]!) out.push(kind); });
  }
  return out;
}

const round = (v: number, digits: number) => { const f = 10 ** digits; return Math.round(v * f) / f; };
