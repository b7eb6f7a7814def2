/**
 * The non-geometric part of an open IFC model: schema, entity counts, length unit, georeference,
 * storeys, and the containment/aggregation relations that place every element on a storey.
 * Works on a model opened by the caller (`api.OpenModel`), so the geometry engine and the
 * structure extraction can share one open model.
 */
import type { IfcAPI } from 'web-ifc';
import { webIfc } from '../webIfc.js';
import type { Georeference, MapConversion } from './BuildingStructure.js';
import { ifcNumber, ifcRef, ifcRefs, ifcText } from './ifcValue.js';

export interface SpatialStorey {
  expressID: number;
  globalId: string;
  name: string;
  /** Floor level in the building frame, m. */
  elevation: number;
}

export interface SpatialStructure {
  schema: string;
  /** Metres per model length unit. */
  lengthUnit: number;
  counts: Record<string, number>;
  georeference: Georeference | null;
  /** Sorted by elevation, lowest first. */
  storeys: SpatialStorey[];
  /** Storey index holding an element (through containment, space aggregation or a parent assembly), or null. */
  storeyOf(expressID: number): number | null;
  /** Direct children of an aggregate (IfcRelAggregates), e.g. the flights of a stair. */
  partsOf(expressID: number): number[];
  /** The aggregate an element is part of, or null. */
  parentOf(expressID: number): number | null;
}

const SI_PREFIX: Record<string, number> = { EXA: 1e18, PETA: 1e15, TERA: 1e12, GIGA: 1e9, MEGA: 1e6, KILO: 1e3, HECTO: 1e2, DECA: 10, DECI: 0.1, CENTI: 0.01, MILLI: 1e-3, MICRO: 1e-6, NANO: 1e-9 };
const NAMED_LENGTH: Record<string, number> = { FOOT: 0.3048, INCH: 0.0254, YARD: 0.9144, MILE: 1609.344 };

function ids(api: IfcAPI, modelID: number, type: number, inherited = false): number[] {
  const v = api.GetLineIDsWithType(modelID, type, inherited);
  const out: number[] = new Array(v.size());
  for (let i = 0; i < out.length; i++) out[i] = v.get(i);
  return out;
}

/** Metres per length unit from IfcProject.UnitsInContext (IfcSIUnit with prefix, or a conversion-based unit). */
function readLengthUnit(api: IfcAPI, modelID: number): number {
  const project = ids(api, modelID, webIfc().IFCPROJECT)[0];
  if (project === undefined) return 1;
  const line = api.GetLine(modelID, project, true) as { UnitsInContext?: { Units?: unknown[] } };
  for (const u of line.UnitsInContext?.Units ?? []) {
    const unit = u as Record<string, unknown>;
    if (ifcText(unit.UnitType) !== 'LENGTHUNIT') continue;
    const name = ifcText(unit.Name) ?? '';
    if (name === 'METRE') return SI_PREFIX[ifcText(unit.Prefix) ?? ''] ?? 1;
    const named = NAMED_LENGTH[name.toUpperCase()];
    if (named) return named;
    const factor = unit.ConversionFactor as Record<string, unknown> | undefined;
    const value = factor ? ifcNumber(factor.ValueComponent) : null;
    if (value) return value;
  }
  return 1;
}

/** Decimal degrees from an IfcCompoundPlaneAngleMeasure (degrees, minutes, seconds[, millionths]). */
function compound(v: unknown): number | null {
  const parts = (v as { value?: unknown })?.value;
  if (!Array.isArray(parts) || parts.length < 3) return null;
  const n = parts.map((p) => (typeof p === 'number' ? p : ifcNumber(p) ?? 0));
  return n[0]! + n[1]! / 60 + n[2]! / 3600 + (n[3] ?? 0) / 3.6e9;
}

function readGeoreference(api: IfcAPI, modelID: number): Georeference | null {
  const site = ids(api, modelID, webIfc().IFCSITE)[0];
  if (site === undefined) return null;
  const line = api.GetLine(modelID, site) as Record<string, unknown>;
  const lat = compound(line.RefLatitude);
  const lon = compound(line.RefLongitude);
  // (0, 0) is what many exporters write when nobody set the location: treat it as absent.
  if (lat === null || lon === null || (lat === 0 && lon === 0)) return null;
  let trueNorth = 0;
  const context = ids(api, modelID, webIfc().IFCGEOMETRICREPRESENTATIONCONTEXT)[0];
  if (context !== undefined) {
    const ctx = api.GetLine(modelID, context, true) as { TrueNorth?: { DirectionRatios?: unknown[] } | null };
    const r = ctx.TrueNorth?.DirectionRatios?.map(ifcNumber);
    if (r && r[0] != null && r[1] != null && (r[0] !== 0 || r[1] !== 0)) trueNorth = (Math.atan2(r[0], r[1]) * 180) / Math.PI;
  }
  const georeference: Georeference = { lat, lon, trueNorth: Math.round(trueNorth * 1e6) / 1e6 };
  const mapConversion = readMapConversion(api, modelID);
  if (mapConversion) georeference.mapConversion = mapConversion;
  return georeference;
}

/** The first IfcMapConversion (IFC4+; IFC2X3 has none) with its target CRS's name, or null. */
function readMapConversion(api: IfcAPI, modelID: number): MapConversion | null {
  let id: number | undefined;
  try {
    id = ids(api, modelID, webIfc().IFCMAPCONVERSION)[0];
  } catch {
    return null; // the schema has no such entity
  }
  if (id === undefined) return null;
  const line = api.GetLine(modelID, id, true) as Record<string, unknown>;
  const eastings = ifcNumber(line.Eastings);
  const northings = ifcNumber(line.Northings);
  if (eastings === null || northings === null) return null;
  const crs = line.TargetCRS as Record<string, unknown> | null | undefined;
  return {
    crs: (crs && ifcText(crs.Name)) ?? '',
    eastings,
    northings,
    orthogonalHeight: ifcNumber(line.OrthogonalHeight) ?? 0,
    xAxisAbscissa: ifcNumber(line.XAxisAbscissa) ?? 1,
    xAxisOrdinate: ifcNumber(line.XAxisOrdinate) ?? 0,
    scale: ifcNumber(line.Scale) ?? 1,
  };
}

function readCounts(api: IfcAPI, modelID: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of api.GetAllTypesOfModel(modelID)) {
    const n = api.GetLineIDsWithType(modelID, t.typeID, false).size();
    if (n > 0) counts[api.GetNameFromTypeCode(t.typeID) || t.typeName] = n;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

export function readSpatialStructure(api: IfcAPI, modelID: number): SpatialStructure {
  const schema = api.GetModelSchema(modelID);
  const lengthUnit = readLengthUnit(api, modelID);
  const storeys: SpatialStorey[] = ids(api, modelID, webIfc().IFCBUILDINGSTOREY).map((id) => {
    const line = api.GetLine(modelID, id) as Record<string, unknown>;
    const placement = ifcRef(line.ObjectPlacement);
    let elevation = (ifcNumber(line.Elevation) ?? 0) * lengthUnit;
    if (placement !== null) {
      const m = api.GetWorldTransformMatrix(modelID, placement);
      if (m && m.length === 16 && Number.isFinite(m[14])) elevation = m[14]! * lengthUnit;
    }
    return { expressID: id, globalId: ifcText(line.GlobalId) ?? '', name: ifcText(line.Name) ?? ifcText(line.LongName) ?? `#${id}`, elevation };
  });
  storeys.sort((a, b) => a.elevation - b.elevation);
  const storeyIndex = new Map(storeys.map((s, i) => [s.expressID, i]));

  const containedIn = new Map<number, number>();
  for (const rel of ids(api, modelID, webIfc().IFCRELCONTAINEDINSPATIALSTRUCTURE)) {
    const line = api.GetLine(modelID, rel) as Record<string, unknown>;
    const structure = ifcRef(line.RelatingStructure);
    if (structure === null) continue;
    for (const e of ifcRefs(line.RelatedElements)) containedIn.set(e, structure);
  }
  const parent = new Map<number, number>();
  const parts = new Map<number, number[]>();
  for (const rel of ids(api, modelID, webIfc().IFCRELAGGREGATES)) {
    const line = api.GetLine(modelID, rel) as Record<string, unknown>;
    const whole = ifcRef(line.RelatingObject);
    if (whole === null) continue;
    const children = ifcRefs(line.RelatedObjects);
    for (const c of children) parent.set(c, whole);
    parts.set(whole, [...(parts.get(whole) ?? []), ...children]);
  }

  const memo = new Map<number, number | null>();
  const storeyOf = (id: number): number | null => {
    const seen: number[] = [];
    let cur: number | undefined = id;
    let found: number | null = null;
    while (cur !== undefined) {
      if (memo.has(cur)) {
        found = memo.get(cur)!;
        break;
      }
      const s = storeyIndex.get(cur);
      if (s !== undefined) {
        found = s;
        break;
      }
      if (seen.includes(cur) || seen.length > 32) break; // a cycle in broken files
      seen.push(cur);
      cur = containedIn.get(cur) ?? parent.get(cur);
    }
    for (const s of seen) memo.set(s, found);
    return found;
  };

  return {
    schema,
    lengthUnit,
    counts: readCounts(api, modelID),
    georeference: readGeoreference(api, modelID),
    storeys,
    storeyOf,
    partsOf: (id) => parts.get(id) ?? [],
    parentOf: (id) => parent.get(id) ?? null,
  };
}
