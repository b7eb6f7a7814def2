/**
 * How the Model tree groups a model's elements (storey › IFC type › elements) and where one element
 * sits in it: the path the tree opens when an element is picked in the 3D view, so that only that
 * storey and that type group are expanded and rendered (office-a has 803 elements, generated
 * samples tens of thousands: the tree never renders every row).
 *
 * Slots: 0 … storeyCount−1 are the model's storeys (ElementIndex.storeys), slot storeyCount holds
 * the elements in no storey (index −1). Rows in a group ascend (element rows are sorted by expressID).
 */
import type { ElementIndex } from '../../../workers/ifc/geometry/ProcessedModel.js';

/** Per slot: IFC type index (into ElementIndex.typeNames) → element rows of that storey and type. */
export type TreeGroups = Map<number, number[]>[];

/** Where an element row sits in the tree. */
export interface TreePath {
  /** Slot of its storey group (storeyCount: "No storey"). */
  slot: number;
  /** Its storey index, or −1 for none (as the tree's `model-storey-N` test ids name them). */
  storey: number;
  /** Its type group: an index into ElementIndex.typeNames. */
  type: number;
  /** Its position in the type group's list (0-based). */
  position: number;
}

export function groupRows(ix: Pick<ElementIndex, 'storeys' | 'types'>, storeyCount: number): TreeGroups {
  const groups: TreeGroups = Array.from({ length: storeyCount + 1 }, () => new Map());
  for (let r = 0; r < ix.storeys.length; r++) {
    const st = ix.storeys[r]!;
    const m = groups[st >= 0 && st < storeyCount ? st : storeyCount]!;
    const t = ix.types[r]!;
    let list = m.get(t);
    if (!list) m.set(t, (list = []));
    list.push(r);
  }
  return groups;
}

/** The tree path of element row `row`, or null when the row is not in `groups`. */
export function treePath(groups: TreeGroups, ix: Pick<ElementIndex, 'storeys' | 'types'>, row: number): TreePath | null {
  if (row < 0 || row >= ix.storeys.length) return null;
  const storeyCount = groups.length - 1;
  const st = ix.storeys[row]!;
  const slot = st >= 0 && st < storeyCount ? st : storeyCount;
  const type = ix.types[row]!;
  const rows = groups[slot]?.get(type);
  if (!rows) return null;
  // Binary search: rows ascend.
  let lo = 0, hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = rows[mid]!;
    if (v === row) return { slot, storey: slot === storeyCount ? -1 : slot, type, position: mid };
    if (v < row) lo = mid + 1;
    else hi = mid - 1;
  }
  return null;
}

