/**
 * The Model tree's path to an element: an element picked in the 3D view opens its storey and its
 * type group in the tree, and nothing else. Before, the tree stayed as it was (the wall picked in
 * duplex's Level 2 sat in a closed group; nothing in the tree was marked).
 */
import { describe, expect, it } from 'vitest';
import { groupRows, treePath } from '../../../../../renderer/features/model/modelTreeGroups.js';

// 2 storeys; rows sorted by expressID as in ElementIndex. Types: 0 IfcWall, 1 IfcDoor, 2 IfcSite.
const ix = {
  storeys: Int32Array.from([1, -1, 0, 1, 1, 0, 1]),
  types: Uint16Array.from([0, 2, 0, 1, 0, 1, 0]),
};

describe('Model tree groups and the path to an element', () => {
  it('groups rows by storey slot and type, elements in no storey in the last slot', () => {
    const g = groupRows(ix, 2);
    expect(g).toHaveLength(3);
    expect([...g[0]!.entries()]).toEqual([[0, [2]], [1, [5]]]);
    expect([...g[1]!.entries()]).toEqual([[0, [0, 4, 6]], [1, [3]]]);
    expect([...g[2]!.entries()]).toEqual([[2, [1]]]);
  });

  it('finds the storey, the type group and the position of a picked element', () => {
    const g = groupRows(ix, 2);
    expect(treePath(g, ix, 6)).toEqual({ slot: 1, storey: 1, type: 0, position: 2 });
    expect(treePath(g, ix, 5)).toEqual({ slot: 0, storey: 0, type: 1, position: 0 });
    // The site, in no storey: the tree's "No storey" group (test id model-storey--1).
    expect(treePath(g, ix, 1)).toEqual({ slot: 2, storey: -1, type: 2, position: 0 });
    expect(treePath(g, ix, -1)).toBeNull();
    expect(treePath(g, ix, 7)).toBeNull();
  });

  it('finds an element deep in a big group by position (the tree lists it without the rows before it)', () => {
    const n = 20_000;
    const big = { storeys: new Int32Array(n), types: new Uint16Array(n) };
    for (let r = 0; r < n; r++) big.types[r] = r % 2;
    const g = groupRows(big, 1);
    expect(treePath(g, big, 19_999)).toEqual({ slot: 0, storey: 0, type: 1, position: 9_999 });
  });
});
