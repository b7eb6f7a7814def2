/**
 * The building structure extracted from an IFC model: what walking, evacuation and the plan view need.
 *
 * Frame: the building frame of DESIGN.md — metres, x east, y north, z up — taken as the IFC world
 * frame (IfcSite/IfcBuilding placements applied, the model's length unit converted to metres).
 * web-ifc meshes are y-up; extraction converts them (x = x, y = −z, z = y).
 * Polygons: rings of [x, y] points, not closed explicitly; a `PlanPolygon` is an outer ring followed
 * by its holes; a `PlanMultiPolygon` is a list of such polygons (the polygon-clipping convention).
 */

export type PlanPoint = [number, number];
export type PlanRing = PlanPoint[];
/** Outer ring first, then holes. */
export type PlanPolygon = PlanRing[];
export type PlanMultiPolygon = PlanPolygon[];

export interface StructureStorey {
  /** Index in `BuildingStructure.storeys` (sorted by elevation, lowest first). */
  index: number;
  expressID: number;
  globalId: string;
  name: string;
  /** Floor level in the building frame, m. */
  elevation: number;
  /** Walkable area: spaces (or slabs, or the wall outline) minus obstacles cut at body height and minus the footprints of stairs and ramps joining storeys (walked as links), door openings kept passable. */
  walkable: PlanMultiPolygon;
  /** Area of `walkable`, m². */
  walkableArea: number;
  /**
   * Obstacles (walls, columns, furniture, windows, …) cut at `elevation + OBSTACLE_CUT_HEIGHT`: one
   * polygon per cut outline, NOT unioned (they may overlap where walls meet; unioning thousands of
   * them costs more than every other step together, and `walkable` already has them subtracted).
   */
  obstacles: PlanPolygon[];
  /** Where `walkable` came from: IfcSpace footprints, IfcSlab footprints, or the hull of the walls. */
  walkableSource: 'spaces' | 'slabs' | 'walls' | 'none';
}

export interface StructureSpace {
  expressID: number;
  globalId: string;
  /** IfcSpace.Name (often a number), LongName (the room's name) when present. */
  name: string;
  longName: string | null;
  storey: number;
  /** Footprint from the space's geometry cut near its floor. */
  footprint: PlanMultiPolygon;
  /** Footprint area, m². */
  area: number;
}

export interface StructureDoor {
  expressID: number;
  globalId: string;
  name: string;
  storey: number;
  /** Door centre in plan, building frame, m (the bottom of the leaf is `z`). */
  x: number;
  y: number;
  z: number;
  /** Clear width, m: IfcDoor.OverallWidth, else the extent of the door's geometry along its own x axis. */
  width: number;
  /** Unit vector along the door (in the wall's direction), in plan. */
  direction: PlanPoint;
  /** Indices into `BuildingStructure.spaces` on either side (null: no space there). */
  spaces: [number | null, number | null];
  /** One side is outside every space (or outside the walkable area where the storey has no spaces). */
  exterior: boolean;
  /** An exterior door on the entrance level: the lowest storey that has exterior doors. */
  exit: boolean;
}

export interface StructureStair {
  expressID: number;
  globalId: string;
  /** 'IfcStair', 'IfcStairFlight', 'IfcRamp', 'IfcRampFlight' (a flight is listed only when no container holds it). */
  type: string;
  name: string;
  fromStorey: number;
  toStorey: number;
  /** Plan footprint (convex hull of the geometry). */
  footprint: PlanRing;
  /** Centre of the lowest and highest step bands, building frame, m. */
  bottom: PlanPoint;
  top: PlanPoint;
  /** Unit directions, in plan, of walking up at the bottom and of walking on at the top. */
  bottomDirection: PlanPoint;
  topDirection: PlanPoint;
  /** Flight width, m. */
  width: number;
  /** Rise, m. */
  rise: number;
  /** Walking length along the flights, m (treads × going from the flights when given, else from the geometry). */
  length: number;
}

export interface Georeference {
  /** WGS84 degrees of the IfcSite reference point. */
  lat: number;
  lon: number;
  /** Degrees clockwise from the building frame's +y axis to true north (IfcGeometricRepresentationContext.TrueNorth). */
  trueNorth: number;
  /** IFC4 IfcMapConversion of the model context to a projected CRS, when the file has one. */
  mapConversion?: MapConversion;
}

/** IfcMapConversion (IFC4): model frame → map grid coordinates of `crs`. */
export interface MapConversion {
  /** IfcProjectedCRS (IfcCoordinateReferenceSystem) Name, e.g. "EPSG:6677". */
  crs: string;
  /** Map coordinates of the model origin, in the CRS's map unit (normally metres). */
  eastings: number;
  northings: number;
  orthogonalHeight: number;
  /** The model x axis in map grid coordinates (not necessarily unit length); (1, 0) when absent. */
  xAxisAbscissa: number;
  xAxisOrdinate: number;
  /** Map units per model unit; 1 when absent. */
  scale: number;
}

export interface BuildingStructure {
  /** 'IFC2X3', 'IFC4', 'IFC4X3', … as web-ifc names the file's schema. */
  schema: string;
  /** Metres per model length unit. */
  lengthUnit: number;
  storeys: StructureStorey[];
  spaces: StructureSpace[];
  doors: StructureDoor[];
  stairs: StructureStair[];
  /** Instances per entity type present, named as the schema names them (IfcWallStandardCase, …). */
  counts: Record<string, number>;
  /** IfcProduct instances with geometry: the meshes web-ifc streams plus the IfcSpaces with geometry (openings, being voids, are not counted). */
  elements: number;
  georeference: Georeference | null;
  /** Milliseconds spent streaming/cutting geometry and on the rest of the structure. */
  timings: { structureMs: number; geometryMs: number };
  /**
   * Elements left out because their coordinates lie beyond 10 000 km of the origin or are not finite (a damaged
   * placement; the viewer leaves them out too): how many, and up to three as "#id IfcType 'Name'". Absent when none.
   */
  skipped?: { elements: number; examples: string[] };
}

/** Height above each storey's floor at which obstacles are cut, m (body height, above furniture legs and sills). */
export const OBSTACLE_CUT_HEIGHT = 1.0;
