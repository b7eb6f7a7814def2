import { describe, expect, it } from 'vitest';
import { FloorDensityMap } from '../../../../workers/peopleflow/FloorDensityMap.js';
import type { FlowZone } from '../../../../workers/peopleflow/FlowGeometry.js';
import { WalkableGrid } from '../../../../workers/positioning/WalkableGrid.js';

// A 10 × 10 m room; 1 m cells; 3 × 3-cell neighbourhood (k = 1).
const room: FlowZone = { id: 'r', name: 'Room', floor: '1F', kind: 'space', polygon: [[0, 0], [10, 0], [10, 10], [0, 10]] };

describe('FloorDensityMap', () => {
  it('density is people in the neighbourhood per walkable m², with the Fruin level', () => {
    const map = FloorDensityMap.build('1F', [room], null, 1, 1)!;
    expect([map.cols, map.rows]).toEqual([10, 10]);
    // 18 people in the cell at (5.5, 5.5): 18 people over the 9 m² neighbourhood = 2 P/m².
    const counts = new Float32Array(100);
    counts[map.cellOf(5.5, 5.5)] = 18;
    const d = map.current(counts, 18);
    expect(d.people).toBe(18);
    expect(d.density[map.cellOf(5.5, 5.5)]).toBeCloseTo(2, 5);
    expect(d.density[map.cellOf(6.5, 6.5)]).toBeCloseTo(2, 5); // diagonal neighbour sees them too
    expect(d.density[map.cellOf(8.5, 8.5)]).toBe(0);
    expect(d.level[map.cellOf(5.5, 5.5)]).toBe(4); // 2.0 P/m²: Fruin E (1.08 < d ≤ 2.17)
    expect(d.level[map.cellOf(8.5, 8.5)]).toBe(0); // empty: A
  });

  it('a corner cell divides by its walkable neighbourhood only (4 m², not 9)', () => {
    const map = FloorDensityMap.build('1F', [room], null, 1, 1)!;
    const counts = new Float32Array(100);
    counts[map.cellOf(0.5, 0.5)] = 4;
    expect(map.current(counts, 4).density[map.cellOf(0.5, 0.5)]).toBeCloseTo(1, 5);
  });

  it('walls of the walkable map are not walkable cells (level 255) and do not dilute density', () => {
    // Walkable: the room less its right half.
    const walk = new WalkableGrid([{ floor: '1F', polygons: [[[0, 0], [5, 0], [5, 10], [0, 10]]], holes: [] }], 0.25);
    const map = FloorDensityMap.build('1F', [room], walk, 1, 1)!;
    const counts = new Float32Array(map.cols * map.rows);
    counts[map.cellOf(4.5, 5.5)] = 6; // next to the edge: a 2 × 3 walkable neighbourhood
    const d = map.current(counts, 6);
    expect(d.density[map.cellOf(4.5, 5.5)]).toBeCloseTo(1, 5);
    expect(d.level[map.cellOf(7.5, 5.5)]).toBe(255);
  });

  it('average density is person-time per cell over the span, reset by resetDwell', () => {
    const map = FloorDensityMap.build('1F', [room], null, 1, 1)!;
    // One person stands at (5.5, 5.5) for half of a 60 s span: 0.5 person on average over 9 m².
    map.addDwell(5.5, 5.5, 30_000);
    const avg = map.average(60_000);
    expect(avg.people).toBeCloseTo(0.5, 5);
    expect(avg.density[map.cellOf(5.5, 5.5)]).toBeCloseTo(0.5 / 9, 5);
    map.addDwell(50, 50, 1000); // outside the raster: ignored
    map.resetDwell();
    expect(map.average(60_000).people).toBe(0);
  });

  it('a floor with no zones and no walkable map has no raster', () => {
    expect(FloorDensityMap.build('9F', [], null, 1, 1)).toBeNull();
  });
});
