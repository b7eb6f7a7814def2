/**
 * Writes the testbed building (common/testbedLayout.ts) as IFC4 STEP text (ISO 10303-21), streaming:
 * each entity is appended to a chunk that is handed to `write` every ~1 MB, so a 50+ MB building
 * (`twin samples --storeys 40 --rooms 300`, ≈ 53 MB) is generated in a few seconds with flat memory.
 *
 * What it writes, all in metres (IfcSIUnit METRE), building frame = IFC world frame (x east, y north, z up):
 * IfcProject → IfcSite (RefLatitude/RefLongitude, IfcMapConversion to EPSG:6677) → IfcBuilding →
 * IfcBuildingStorey per storey (Elevation). Per storey: IfcSpace per layout space (extruded footprint,
 * Name = space id, LongName = human name, aggregated to the storey), IfcWall per wall bay (layout
 * walls split where other walls meet them; extruded rectangle), one IfcSlab, IfcDoor per door (OverallWidth = clear width) filling an IfcOpeningElement
 * that voids its host wall. IfcStair per flight of the layout, aggregating one IfcStairFlight with a
 * stepped extruded profile, contained in the lower storey. The bus road loop and bus stops are
 * IfcBuildingElementProxy elements contained in the IfcSite. Output is deterministic for given options.
 */
import type { TestbedDoor, TestbedLayout, TestbedWall } from '../../common/testbedLayout.js';
import { EPSG_6677, gridDirection, toJapanPlaneIX } from './japanPlaneRectangular.js';

/** Door leaf and opening heights, m. */
const DOOR_HEIGHT = 2.1;
const SLAB_THICKNESS = 0.2;
/** Height of IfcSpace volumes above their storey floor, m (storey height minus the slab above). */
const spaceHeight = (storeyHeight: number) => storeyHeight - SLAB_THICKNESS;
const ROAD_HALF_WIDTH = 3.5;

const GUID_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$';

/** STEP real: always with a decimal point, at most 6 decimals (µm is far below modelling precision). */
function real(n: number): string {
  const r = Math.round(n * 1e6) / 1e6;
  if (Object.is(r, -0) || r === 0) return '0.';
  const s = String(r);
  if (s.includes('e')) return r.toExponential().replace('e', 'E').replace(/^(-?\d+)E/, '$1.E');
  return s.includes('.') ? s : `${s}.`;
}

/** STEP string literal (ASCII names only; quotes doubled). */
const str = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/** Decimal degrees → IfcCompoundPlaneAngleMeasure (degrees, minutes, seconds, millionths of a second), sign on every part. */
function compoundAngle(deg: number): string {
  const sign = deg < 0 ? -1 : 1;
  let micro = Math.round(Math.abs(deg) * 3600 * 1e6);
  const d = Math.floor(micro / 3600e6);
  micro -= d * 3600e6;
  const m = Math.floor(micro / 60e6);
  micro -= m * 60e6;
  const s = Math.floor(micro / 1e6);
  micro -= s * 1e6;
  return `(${[d, m, s, micro].map((v) => sign * v).join(',')})`;
}

/** Appends numbered entities and flushes ~1 MB chunks to the sink. */
class StepWriter {
  private next = 1;
  private chunk: string[] = [];
  private size = 0;
  private guidCount = 0;
  constructor(private readonly sink: (text: string) => void) {}

  /** Writes `#id=BODY;` and returns the id. */
  add(body: string): number {
    const id = this.next++;
    const line = `#${id}=${body};\n`;
    this.chunk.push(line);
    this.size += line.length;
    if (this.size > 1 << 20) this.flush();
    return id;
  }

  raw(text: string): void {
    this.chunk.push(text);
    this.size += text.length;
  }

  flush(): void {
    if (this.chunk.length === 0) return;
    this.sink(this.chunk.join(''));
    this.chunk = [];
    this.size = 0;
  }

  get entities(): number {
    return this.next - 1;
  }

  /** Deterministic, unique 22-character IFC GlobalId (first character 0–3 as the base-64 encoding requires). */
  guid(): string {
    let n = ++this.guidCount;
    let tail = '';
    for (let i = 0; i < 12; i++) {
      tail = GUID_CHARS[n % 64] + tail;
      n = Math.floor(n / 64);
    }
    return `'1TwinTestbed${tail.slice(2)}'`;
  }
}

/** A wall segment between two junctions; `first`/`last`: it starts/ends where the layout wall does. */
interface WallBay extends TestbedWall {
  first: boolean;
  last: boolean;
}

/**
 * Splits each layout wall at the junctions where other walls of the storey meet it (one IfcWall per
 * room bay, as authoring tools model them). Besides being the usual modelling, it keeps each wall to
 * at most a door or two, so the boolean opening cuts stay cheap in viewers (web-ifc included).
 */
function bays(walls: TestbedWall[]): WallBay[] {
  const out: WallBay[] = [];
  for (const wall of walls) {
    const len = Math.hypot(wall.b[0] - wall.a[0], wall.b[1] - wall.a[1]);
    const ux = (wall.b[0] - wall.a[0]) / len;
    const uy = (wall.b[1] - wall.a[1]) / len;
    const cuts = new Set<number>();
    for (const other of walls) {
      if (other === wall) continue;
      for (const p of [other.a, other.b]) {
        const t = (p[0] - wall.a[0]) * ux + (p[1] - wall.a[1]) * uy;
        const off = Math.abs(-(p[0] - wall.a[0]) * uy + (p[1] - wall.a[1]) * ux);
        if (off < 1e-6 && t > 1e-6 && t < len - 1e-6) cuts.add(Math.round(t * 1e6) / 1e6);
      }
    }
    const ts = [0, ...[...cuts].sort((a, b) => a - b), len];
    for (let k = 0; k + 1 < ts.length; k++) {
      const at = (t: number): [number, number] => [wall.a[0] + ux * t, wall.a[1] + uy * t];
      out.push({ ...wall, a: at(ts[k]!), b: at(ts[k + 1]!), first: k === 0, last: k + 2 === ts.length });
    }
  }
  return out;
}

export interface GenerateTestbedIfcResult {
  entities: number;
  bytes: number;
}

/**
 * Streams the IFC4 text of `layout` to `write`. `timestamp` (ISO 8601) goes into the header;
 * the default is fixed so that the committed sample is reproducible byte for byte.
 */
export function generateTestbedIfc(layout: TestbedLayout, write: (chunk: string) => void, timestamp = '2026-01-01T00:00:00'): GenerateTestbedIfcResult {
  let bytes = 0;
  const w = new StepWriter((t) => {
    bytes += Buffer.byteLength(t);
    write(t);
  });
  w.raw(
    [
      'ISO-10303-21;',
      'HEADER;',
      "FILE_DESCRIPTION(('ViewDefinition [ReferenceView_V1.2]'),'2;1');",
      `FILE_NAME(${str(`${layout.name.toLowerCase().replace(/\s+/g, '-')}.ifc`)},${str(timestamp)},('Twin Workbench'),('Twin Workbench'),'twin samples','Twin Workbench testbed generator','');`,
      "FILE_SCHEMA(('IFC4'));",
      'ENDSEC;',
      'DATA;',
      '',
    ].join('\n'),
  );

  // Shared geometry primitives.
  const origin3 = w.add('IFCCARTESIANPOINT((0.,0.,0.))');
  const origin2 = w.add('IFCCARTESIANPOINT((0.,0.))');
  const zUp = w.add('IFCDIRECTION((0.,0.,1.))');
  const xDir = w.add('IFCDIRECTION((1.,0.,0.))');
  const worldAxes = w.add(`IFCAXIS2PLACEMENT3D(#${origin3},#${zUp},#${xDir})`);
  const profileAxes2 = w.add(`IFCAXIS2PLACEMENT2D(#${origin2},$)`);
  const tn = layout.georeference.trueNorth * (Math.PI / 180);
  const trueNorth = w.add(`IFCDIRECTION((${real(Math.sin(tn))},${real(Math.cos(tn))}))`);
  const context = w.add(`IFCGEOMETRICREPRESENTATIONCONTEXT($,'Model',3,1.E-05,#${worldAxes},#${trueNorth})`);
  const body = w.add(`IFCGEOMETRICREPRESENTATIONSUBCONTEXT('Body','Model',*,*,*,*,#${context},$,.MODEL_VIEW.,$)`);
  const units = [
    w.add("IFCSIUNIT(*,.LENGTHUNIT.,$,.METRE.)"),
    w.add("IFCSIUNIT(*,.AREAUNIT.,$,.SQUARE_METRE.)"),
    w.add("IFCSIUNIT(*,.VOLUMEUNIT.,$,.CUBIC_METRE.)"),
    w.add("IFCSIUNIT(*,.PLANEANGLEUNIT.,$,.RADIAN.)"),
  ];
  const unitAssignment = w.add(`IFCUNITASSIGNMENT((${units.map((u) => `#${u}`).join(',')}))`);
  const project = w.add(`IFCPROJECT(${w.guid()},$,${str(layout.name)},'Smart-city testbed building generated by Twin Workbench',$,$,$,(#${context}),#${unitAssignment})`);

  // Georeference: IfcMapConversion from the model context to EPSG:6677.
  const { lat, lon } = layout.georeference;
  const en = toJapanPlaneIX(lat, lon);
  const xAxis = gridDirection(lat, lon, 90 + layout.georeference.trueNorth);
  const crs = w.add(`IFCPROJECTEDCRS(${str(EPSG_6677.name)},${str(EPSG_6677.description)},${str(EPSG_6677.geodeticDatum)},$,${str(EPSG_6677.mapProjection)},${str(EPSG_6677.mapZone)},#${units[0]})`);
  w.add(`IFCMAPCONVERSION(#${context},#${crs},${real(en.easting)},${real(en.northing)},0.,${real(xAxis[0])},${real(xAxis[1])},$)`);

  // Small helpers over the writer.
  const point2 = (x: number, y: number) => w.add(`IFCCARTESIANPOINT((${real(x)},${real(y)}))`);
  const placement = (rel: number | null, x: number, y: number, z: number, dir?: [number, number]) => {
    const loc = x === 0 && y === 0 && z === 0 ? origin3 : w.add(`IFCCARTESIANPOINT((${real(x)},${real(y)},${real(z)}))`);
    const ref = dir ? w.add(`IFCDIRECTION((${real(dir[0])},${real(dir[1])},0.))`) : xDir;
    const axes = loc === origin3 && ref === xDir ? worldAxes : w.add(`IFCAXIS2PLACEMENT3D(#${loc},#${zUp},#${ref})`);
    return w.add(`IFCLOCALPLACEMENT(${rel === null ? '$' : `#${rel}`},#${axes})`);
  };
  const polyline = (ring: [number, number][]) => {
    const ids = ring.map(([x, y]) => point2(x, y));
    return w.add(`IFCPOLYLINE((${[...ids, ids[0]].map((i) => `#${i}`).join(',')}))`);
  };
  const shape = (solid: number, type = 'SweptSolid') => {
    const rep = w.add(`IFCSHAPEREPRESENTATION(#${body},'Body',${str(type)},(#${solid}))`);
    return w.add(`IFCPRODUCTDEFINITIONSHAPE($,$,(#${rep}))`);
  };
  const extrude = (profile: number, depth: number, position = worldAxes, direction = zUp) =>
    w.add(`IFCEXTRUDEDAREASOLID(#${profile},#${position},#${direction},${real(depth)})`);
  const rectProfile = (cx: number, cy: number, dx: number, dy: number) => {
    const pos = cx === 0 && cy === 0 ? profileAxes2 : w.add(`IFCAXIS2PLACEMENT2D(#${point2(cx, cy)},$)`);
    return w.add(`IFCRECTANGLEPROFILEDEF(.AREA.,$,#${pos},${real(dx)},${real(dy)})`);
  };
  const polygonProfile = (ring: [number, number][]) => w.add(`IFCARBITRARYCLOSEDPROFILEDEF(.AREA.,$,#${polyline(ring)})`);
  const ids = (list: number[]) => `(${list.map((i) => `#${i}`).join(',')})`;

  // Spatial structure.
  const sitePlacement = placement(null, 0, 0, 0);
  const sitePolygon = layout.site.polygon;
  const siteSolid = extrude(polygonProfile(sitePolygon), 0.01, w.add(`IFCAXIS2PLACEMENT3D(#${w.add('IFCCARTESIANPOINT((0.,0.,-0.51))')},#${zUp},#${xDir})`));
  const site = w.add(`IFCSITE(${w.guid()},$,'Testbed site',$,$,#${sitePlacement},#${shape(siteSolid)},'Smart-city testbed site',.ELEMENT.,${compoundAngle(lat)},${compoundAngle(lon)},0.,$,$)`);
  const buildingPlacement = placement(sitePlacement, 0, 0, 0);
  const building = w.add(`IFCBUILDING(${w.guid()},$,${str(layout.name)},$,$,#${buildingPlacement},$,$,.ELEMENT.,$,$,$)`);
  w.add(`IFCRELAGGREGATES(${w.guid()},$,$,$,#${project},(#${site}))`);
  w.add(`IFCRELAGGREGATES(${w.guid()},$,$,$,#${site},(#${building}))`);

  // Site elements: the bus road loop (a ring 7 m wide around the road centre line) and the bus stops.
  const siteElements: number[] = [];
  {
    const loop = layout.site.roadLoop;
    const xs = loop.map((p) => p[0]);
    const ys = loop.map((p) => p[1]);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const h = ROAD_HALF_WIDTH;
    const outer = polyline([[x0 - h, y0 - h], [x1 + h, y0 - h], [x1 + h, y1 + h], [x0 - h, y1 + h]]);
    const inner = polyline([[x0 + h, y0 + h], [x1 - h, y0 + h], [x1 - h, y1 - h], [x0 + h, y1 - h]]);
    const profile = w.add(`IFCARBITRARYPROFILEDEFWITHVOIDS(.AREA.,'Road',#${outer},(#${inner}))`);
    const pos = w.add(`IFCAXIS2PLACEMENT3D(#${w.add('IFCCARTESIANPOINT((0.,0.,-0.5))')},#${zUp},#${xDir})`);
    siteElements.push(
      w.add(`IFCBUILDINGELEMENTPROXY(${w.guid()},$,'Bus road loop','Closed loop driven by the autonomous bus',$,#${placement(sitePlacement, 0, 0, 0)},#${shape(extrude(profile, 0.5, pos))},'ROAD',.ELEMENT.)`),
    );
    for (const stop of layout.site.busStops) {
      const solid = extrude(rectProfile(0, 0, 3, 1.5), 2.5);
      siteElements.push(w.add(`IFCBUILDINGELEMENTPROXY(${w.guid()},$,${str(`Bus stop ${stop.id}`)},$,$,#${placement(sitePlacement, stop.x, stop.y, 0)},#${shape(solid)},${str(stop.id)},.ELEMENT.)`));
    }
  }
  w.add(`IFCRELCONTAINEDINSPATIALSTRUCTURE(${w.guid()},$,$,$,${ids(siteElements)},#${site})`);

  const W = Math.max(...layout.walls.map((x) => Math.max(x.a[0], x.b[0])));
  const D = Math.max(...layout.walls.map((x) => Math.max(x.a[1], x.b[1])));
  const storeyIds: number[] = [];
  const storeyPlacements: number[] = [];
  const containedByStorey: number[][] = [];
  for (const st of layout.storeys) {
    const sp = placement(buildingPlacement, 0, 0, st.elevation);
    storeyPlacements.push(sp);
    storeyIds.push(w.add(`IFCBUILDINGSTOREY(${w.guid()},$,${str(st.name)},$,$,#${sp},$,$,.ELEMENT.,${real(st.elevation)})`));
    containedByStorey.push([]);
  }
  w.add(`IFCRELAGGREGATES(${w.guid()},$,$,$,#${building},${ids(storeyIds)})`);

  // Walls and their doors: each door voids the wall whose centre line carries it.
  const hostOf = (door: TestbedDoor, walls: TestbedWall[]): { wall: TestbedWall; t: number } => {
    for (const wall of walls) {
      const len = Math.hypot(wall.b[0] - wall.a[0], wall.b[1] - wall.a[1]);
      const ux = (wall.b[0] - wall.a[0]) / len;
      const uy = (wall.b[1] - wall.a[1]) / len;
      const t = (door.x - wall.a[0]) * ux + (door.y - wall.a[1]) * uy;
      const off = Math.abs(-(door.x - wall.a[0]) * uy + (door.y - wall.a[1]) * ux);
      const along = door.orientation === 'x' ? Math.abs(uy) < 1e-9 : Math.abs(ux) < 1e-9;
      if (along && off < 1e-6 && t > door.width / 2 - 1e-6 && t < len - door.width / 2 + 1e-6) return { wall, t };
    }
    throw new Error(`generateTestbedIfc: door ${door.id} at (${door.x}, ${door.y}) lies on no ${door.orientation}-wall of storey ${door.storey}`);
  };

  for (const st of layout.storeys) {
    const s = st.index;
    const sp = storeyPlacements[s]!;
    const contained = containedByStorey[s]!;
    const walls = layout.walls.filter((x) => x.storey === s);
    const wallEntity = new Map<TestbedWall, { id: number; placement: number }>();
    const segments = bays(walls);
    segments.forEach((wall, i) => {
      const len = Math.hypot(wall.b[0] - wall.a[0], wall.b[1] - wall.a[1]);
      const dir: [number, number] = [(wall.b[0] - wall.a[0]) / len, (wall.b[1] - wall.a[1]) / len];
      const pl = placement(sp, wall.a[0], wall.a[1], 0, dir);
      // Exterior walls run on past the building corners by half a thickness so that the corners close.
      const e0 = wall.exterior && wall.first ? wall.thickness / 2 : 0;
      const e1 = wall.exterior && wall.last ? wall.thickness / 2 : 0;
      const solid = extrude(rectProfile((len + e1 - e0) / 2, 0, len + e0 + e1, wall.thickness), st.height - SLAB_THICKNESS);
      const id = w.add(
        `IFCWALL(${w.guid()},$,${str(`${st.name}-W${String(i + 1).padStart(4, '0')}`)},$,$,#${pl},#${shape(solid)},$,${wall.exterior ? '.SOLIDWALL.' : '.PARTITIONING.'})`,
      );
      wallEntity.set(wall, { id, placement: pl });
      contained.push(id);
    });
    for (const door of layout.doors.filter((x) => x.storey === s)) {
      const { wall, t } = hostOf(door, segments);
      const host = wallEntity.get(wall)!;
      const openingPl = placement(host.placement, t, 0, 0);
      const openingSolid = extrude(rectProfile(0, 0, door.width, wall.thickness + 0.1), DOOR_HEIGHT);
      const opening = w.add(`IFCOPENINGELEMENT(${w.guid()},$,${str(`Opening ${door.id}`)},$,$,#${openingPl},#${shape(openingSolid)},$,.OPENING.)`);
      w.add(`IFCRELVOIDSELEMENT(${w.guid()},$,$,$,#${host.id},#${opening})`);
      const leaf = extrude(rectProfile(0, 0, door.width, 0.05), DOOR_HEIGHT);
      const doorEntity = w.add(
        `IFCDOOR(${w.guid()},$,${str(door.id)},${str(door.exterior ? 'Exterior exit door' : `Door between ${door.between[0]} and ${door.between[1]}`)},$,#${placement(openingPl, 0, 0, 0)},#${shape(leaf)},$,${real(DOOR_HEIGHT)},${real(door.width)},.DOOR.,${door.width > 1.5 ? '.DOUBLE_DOOR_SINGLE_SWING.' : '.SINGLE_SWING_LEFT.'},$)`,
      );
      w.add(`IFCRELFILLSELEMENT(${w.guid()},$,$,$,#${opening},#${doorEntity})`);
      contained.push(doorEntity);
    }
    // Floor slab under the whole storey (top face at the storey level).
    const slabPos = w.add(`IFCAXIS2PLACEMENT3D(#${w.add(`IFCCARTESIANPOINT((0.,0.,${real(-SLAB_THICKNESS)}))`)},#${zUp},#${xDir})`);
    const slabSolid = extrude(rectProfile(W / 2, D / 2, W, D), SLAB_THICKNESS, slabPos);
    contained.push(w.add(`IFCSLAB(${w.guid()},$,${str(`${st.name} floor slab`)},$,$,#${placement(sp, 0, 0, 0)},#${shape(slabSolid)},$,.FLOOR.)`));

    // Spaces, aggregated to the storey.
    const spaceIds: number[] = [];
    for (const space of layout.spaces.filter((x) => x.storey === s)) {
      const solid = extrude(polygonProfile(space.polygon), spaceHeight(st.height));
      spaceIds.push(
        w.add(`IFCSPACE(${w.guid()},$,${str(space.id)},${str(space.usage)},$,#${placement(sp, 0, 0, 0)},#${shape(solid)},${str(space.name)},.ELEMENT.,.INTERNAL.,$)`),
      );
    }
    if (spaceIds.length > 0) w.add(`IFCRELAGGREGATES(${w.guid()},$,$,$,#${storeyIds[s]},${ids(spaceIds)})`);
  }

  // Stairs: IfcStair (container, contained in the lower storey) aggregating one stepped IfcStairFlight.
  for (const stair of layout.stairs) {
    const st = layout.storeys[stair.fromStorey]!;
    const rise = layout.storeys[stair.toStorey]!.elevation - st.elevation;
    const dx = stair.top[0] - stair.bottom[0];
    const dy = stair.top[1] - stair.bottom[1];
    const run = Math.hypot(dx, dy);
    const dir: [number, number] = [dx / run, dy / run];
    const risers = Math.max(2, Math.round(rise / 0.16));
    const treads = risers - 1;
    const going = run / treads;
    const riser = rise / risers;
    // Stepped profile in the vertical plane (x along the run, y up), closed by a waist 0.3 m deep.
    const ring: [number, number][] = [[0, 0]];
    for (let i = 0; i < treads; i++) ring.push([i * going, (i + 1) * riser], [(i + 1) * going, (i + 1) * riser]);
    ring.push([treads * going, rise]);
    const waist = 0.3;
    ring.push([treads * going, rise - waist], [((waist - riser) * going) / riser, 0]);
    // Profile plane: x = run direction, y = up; extruded along local -y (to the right of the run), by the width.
    const stairPl = placement(storeyPlacements[stair.fromStorey]!, stair.bottom[0], stair.bottom[1], 0, dir);
    const flightPl = placement(stairPl, 0, 0, 0);
    const profilePos = w.add(
      `IFCAXIS2PLACEMENT3D(#${w.add(`IFCCARTESIANPOINT((0.,${real(stair.width / 2)},0.))`)},#${w.add('IFCDIRECTION((0.,-1.,0.))')},#${xDir})`,
    );
    const solid = extrude(polygonProfile(ring), stair.width, profilePos);
    const flight = w.add(
      `IFCSTAIRFLIGHT(${w.guid()},$,${str(`${stair.id} flight`)},$,$,#${flightPl},#${shape(solid)},$,${risers},${treads},${real(riser)},${real(going)},.STRAIGHT.)`,
    );
    const stairEntity = w.add(`IFCSTAIR(${w.guid()},$,${str(stair.id)},${str(`Stair ${layout.storeys[stair.fromStorey]!.name} to ${layout.storeys[stair.toStorey]!.name}`)},$,#${stairPl},$,$,.STRAIGHT_RUN_STAIR.)`);
    w.add(`IFCRELAGGREGATES(${w.guid()},$,$,$,#${stairEntity},(#${flight}))`);
    containedByStorey[stair.fromStorey]!.push(stairEntity);
  }

  containedByStorey.forEach((list, i) => {
    if (list.length > 0) w.add(`IFCRELCONTAINEDINSPATIALSTRUCTURE(${w.guid()},$,$,$,${ids(list)},#${storeyIds[i]})`);
  });

  w.raw('ENDSEC;\nEND-ISO-10303-21;\n');
  w.flush();
  return { entities: w.entities, bytes };
}
