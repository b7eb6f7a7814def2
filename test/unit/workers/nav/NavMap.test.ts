import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../../../common/scenario';
import { NavMap } from '../../../../workers/nav/NavMap';

const rect = (x0: number, y0: number, x1: number, y1: number): [number, number][] => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
const base = (extra: Partial<Scenario> = {}): Scenario => ({ maxTime: 10, cellSize: 0.1, floors: [{ id: 'F0', walkable: [rect(0, 0, 20, 20)] }],
  exits: [{ id: 'E', floor: 'F0', segment: [[0, 0], [0, 0.5]] }], agentGroups: [], ...extra });

describe('NavMap distance fields', () => {
  it('is Euclidean, not Manhattan: the diagonal of an open room costs ≈ √2 · side', () => {
    const nav = NavMap.build(base());
    const field = nav.fields[0]!;
    const d = nav.value(field, 0, 15, 15); // straight-line ≈ 21.2 m from the exit corner; Manhattan would be 30 m
    // Wall clearance slows the first few cells along the walls; allow 8 %.
    expect(d).toBeGreaterThan(15 * Math.SQRT2 * 0.97);
    expect(d).toBeLessThan(15 * Math.SQRT2 * 1.08);
  });

  it('walks around obstacles, and its direction points along the way round', () => {
    const nav = NavMap.build(base({ floors: [{ id: 'F0', walkable: [rect(0, 0, 20, 20)], obstacles: [rect(5, 0, 6, 15)] }],
      exits: [{ id: 'E', floor: 'F0', segment: [[0, 4], [0, 5]] }] }));
    const field = nav.fields[0]!;
    expect(nav.value(field, 0, 10, 4.5)).toBeGreaterThan(2 * 10.5 + 1); // up to y 15, round and back down
    const dir = new Float64Array(2);
    nav.direction(field, 0, 10, 4.5, dir);
    expect(dir[1]).toBeGreaterThan(0.5); // heads north, round the obstacle's end
  });

  it('joins floors through links and marks cells with no way out as unreachable', () => {
    const s = base({ floors: [{ id: 'A', walkable: [rect(0, 0, 5, 2)] }, { id: 'B', walkable: [rect(0, 0, 5, 2)] }, { id: 'C', walkable: [rect(0, 0, 5, 2)] }],
      links: [{ id: 'S', kind: 'stairs', from: { floor: 'A', segment: [[5, 0], [5, 2]] }, to: { floor: 'B', segment: [[0, 0], [0, 2]] }, length: 6, speedFactor: 0.5 }],
      exits: [{ id: 'E', floor: 'B', segment: [[5, 0], [5, 2]] }] });
    const nav = NavMap.build(s);
    const f = nav.fields[0]!;
    const onA = nav.value(f, 0, 1, 1);
    expect(onA).toBeGreaterThan(4 + 12 + 4.5); // 4 m on A + 6 m / 0.5 + 5 m on B (less the portal strips)
    expect(onA).toBeLessThan(4 + 12 + 5.5);
    expect(nav.value(f, 2, 1, 1)).toBe(Infinity);
  });

  it('takes an exit on the walkable edge wherever that edge falls between cell centres, and still rejects one off it', () => {
    // Cell centres lie at x = k·0.1 + 0.05 here. The room's edge at x 10.035 is 0.085 m from the last walkable centre
    // (9.95), beyond the 0.08 m a centre may be from a portal: the exit on that edge was rejected as "not on any walkable edge".
    const room = (x: number): Partial<Scenario> => ({ floors: [{ id: 'F0', walkable: [rect(0, 0, 10.035, 5)] }], exits: [{ id: 'E', floor: 'F0', segment: [[x, 2], [x, 3]] }] });
    const nav = NavMap.build(base(room(10.035)));
    expect(nav.value(nav.fields[0]!, 0, 5, 2.5)).toBeGreaterThan(4.5);
    expect(nav.value(nav.fields[0]!, 0, 5, 2.5)).toBeLessThan(5.6);
    // 0.1 m beyond the edge is off it (no walkable area within 0.08 m), whatever the grid
    expect(() => NavMap.build(base(room(10.135)))).toThrow(/exits\[0\]\.segment: not on any walkable edge/);
    expect(() => NavMap.build(base({ ...room(10.2), floors: [{ id: 'F0', walkable: [rect(0, 0, 10.1, 5)] }] }))).toThrow(/not on any walkable edge/);
  });

  it('rejects an exit drawn inside the floor (people would leave through it like a trapdoor), and takes one across a corridor\'s open end', () => {
    const room = (segment: [[number, number], [number, number]]): Scenario => base({ floors: [{ id: 'F0', walkable: [rect(0, 0, 10, 5)] }], exits: [{ id: 'E', floor: 'F0', segment }] });
    expect(() => NavMap.build(room([[5, 4], [6, 4]]))).toThrow(/exits\[0\]\.segment: not on any walkable edge of floor "F0": it lies inside the walkable area/);
    // From wall to wall across the middle of the room: only its ends touch the edge.
    expect(() => NavMap.build(room([[5, 0], [5, 5]]))).toThrow(/inside the walkable area/);
    expect(() => NavMap.build(room([[10, 1], [10, 3]]))).not.toThrow();
    // Along an obstacle's side is an edge too; a link end (stairs in a room) may lie inside.
    expect(() => NavMap.build(base({ floors: [{ id: 'F0', walkable: [rect(0, 0, 10, 5)], obstacles: [rect(4, 2, 6, 3)] }], exits: [{ id: 'E', floor: 'F0', segment: [[4.5, 3], [5.5, 3]] }] }))).not.toThrow();
    expect(() => NavMap.build(base({ floors: [{ id: 'A', walkable: [rect(0, 0, 10, 5)] }, { id: 'B', walkable: [rect(0, 0, 10, 5)] }],
      links: [{ id: 'S', kind: 'stairs', from: { floor: 'A', segment: [[5, 2], [5, 3]] }, to: { floor: 'B', segment: [[5, 2], [5, 3]] }, length: 5 }],
      exits: [{ id: 'E', floor: 'B', segment: [[10, 1], [10, 3]] }] }))).not.toThrow();
  });

  it('has a wall distance that changes by at most √2 per metre and stays within 1.5 cells of its cell value (the simulation skips samples on that)', () => {
    // Stage 5 takes the cell's value less 1.5 h as a lower bound of the bilinear sample far from walls, and stage 6
    // skips the sample at the end of a step that cannot bring a body within its radius of a wall (slotStages).
    const poly: [number, number][] = [[0, 0], [14, 0], [14, 3], [9, 9], [3, 9], [3, 4.3], [0, 4.3]];
    const nav = NavMap.build(base({ cellSize: 0.1, floors: [{ id: 'F0', walkable: [poly], obstacles: [rect(5, 1, 5.4, 1.4), [[8, 5], [9.5, 6.2], [8.3, 7]]] }],
      exits: [{ id: 'E', floor: 'F0', segment: [[0, 1], [0, 2]] }] }));
    const g = nav.grids[0]!;
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    let worstCell = Infinity, worstStep = Infinity, near = 0;
    for (let k = 0; k < 20_000; k++) {
      const x = -0.5 + 15 * rnd(), y = -0.5 + 10 * rnd(), dx = (rnd() - 0.5) * 0.6, dy = (rnd() - 0.5) * 0.6;
      const w = g.sampleWallDist(x, y), c = g.cellIndex(x, y);
      if (c >= 0) worstCell = Math.min(worstCell, w - (g.wallDist[c]! - 1.5 * g.h));
      worstStep = Math.min(worstStep, g.sampleWallDist(x + dx, y + dy) - (w - 1.5 * (Math.abs(dx) + Math.abs(dy))));
      if (w < 0.3) near++;
    }
    expect(near).toBeGreaterThan(1000); // the points test the walls, not only open floor
    expect(worstCell).toBeGreaterThanOrEqual(0);
    expect(worstStep).toBeGreaterThanOrEqual(-1e-9);
  });
});
