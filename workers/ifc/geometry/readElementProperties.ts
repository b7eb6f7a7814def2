/**
 * Attributes, type object, property sets and quantities of one element, flattened to plain JSON for the
 * Properties panel. Queried lazily (on selection) through web-ifc's `properties` helpers;
 * nothing here is precomputed at load time.
 */
import type { IfcAPI } from 'web-ifc';
import { webIfc } from '../webIfc.js';
import { ifcTypeName } from './ifcTypeName.js';

export type PropertyValue = string | number | boolean | null;

export interface PropertyRow {
  name: string;
  value: PropertyValue;
  /** e.g. "IfcLengthMeasure", "IfcLabel" — the STEP value type when known. */
  valueType?: string;
}

export interface PropertyGroup {
  /** expressID of the IfcPropertySet / IfcElementQuantity. */
  expressID: number;
  name: string;
  rows: PropertyRow[];
  /** true when the set comes from the element's type object, not the occurrence. */
  fromType: boolean;
}

/** The element's type object (IfcRelDefinesByType → IfcTypeObject), e.g. IfcDoorType 'D-900'. */
export interface TypeObjectRef {
  expressID: number;
  /** IFC class, CamelCase ("IfcDoorType"; IFC2x3 doors and windows: "IfcDoorStyle", "IfcWindowStyle"). */
  ifcClass: string;
  /** The type object's Name; '' when the file gives none. */
  name: string;
}

export interface ElementProperties {
  expressID: number;
  type: string;
  globalId: string;
  name: string;
  /** null when no type object defines the element (most walls and slabs exported from Revit to IFC2x3). */
  typeObject: TypeObjectRef | null;
  attributes: PropertyRow[];
  propertySets: PropertyGroup[];
  quantities: PropertyGroup[];
}

interface StepValue {
  type?: number;
  value?: unknown;
  valueType?: number;
  name?: string;
  constructor?: { name?: string };
}

function scalar(v: unknown): PropertyValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'object' && 'value' in (v as object)) {
    const x = (v as StepValue).value;
    if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') {
      // STEP enumerations/booleans arrive as ".T." / "T" strings in some schemas.
      return x;
    }
    if (Array.isArray(x)) return x.map((i) => String(scalar(i))).join(', ');
  }
  if (Array.isArray(v)) return v.map((i) => String(scalar(i))).join(', ');
  return null;
}

function label(v: unknown): string {
  const s = scalar(v);
  return s === null ? '' : String(s);
}

/** Quantity value fields, by IfcPhysicalSimpleQuantity subtype. */
const QUANTITY_FIELDS = ['LengthValue', 'AreaValue', 'VolumeValue', 'CountValue', 'WeightValue', 'TimeValue'] as const;
const QUANTITY_UNIT: Record<string, string> = { LengthValue: 'm', AreaValue: 'm²', VolumeValue: 'm³', CountValue: '', WeightValue: 'kg', TimeValue: 's' };

function propertyRows(api: IfcAPI, set: Record<string, unknown>): PropertyRow[] {
  const rows: PropertyRow[] = [];
  const props = (set.HasProperties ?? []) as Record<string, unknown>[];
  for (const p of props) {
    if (!p || typeof p !== 'object') continue;
    const name = label(p.Name);
    if ('NominalValue' in p) {
      const nv = p.NominalValue as StepValue | null;
      const valueType = typeof nv?.name === 'string' ? nv.name : undefined;
      rows.push({ name, value: scalar(nv), ...(valueType ? { valueType } : {}) });
    } else if ('EnumerationValues' in p) {
      rows.push({ name, value: scalar(p.EnumerationValues) });
    } else if ('ListValues' in p) {
      rows.push({ name, value: scalar(p.ListValues) });
    } else {
      rows.push({ name, value: typeof (p as StepValue).type === 'number' ? ifcTypeName(api, (p as StepValue).type!) : null });
    }
  }
  return rows;
}

function quantityRows(set: Record<string, unknown>): PropertyRow[] {
  const rows: PropertyRow[] = [];
  for (const q of (set.Quantities ?? []) as Record<string, unknown>[]) {
    if (!q || typeof q !== 'object') continue;
    const field = QUANTITY_FIELDS.find((f) => f in q);
    rows.push({ name: label(q.Name), value: field ? scalar(q[field]) : null, ...(field && QUANTITY_UNIT[field] ? { valueType: QUANTITY_UNIT[field] } : {}) });
  }
  return rows;
}

/** Throws a message naming the expressID when the element does not exist in the model. */
export async function readElementProperties(api: IfcAPI, modelID: number, expressID: number): Promise<ElementProperties> {
  const code = api.GetLineType(modelID, expressID) as number;
  if (!code) throw new Error(`readElementProperties: #${expressID} is not an entity of this model`);
  const item = (await api.properties.getItemProperties(modelID, expressID, false)) as Record<string, unknown>;
  const attributes: PropertyRow[] = [];
  for (const [key, v] of Object.entries(item)) {
    if (key === 'expressID' || key === 'type') continue;
    const s = scalar(v);
    // References (Handles to placement, representation…) are not attributes a person reads.
    if (v && typeof v === 'object' && (v as StepValue).type === 5) continue;
    attributes.push({ name: key, value: s });
  }
  const occurrence = (await api.properties.getPropertySets(modelID, expressID, true, false)) as Record<string, unknown>[];
  // Type-object sets: web-ifc's includeTypeProperties trips on types without HasPropertySets, so read them here.
  const typeSets: Record<string, unknown>[] = [];
  // IFC2x3: IfcRelDefinesByType via IsDefinedBy; IFC4: IsTypedBy (web-ifc picks by schema). An
  // occurrence has at most one type object; the first is the one shown.
  const typeObjects = (await api.properties.getTypeProperties(modelID, expressID, false)) as Record<string, unknown>[];
  const first = typeObjects[0];
  const typeObject: TypeObjectRef | null =
    first && typeof first.expressID === 'number' && typeof first.type === 'number'
      ? { expressID: first.expressID, ifcClass: ifcTypeName(api, first.type), name: label(first.Name) }
      : null;
  for (const t of typeObjects) {
    const sets = Array.isArray(t.HasPropertySets) ? (t.HasPropertySets as StepValue[]) : [];
    for (const ref of sets) {
      if (typeof ref?.value === 'number') typeSets.push(api.GetLine(modelID, ref.value, true) as Record<string, unknown>);
    }
  }
  const propertySets: PropertyGroup[] = [];
  const quantities: PropertyGroup[] = [];
  const add = (set: Record<string, unknown>, fromType: boolean): void => {
    const group = { expressID: set.expressID as number, name: label(set.Name), fromType };
    if (set.type === webIfc().IFCELEMENTQUANTITY) quantities.push({ ...group, rows: quantityRows(set) });
    else if ('HasProperties' in set) propertySets.push({ ...group, rows: propertyRows(api, set) });
  };
  for (const set of occurrence) add(set, false);
  for (const set of typeSets) add(set, true);
  return {
    expressID,
    type: ifcTypeName(api, code),
    globalId: label(item.GlobalId),
    name: label(item.Name),
    typeObject,
    attributes,
    propertySets,
    quantities,
  };
}
