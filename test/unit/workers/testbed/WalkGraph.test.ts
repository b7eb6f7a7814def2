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
