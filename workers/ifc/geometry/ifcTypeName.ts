/**
 * IFC entity name as people read it ("IfcWallStandardCase"), from web-ifc's numeric type code.
 * web-ifc reports a name whose case varies by version; the CamelCase spelling comes from the keys of
 * its generated schema namespaces (object keys survive minification, class names do not).
 */
import type { IfcAPI } from 'web-ifc';
import { webIfc } from '../webIfc.js';

let camelByUpper: Map<string, string> | null = null;

function camelNames(): Map<string, string> {
  if (camelByUpper) return camelByUpper;
  camelByUpper = new Map();
  const W = webIfc();
  for (const ns of [W.IFC2X3, W.IFC4, W.IFC4X3] as unknown as Record<string, unknown>[]) {
    for (const key of Object.keys(ns)) if (key.startsWith('Ifc')) camelByUpper.set(key.toUpperCase(), key);
  }
  return camelByUpper;
}

export function ifcTypeName(api: IfcAPI, typeCode: number): string {
  const upper = String(api.GetNameFromTypeCode(typeCode) ?? '');
  if (!upper) return `IfcType${typeCode}`;
  return ifcTypeNameOfStep(upper.toUpperCase());
}

/** The same for an entity name as written in the STEP file ("IFCWALL" → "IfcWall"). */
export function ifcTypeNameOfStep(upper: string): string {
  return camelNames().get(upper) ?? upper;
}
