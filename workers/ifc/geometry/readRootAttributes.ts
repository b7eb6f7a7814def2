/**
 * GlobalId, Name and entity name of many IfcRoot entities, read straight from the STEP bytes.
 *
 * Why: web-ifc's GetRawLinesData builds an embind object per argument and costs ≈ 10-20 µs per
 * line; an element index of 60 000 elements then spends about a second there, a tenth of the
 * whole parse + geometry time. One pass over the file with `indexOf('\n')` finds every data line
 * that starts a text line ("#123=IFCWALL('guid',#5,'name',…") in a few tens of milliseconds.
 *
 * The reader only trusts what it can read exactly: plain ASCII strings without escapes. Anything
 * else (a `\X2\` or `\S\` escape, a doubled quote, a non-ASCII byte, an entity that shares its
 * text line with another, an id seen twice, an unexpected token) leaves that row unresolved, and
 * the caller asks web-ifc for those rows only. Results therefore equal web-ifc's, only faster.
 */

export interface RootAttributes {
  /** Upper-case STEP entity name per row ("IFCWALLSTANDARDCASE"); '' where unresolved. */
  entity: string[];
  globalIds: string[];
  names: string[];
  /** Rows the bytes could not answer exactly (ascending): read them through web-ifc. */
  unresolved: number[];
}

const NL = 0x0a, CR = 0x0d, SP = 0x20, TAB = 0x09, HASH = 0x23, EQ = 0x3d, LPAREN = 0x28, COMMA = 0x2c;
const QUOTE = 0x27, DOLLAR = 0x24, STAR = 0x2a, BACKSLASH = 0x5c;

/** Largest expressID the row table is built for (4 bytes each); larger ids go to web-ifc. */
const MAX_TABLE_ID = 1 << 25;

/**
 * `expressIDs`: the rows, ascending or not. Returns per-row values in the same order.
 */
export function readRootAttributes(bytes: Uint8Array, expressIDs: ArrayLike<number>): RootAttributes {
  const n = expressIDs.length;
  const entity = new Array<string>(n).fill('');
  const globalIds = new Array<string>(n).fill('');
  const names = new Array<string>(n).fill('');
  const state = new Uint8Array(n); // 0 not seen, 1 resolved, 2 give up
  let maxId = 0;
  for (let i = 0; i < n; i++) if (expressIDs[i]! > maxId && expressIDs[i]! < MAX_TABLE_ID) maxId = expressIDs[i]!;
  const rowOf = new Int32Array(maxId + 1).fill(-1);
  for (let i = 0; i < n; i++) {
    const id = expressIDs[i]!;
    if (id < MAX_TABLE_ID) rowOf[id] = i;
    else state[i] = 2;
  }
  let pending = 0;
  for (let i = 0; i < n; i++) if (state[i] === 0) pending++;

  const len = bytes.length;
  let p = 0;
  while (p < len && pending > 0) {
    const nl = bytes.indexOf(NL, p);
    const end = nl < 0 ? len : nl;
    let q = p;
    while (q < end && (bytes[q] === SP || bytes[q] === TAB || bytes[q] === CR)) q++;
    if (bytes[q] === HASH) {
      let id = 0, digits = 0;
      for (q++; q < end; q++, digits++) {
        const c = bytes[q]! - 0x30;
        if (c < 0 || c > 9) break;
        id = id * 10 + c;
      }
      while (q < end && bytes[q] === SP) q++;
      if (digits > 0 && bytes[q] === EQ && id <= maxId && rowOf[id]! >= 0) {
        const row = rowOf[id]!;
        if (state[row] === 0) {
          pending--;
          state[row] = readLine(bytes, q + 1, end, row, entity, globalIds, names) ? 1 : 2;
        } else if (state[row] === 1) state[row] = 2; // the same id twice: trust web-ifc
      }
    }
    if (nl < 0) break;
    p = nl + 1;
  }
  const unresolved: number[] = [];
  for (let i = 0; i < n; i++) if (state[i] !== 1) unresolved.push(i);
  return { entity, globalIds, names, unresolved };
}

/** Parses `IFCNAME ( 'guid' , ref , 'name'|$` from q; false when anything is not plain. */
function readLine(bytes: Uint8Array, q: number, end: number, row: number, entity: string[], globalIds: string[], names: string[]): boolean {
  while (q < end && bytes[q] === SP) q++;
  const typeStart = q;
  for (; q < end; q++) {
    const c = bytes[q]!;
    if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || (c >= 0x61 && c <= 0x7a))) break;
  }
  if (q === typeStart) return false;
  const type = ascii(bytes, typeStart, q).toUpperCase();
  while (q < end && bytes[q] === SP) q++;
  if (bytes[q] !== LPAREN) return false;
  // GlobalId
  const g = readString(bytes, q + 1, end);
  if (!g) return false;
  q = skipComma(bytes, g.next, end);
  if (q < 0) return false;
  // OwnerHistory: a reference, $ or *; skipped.
  for (; q < end && bytes[q] !== COMMA; q++) {
    const c = bytes[q]!;
    if (c === QUOTE || c === LPAREN) return false;
  }
  if (bytes[q] !== COMMA) return false;
  // Name
  const nm = readString(bytes, q + 1, end);
  if (!nm) return false;
  entity[row] = type;
  globalIds[row] = g.value;
  names[row] = nm.value;
  return true;
}

/** A plain ASCII string token or $ / * (→ ''), then the position after it. */
function readString(bytes: Uint8Array, q: number, end: number): { value: string; next: number } | null {
  while (q < end && bytes[q] === SP) q++;
  const c = bytes[q];
  if (c === DOLLAR || c === STAR) return { value: '', next: q + 1 };
  if (c !== QUOTE) return null;
  const start = q + 1;
  for (q = start; q < end; q++) {
    const b = bytes[q]!;
    if (b === QUOTE) {
      if (bytes[q + 1] === QUOTE) return null; // '' escape: leave decoding to web-ifc
      return { value: ascii(bytes, start, q), next: q + 1 };
    }
    if (b === BACKSLASH || b >= 0x80 || b < SP) return null;
  }
  return null; // string runs past the text line
}

function skipComma(bytes: Uint8Array, q: number, end: number): number {
  while (q < end && bytes[q] === SP) q++;
  return bytes[q] === COMMA ? q + 1 : -1;
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  // Chunks keep fromCharCode's argument count small; names are short, so this is one call.
  for (let i = from; i < to; i += 4096) s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(to, i + 4096)) as unknown as number[]);
  return s;
}
