/**
 * Reading attribute values of web-ifc `GetLine` objects, which arrive as wrapper objects
 * ({ value }, { _representationValue }), handles ({ value: expressID, type: 5 }), enums or null.
 * These helpers turn them into plain numbers/strings/ids and `null` for absent ($) values.
 */

type Raw = unknown;

function field(v: Raw, name: string): unknown {
  return v !== null && typeof v === 'object' && name in v ? (v as Record<string, unknown>)[name] : undefined;
}

/** A numeric attribute (IfcLengthMeasure, IfcReal, …) or null. */
export function ifcNumber(v: Raw): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  const inner = field(v, 'value') ?? field(v, '_representationValue') ?? field(v, '_internalValue');
  if (inner === undefined || inner === null) return null;
  const n = typeof inner === 'number' ? inner : Number(inner);
  return Number.isFinite(n) ? n : null;
}

/** A string attribute (IfcLabel, IfcIdentifier, enum) or null. */
export function ifcText(v: Raw): string | null {
  if (typeof v === 'string') return v;
  const inner = field(v, 'value');
  return typeof inner === 'string' ? inner : null;
}

/** The expressID a handle attribute points to, or null. */
export function ifcRef(v: Raw): number | null {
  const inner = field(v, 'value') ?? field(v, 'expressID');
  return typeof inner === 'number' ? inner : null;
}

/** The expressIDs of a list-of-handles attribute (empty when absent). */
export function ifcRefs(v: Raw): number[] {
  if (!Array.isArray(v)) return [];
  const out: number[] = [];
  for (const item of v) {
    const id = ifcRef(item);
    if (id !== null) out.push(id);
  }
  return out;
}
