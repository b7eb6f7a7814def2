/**
 * The people feature's state, DOM-free: telemetry frames in, people-flow aggregates out.
 *
 * Positions (already pseudonymised by main) from each frame feed a `PeopleFlow` built on the
 * current building geometry — the loaded IFC's spaces and doors, or the testbed layout when the
 * source is the built-in testbed — plus any user-drawn zones and lines. Count records in frames
 * (people counters, the testbed's per-space counts) are kept as they come, so the Occupancy panel
 * has figures even without geometry. Ids are never exposed: only aggregates leave this object.
 */
import type { CountRecord } from '../../../common/records.js';
import type { Georeference } from '../../../common/buildingStructure.js';
import { wgs84ToBuilding } from '../../../common/georeference.js';
import { decodeTelemetryFrame, frameString, ROW_GEO, type TelemetryFrameView } from '../../../common/telemetryFrame.js';
import type { WalkableMap } from '../../../workers/positioning/WalkableGrid.js';
import type { FlowGeometry, FlowLine, FlowZone } from '../../../workers/peopleflow/FlowGeometry.js';
import { PeopleFlow, type DensityGrid, type DwellStats, type FlowSeries, type LineFlow, type OccupancySeries, type ZoneOccupancy } from '../../../workers/peopleflow/PeopleFlow.js';

export interface PeopleGeometry {
  /** What the geometry came from, shown in the panel ("testbed layout", "model.ifc"). */
  label: string;
  flow: FlowGeometry;
  walkable?: WalkableMap[];
  /** Floor names bottom-up. */
  floors: string[];
}

export interface PeopleSnapshot {
  geometryLabel: string | null;
  floors: string[];
  present: number;
  occupancy: ZoneOccupancy[];
  flows: LineFlow[];
  /** Sum over spaces, per minute over the last hour (the chart). */
  total: { t: Float64Array; count: Uint16Array } | null;
  /** Count records received from the source, latest per zone. */
  sourceCounts: CountRecord[];
  time: number;
}

export class PeopleModel {
  private flow: PeopleFlow | null = null;
  private geometry: PeopleGeometry | null = null;
  private readonly userZones: FlowZone[] = [];
  private readonly userLines: FlowLine[] = [];
  private readonly counts = new Map<string, CountRecord>();
  private time = Number.NaN;
  private georeference: Georeference | null = null;

  setGeometry(geometry: PeopleGeometry | null): void {
    this.geometry = geometry;
    this.rebuild();
  }

  /** WGS84 positions (ROW_GEO) are placed with this; without one they are skipped. */
  setGeoreference(geo: Georeference | null): void {
    this.georeference = geo;
  }

  geometryLabel(): string | null {
    return this.geometry?.label ?? null;
  }

  /** A user-drawn zone or line; the aggregates restart (history is per geometry). */
  addUserZone(zone: Omit<FlowZone, 'kind'>): void {
    this.userZones.push({ ...zone, kind: 'user' });
    this.rebuild();
  }

  addUserLine(line: Omit<FlowLine, 'kind'>): void {
    this.userLines.push({ ...line, kind: 'user' });
    this.rebuild();
  }

  /** Replaces every user-drawn zone and line (a model's saved set); the aggregates restart. */
  setUserShapes(zones: readonly Omit<FlowZone, 'kind'>[], lines: readonly Omit<FlowLine, 'kind'>[]): void {
    this.userZones.splice(0, this.userZones.length, ...zones.map((z) => ({ ...z, kind: 'user' as const })));
    this.userLines.splice(0, this.userLines.length, ...lines.map((l) => ({ ...l, kind: 'user' as const })));
    this.rebuild();
  }

  /** Removes a user-drawn zone or line by id; false when there is none. The aggregates restart. */
  removeUserShape(id: string): boolean {
    const z = this.userZones.findIndex((x) => x.id === id);
    if (z >= 0) this.userZones.splice(z, 1);
    const l = this.userLines.findIndex((x) => x.id === id);
    if (l >= 0) this.userLines.splice(l, 1);
    if (z < 0 && l < 0) return false;
    this.rebuild();
    return true;
  }

  /** Renames a user-drawn zone or line (figures are kept: ids do not change). */
  renameUserShape(id: string, name: string): boolean {
    const shape = this.userZones.find((x) => x.id === id) ?? this.userLines.find((x) => x.id === id);
    if (!shape) return false;
    // PeopleFlow holds the same zone/line objects (it copies the arrays, not the shapes), so the
    // new name shows in its figures without a rebuild that would restart them.
    shape.name = name;
    return true;
  }

  /** Crossings per minute and direction of a line (the last entry: the open minute); null without geometry. */
  lineSeries(lineId: string): FlowSeries | null {
    if (!this.flow) return null;
    try {
      return this.flow.flowSeries(lineId);
    } catch {
      return null;
    }
  }

  /** The user-drawn zones and lines (for drawing them on the plan). */
  userGeometry(): FlowGeometry {
    return { zones: this.userZones, lines: this.userLines };
  }

  /** Feeds one binary telemetry frame (the API's 'telemetry' channel). */
  ingestFrameBuffer(buf: ArrayBuffer, offset: number): void {
    this.ingestFrame(decodeTelemetryFrame(buf, offset));
  }

  ingestFrame(view: TelemetryFrameView): void {
    const p = view.positions;
    // A full frame from before what is shown is a seek back (replay, review) or an earlier clock (another source's
    // frames arrived first): the aggregates start again from it. They kept the later time, so the panel's clock did not
    // follow a seek and a replay opened after live data read the live time.
    if (view.full && Number.isFinite(view.time) && view.time < this.time) this.reset();
    if (Number.isFinite(view.time) && !(view.time < this.time)) this.time = view.time;
    if (this.flow) {
      for (let i = 0; i < p.count; i++) {
        const geo = (p.flags[i]! & ROW_GEO) !== 0;
        if (geo && !this.georeference) continue; // WGS84 without a georeference cannot be placed
        const floor = frameString(view, p.floor[i]!);
        const id = frameString(view, p.id[i]!);
        let x = p.x[i]!;
        let y = p.y[i]!;
        if (geo) [x, y] = wgs84ToBuilding(this.georeference!, p.lat[i]!, p.lon[i]!);
        if (floor === undefined || id === undefined || !Number.isFinite(x) || !Number.isFinite(y)) continue;
        this.flow.observe(id, p.t[i]!, floor, x, y);
      }
      if (Number.isFinite(this.time)) this.flow.advance(this.time);
    }
    const c = view.counts;
    for (let i = 0; i < c.count; i++) {
      const zone = frameString(view, c.zone[i]!);
      if (zone === undefined) continue;
      const prev = this.counts.get(zone);
      if (!prev || prev.t <= c.t[i]!) this.counts.set(zone, { zone, t: c.t[i]!, count: c.value[i]! });
    }
  }

  density(floor: string, average = false): DensityGrid | null {
    if (!this.flow) return null;
    return average ? this.flow.averageDensity(floor) : this.flow.density(floor);
  }

  occupancySeries(zoneId: string): OccupancySeries | null {
    return this.flow ? this.flow.occupancySeries(zoneId) : null;
  }

  /** Completed visits of a zone (entered and left): count and median / p90 stay, seconds. */
  dwell(zoneId: string): DwellStats | null {
    return this.flow ? this.flow.dwell(zoneId) : null;
  }

  snapshot(): PeopleSnapshot {
    const occupancy = this.flow?.occupancy() ?? [];
    let total: PeopleSnapshot['total'] = null;
    if (this.flow) {
      for (const z of occupancy) {
        if (z.kind !== 'space') continue;
        const s = this.flow.occupancySeries(z.id);
        if (!total) total = { t: s.t, count: new Uint16Array(s.count.length) };
        for (let k = 0; k < s.count.length; k++) total.count[k] = total.count[k]! + s.count[k]!;
      }
    }
    return {
      geometryLabel: this.geometry?.label ?? null,
      floors: this.geometry?.floors ?? [],
      present: this.flow?.present() ?? 0,
      occupancy,
      flows: this.flow?.flows() ?? [],
      total,
      sourceCounts: [...this.counts.values()].sort((a, b) => a.zone.localeCompare(b.zone)),
      time: this.time,
    };
  }

  /** Current occupancy per zone as Count records (for a k-anonymous export). */
  countRecords(): CountRecord[] {
    if (this.flow) return this.flow.countRecords(Number.isFinite(this.time) ? this.time : Date.now());
    return [...this.counts.values()];
  }

  /** Forget the aggregates (e.g. a replay seek back). */
  reset(): void {
    this.flow?.reset();
    this.counts.clear();
    this.time = Number.NaN;
  }

  private rebuild(): void {
    const g = this.geometry;
    this.flow = g
      ? new PeopleFlow({ geometry: { zones: [...g.flow.zones, ...this.userZones], lines: [...g.flow.lines, ...this.userLines] }, walkable: g.walkable })
      : null;
  }
}
