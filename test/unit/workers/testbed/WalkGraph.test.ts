import { describe, expect, it } from 'vitest';
import { buildTestbedLayout } from '../../../../common/testbedLayout.js';
import { WalkGraph } from '../../../../workers/testbed/WalkGraph.js';
import { segmentInsideRing } from '../../../../workers/testbed/planGeometry.js';

describe('WalkGraph on the testbed layout', () => {
  const layout = buildTestbedLayout();
  const g = new WalkGraph(layout);
  const buf = { x: new Float64Array(64), y: new Float64Array(64), storey: new Int32Array(64) };

  it('reaches every space from every other, through doors, open boundaries and stairs', () => {
    for (const a of g.spaces) {
      for (const b of g.spaces) {
        const n = g.route(a.index, a.centroid[0], a.centroid[1], b.index, b.centroid[0], b.centroid[1], buf);
        if (n === 0) throw new Error(`no route ${a.id} → ${b.id}`);
        expect(buf.storey[n - 1]).toBe(b.storey);
      }
    }
  });

  it('never walks through a wall: each leg stays inside one space, crosses a door, an opening or a flight', () => {
    const office = g.spaces.find((s) => s.id === '1F-S01')!;
    const target = g.spaces.find((s) => s.id === '3F-N05')!;
    const n = g.route(office.index, office.centroid[0], office.centroid[1], target.index, target.centroid[0], target.centroid[1], buf);
    let px = office.centroid[0], py = office.centroid[1], ps = office.storey;
    let stairs = 0;
    for (let k = 0; k < n; k++) {
      const x = buf.x[k]!, y = buf.y[k]!, s = buf.storey[k]!;
      if (s !== ps) {
        stairs++;
        expect(layout.stairs.some((st) => Math.hypot(st.bottom[0] - px, st.bottom[1] - py) < 1e-6 && Math.hypot(st.top[0] - x, st.top[1] - y) < 1e-6)).toBe(true);
      } else {
        const inOne = g.spaces.some((sp) => sp.storey === s && segmentInsideRing(sp.ring, px, py, x, y));
        const short = Math.hypot(x - px, y - py) <= 0.71; // door/opening crossing: 2 × 0.35 m
        expect(inOne || short).toBe(true);
      }
      px = x; py = y; ps = s;
    }
    expect(stairs).toBe(2);
  });

  it('routes round the atrium along the corridor ring when that is shorter than a detour', () => {
    const w = g.spaces.find((s) => s.id === '2F-COR-W')!;
    const e = g.spaces.find((s) => s.id === '2F-COR-E')!;
    const n = g.route(w.index, w.centroid[0], w.centroid[1], e.index, e.centroid[0], e.centroid[1], buf);
    let len = 0, px = w.centroid[0], py = w.centroid[1];
    for (let k = 0; k < n; k++) { len += Math.hypot(buf.x[k]! - px, buf.y[k]! - py); px = buf.x[k]!; py = buf.y[k]!; }
    const straight = Math.hypot(e.centroid[0] - w.centroid[0], e.centroid[1] - w.centroid[1]);
    expect(len).toBeGreaterThanOrEqual(straight - 1e-6);
    expect(len).toBeLessThan(straight * 1.15); // the atrium is open to the corridors: nearly straight
  });
});

describe('WalkGraph in a concave space', () => {
  it('bends round the inner corner of an L-shaped room (counter-clockwise or clockwise outline) instead of cutting through the wall', () => {
    const l: [number, number][] = [[0, 0], [10, 0], [10, 4], [4, 4], [4, 10], [0, 10]];
    for (const polygon of [l, [...l].reverse()]) {
      const g = new WalkGraph({
        storeys: [{ index: 0, name: '1F', elevation: 0, height: 3 }],
        spaces: [{ id: 'L', name: 'L', storey: 0, usage: 'hall', polygon }],
        doors: [], stairs: [], walls: [],
      });
      expect(g.nodeCount).toBe(1); // the reflex corner (4, 4), 0.5 m inside on both axes
      expect([g.nodeX[0], g.nodeY[0]]).toEqual([3.5, 3.5].map((v) => expect.closeTo(v, 6)));
      const buf = { x: new Float64Array(8), y: new Float64Array(8), storey: new Int32Array(8) };
      const n = g.route(0, 9, 2, 0, 2, 9, buf);
      expect(n).toBe(2);
      expect([buf.x[0], buf.y[0]]).toEqual([expect.closeTo(3.5, 6), expect.closeTo(3.5, 6)]);
      expect(segmentInsideRing(polygon, 9, 2, buf.x[0]!, buf.y[0]!)).toBe(true);
      expect(segmentInsideRing(polygon, buf.x[0]!, buf.y[0]!, 2, 9)).toBe(true);
    }
  });
});

describe('WalkGraph.routeWithin', () => {
  // Three rooms in a row, each with a door to the next and one to a corridor along them:
  //   corridor y 0–2 │ rooms y 2–8: A x 0–6, B x 6–12, C x 12–18.
  const rect = (x0: number, y0: number, x1: number, y1: number): [number, number][] => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
  const g = new WalkGraph({
    storeys: [{ index: 0, name: '1F', elevation: 0, height: 3 }],
    spaces: [
      { id: 'A', name: 'A', storey: 0, usage: 'office', polygon: rect(0, 2, 6, 8) },
      { id: 'B', name: 'B', storey: 0, usage: 'office', polygon: rect(6, 2, 12, 8) },
      { id: 'C', name: 'C', storey: 0, usage: 'office', polygon: rect(12, 2, 18, 8) },
      { id: 'K', name: 'K', storey: 0, usage: 'corridor', polygon: rect(0, 0, 18, 2) },
    ],
    doors: [
      { id: 'AB', storey: 0, x: 6, y: 5, width: 1, orientation: 'y', between: ['A', 'B'], exterior: false },
      { id: 'BC', storey: 0, x: 12, y: 5, width: 1, orientation: 'y', between: ['B', 'C'], exterior: false },
      { id: 'AK', storey: 0, x: 3, y: 2, width: 1, orientation: 'x', between: ['A', 'K'], exterior: false },
      { id: 'CK', storey: 0, x: 15, y: 2, width: 1, orientation: 'x', between: ['C', 'K'], exterior: false },
    ],
    stairs: [], walls: [
      { storey: 0, a: [6, 2], b: [6, 8], thickness: 0.2, exterior: false }, { storey: 0, a: [12, 2], b: [12, 8], thickness: 0.2, exterior: false },
      { storey: 0, a: [0, 2], b: [18, 2], thickness: 0.2, exterior: false },
    ],
  });
  const buf = { x: new Float64Array(64), y: new Float64Array(64), storey: new Int32Array(64) };
  const [A, B, C, K] = [0, 1, 2, 3];
  const spacesOf = (n: number) => Array.from({ length: n }, (_, k) => g.spaceAt(0, buf.x[k]!, buf.y[k]!));
  const length = (n: number) => { let L = 0, x = 3, y = 5; for (let k = 0; k < n; k++) { L += Math.hypot(buf.x[k]! - x, buf.y[k]! - y); x = buf.x[k]!; y = buf.y[k]!; } return L; };

  it('takes the shortest route when it stays in the allowed spaces, goes round a room it may not enter, or does not go', () => {
    const all = Uint8Array.of(1, 1, 1, 1), noB = Uint8Array.of(1, 0, 1, 1), onlyAC = Uint8Array.of(1, 0, 1, 0);
    const direct = g.routeWithin(A, 3, 5, C, 15, 5, all, buf);
    expect(spacesOf(direct)).toContain(B); // straight through B's two doors
    const shortest = length(direct);
    const round = g.routeWithin(A, 3, 5, C, 15, 5, noB, buf);
    expect(round).toBeGreaterThan(0);
    expect(spacesOf(round)).not.toContain(B);
    expect(spacesOf(round)).toContain(K);
    expect(length(round)).toBeGreaterThan(shortest + 2);
    expect(g.route(A, 3, 5, C, 15, 5, buf)).toBe(direct); // route() itself is unchanged
    expect(g.routeWithin(A, 3, 5, C, 15, 5, onlyAC, buf)).toBe(0);
  });
});
