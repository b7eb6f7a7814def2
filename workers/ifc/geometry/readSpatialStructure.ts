/**
 * Project › site › building › storey, and which storey each element belongs to.
 *
 * IFC says where an element is with IfcRelContainedInSpatialStructure (element → storey, space,
 * building or site); parts of assemblies (stair flights in a stair, members in an assembly)
 * hang under their whole through IfcRelAggregates / IfcRelNests, and spaces aggregate into a
 * storey. The storey of an element is the first storey met walking up that parent chain.
 * This is the one place storey assignment happens.
 */
import type { IfcAPI, RawLineData } from 'web-ifc';
import { webIfc } from '../webIfc.js';
import type { SpatialNode, StoreyInfo } from './ProcessedModel.js';

export interface SpatialStructure {
  projectName: string;
  sites: SpatialNode[];
  buildings: SpatialNode[];
  /** Sorted by elevation (lowest first). */
  storeys: StoreyInfo[];
  /** Storey index (into `storeys`) for every element, space or part with a storey above it. */
  storeyOf: Map<number, number>;
  /** Metres per model length unit (0.001 for millimetre models). */
  metresPerUnit: number;
  /** Objects the spatial tree places (contained in or aggregated under it): the geometry progress's estimate of the element count. */
  placedCount: number;
}

interface StepValue {
  value?: unknown;
}

function text(v: unknown): string {
  const x = (v as StepValue | null | undefined)?.value;
  return typeof x === 'string' ? x : '';
}

function ref(v: unknown): number | null {
  const x = (v as StepValue | null | undefined)?.value;
  return typeof x === 'number' ? x : null;
}

function refs(v: unknown): number[] {
  if (!Array.isArray(v)) return [];
  const out: number[] = [];
  for (const r of v) {
    const id = ref(r);
    if (id !== null) out.push(id);
  }
  return out;
}

function ids(api: IfcAPI, modelID: number, type: number): number[] {
  const v = api.GetLineIDsWithType(modelID, type, false);
  const out: number[] = new Array<number>(v.size());
  for (let i = 0; i < out.length; i++) out[i] = v.get(i);
  return out;
}

/** Every line of one type as raw STEP arguments, in one call. */
function rawLines(api: IfcAPI, modelID: number, type: number): RawLineData[] {
  const list = ids(api, modelID, type);
  return list.length ? api.GetRawLinesData(modelID, list) : [];
}

function nodes(api: IfcAPI, modelID: number, type: number, typeName: string): SpatialNode[] {
  return ids(api, modelID, type).map((id) => {
    const line = api.GetLine(modelID, id, false) as { Name?: unknown; LongName?: unknown };
    return { expressID: id, type: typeName, name: text(line.Name) || text(line.LongName) || `${typeName} #${id}` };
  });
}

const SI_PREFIX: Record<string, number> = { MILLI: 1e-3, CENTI: 1e-2, DECI: 1e-1, KILO: 1e3 };

/** Metres per length unit from IfcSIUnit(LENGTHUNIT) or a conversion-based foot/inch. */
function lengthUnit(api: IfcAPI, modelID: number): number {
  for (const id of ids(api, modelID, webIfc().IFCSIUNIT)) {
    const u = api.GetLine(modelID, id, false) as { UnitType?: unknown; Prefix?: unknown };
    if (text(u.UnitType) !== 'LENGTHUNIT') continue;
    return SI_PREFIX[text(u.Prefix)] ?? 1;
  }
  for (const id of ids(api, modelID, webIfc().IFCCONVERSIONBASEDUNIT)) {
    const u = api.GetLine(modelID, id, false) as { UnitType?: unknown; Name?: unknown };
    if (text(u.UnitType) !== 'LENGTHUNIT') continue;
    const name = text(u.Name).toUpperCase();
    if (name.includes('FOOT') || name.includes('FEET')) return 0.3048;
    if (name.includes('INCH')) return 0.0254;
  }
  return 1;
}

export function readSpatialStructure(api: IfcAPI, modelID: number): SpatialStructure {
  const metresPerUnit = lengthUnit(api, modelID);
  const projects = nodes(api, modelID, webIfc().IFCPROJECT, 'IfcProject');
  const storeyRows = ids(api, modelID, webIfc().IFCBUILDINGSTOREY).map((id) => {
    const line = api.GetLine(modelID, id, false) as { GlobalId?: unknown; Name?: unknown; LongName?: unknown; Elevation?: unknown };
    const elev = (line.Elevation as StepValue | null | undefined)?.value;
    return {
      expressID: id,
      globalId: text(line.GlobalId),
      name: text(line.Name) || text(line.LongName) || `Storey #${id}`,
      elevation: typeof elev === 'number' ? elev * metresPerUnit : 0,
    };
  });
  storeyRows.sort((a, b) => a.elevation - b.elevation || a.expressID - b.expressID);
  const storeyIndex = new Map(storeyRows.map((s, i) => [s.expressID, i]));

  // child → parent over containment, aggregation and nesting. Raw STEP arguments, one WASM call
  // per relation type (GetLine would build a schema object per relation): IfcRelContainedIn-
  // SpatialStructure 4 RelatedElements, 5 RelatingStructure; IfcRelAggregates / IfcRelNests
  // 4 RelatingObject, 5 RelatedObjects.
  const parent = new Map<number, number>();
  for (const rel of rawLines(api, modelID, webIfc().IFCRELCONTAINEDINSPATIALSTRUCTURE)) {
    const whole = ref(rel.arguments[5]);
    if (whole === null) continue;
    for (const part of refs(rel.arguments[4])) parent.set(part, whole);
  }
  for (const type of [webIfc().IFCRELAGGREGATES, webIfc().IFCRELNESTS]) {
    for (const rel of rawLines(api, modelID, type)) {
      const whole = ref(rel.arguments[4]);
      if (whole === null) continue;
      // Containment wins over aggregation for the same element (it names the spatial home).
      for (const part of refs(rel.arguments[5])) if (!parent.has(part)) parent.set(part, whole);
    }
  }

  const storeyOf = new Map<number, number>();
  const resolve = (id: number): number => {
    const known = storeyOf.get(id);
    if (known !== undefined) return known;
    const chain: number[] = [];
    let cur: number | undefined = id;
    let found = -1;
    // Walk up, bounded by the number of relations (cycles in broken files end the walk).
    for (let steps = 0; cur !== undefined && steps <= parent.size; steps++) {
      const s = storeyIndex.get(cur);
      if (s !== undefined) {
        found = s;
        break;
      }
      const cached = storeyOf.get(cur);
      if (cached !== undefined) {
        found = cached;
        break;
      }
      chain.push(cur);
      cur = parent.get(cur);
    }
    for (const c of chain) storeyOf.set(c, found);
    return found;
  };
  for (const child of parent.keys()) resolve(child);
  for (const [id, s] of [...storeyOf]) if (s < 0) storeyOf.delete(id);

  return {
    projectName: projects[0]?.name ?? '',
    sites: nodes(api, modelID, webIfc().IFCSITE, 'IfcSite'),
    buildings: nodes(api, modelID, webIfc().IFCBUILDING, 'IfcBuilding'),
    storeys: storeyRows,
    storeyOf,
    metresPerUnit,
    placedCount: parent.size,
  };
}
