/**
 * Queries over an ElementIndex that the 3D view needs per click or per selection: which element
 * owns a picked triangle (binary search over the batch's index ranges), which element row has an
 * expressID (binary search), and the (batch, index range) pieces of an element (CSR lookup).
 * No allocation per query except the returned pieces.
 */
import { RANGE, RANGE_STRIDE, type ElementIndex, type GeometryBatch } from './ProcessedModel.js';

export interface ElementPiece {
  batch: number;
  /** First index (into the batch's index buffer) and number of indices. */
  indexStart: number;
  indexCount: number;
}

export class ElementLookup {
  constructor(
    readonly index: ElementIndex,
    readonly batches: readonly GeometryBatch[],
  ) {}

  get size(): number {
    return this.index.expressIDs.length;
  }

  /** Element row owning triangle `face` (three.js `intersection.faceIndex`) of batch `batch`, or -1. */
  rowAtTriangle(batch: number, face: number): number {
    const b = this.batches[batch];
    if (!b) return -1;
    const target = face * 3;
    const r = this.index.ranges;
    let lo = b.rangeStart, hi = b.rangeStart + b.rangeCount - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (r[mid * RANGE_STRIDE + RANGE.indexStart]! <= target) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return -1;
    const start = r[found * RANGE_STRIDE + RANGE.indexStart]!, count = r[found * RANGE_STRIDE + RANGE.indexCount]!;
    return target < start + count ? r[found * RANGE_STRIDE + RANGE.element]! : -1;
  }

  /** Element row of an expressID, or -1 when that entity has no geometry. */
  rowOf(expressID: number): number {
    const ids = this.index.expressIDs;
    let lo = 0, hi = ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = ids[mid]!;
      if (v === expressID) return mid;
      if (v < expressID) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The element's index ranges, one per batch it has triangles in. */
  pieces(row: number): ElementPiece[] {
    const ix = this.index;
    const out: ElementPiece[] = [];
    for (let k = ix.elementRangeStart[row]!, end = ix.elementRangeStart[row + 1]!; k < end; k++) {
      const r = ix.rangesByElement[k]! * RANGE_STRIDE;
      out.push({ batch: ix.ranges[r + RANGE.batch]!, indexStart: ix.ranges[r + RANGE.indexStart]!, indexCount: ix.ranges[r + RANGE.indexCount]! });
    }
    return out;
  }

  expressID(row: number): number {
    return this.index.expressIDs[row]!;
  }

  typeName(row: number): string {
    return this.index.typeNames[this.index.types[row]!] ?? '';
  }
}
