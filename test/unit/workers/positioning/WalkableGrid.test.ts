import { describe, expect, it } from 'vitest';
import { buildTestbedLayout } from '../../../../common/testbedLayout.js';
import { rasterSegmentClear, WalkableGrid } from '../../../../workers/positioning/WalkableGrid.js';
import { walkableFromLayout } from '../../../../workers/positioning/walkableFromLayout.js';

describe('walkable map of the sample building', () => {
  const layout = buildTestbedLayout();
  const walk = walkableFromLayout(layout);
  const grid = new WalkableGrid(walk.maps);

  it('has one map per storey and a link per stair flight', () => {
    expect(walk.floors).toEqual(['1F', '2F', '3F']);
    expect(walk.links.length).toBe(layout.stairs.length);
  });

  it('rooms and corridors are walkable, walls and the outside are not', () => {
    expect(grid.isWalkable('1F', 13, 4)).toBe(true); // room S01
    expect(grid.isWalkable('2F', 30, 15)).toBe(true); // atrium
    expect(grid.isWalkable('1F', 16, 4)).toBe(false); // wall between S01 and S02 (x = 16)
    expect(grid.isWalkable('1F', 20, 8)).toBe(false); // corridor wall between doors
    expect(grid.isWalkable('1F', -3, 10)).toBe(false); // outside
    expect(grid.isWalkable('9F', 13, 4)).toBe(false); // unknown floor
  });

  it('a move through a wall is refused, through its door allowed', () => {
    const r = grid.raster('1F')!;
    expect(rasterSegmentClear(r, grid.cellSize, 14, 6, 14, 10)).toBe(false);
    expect(rasterSegmentClear(r, grid.cellSize, 13, 6, 13, 10)).toBe(true); // door of S01 at x = 13
  });

  it('walkable area is the footprint less walls (within a few %)', () => {
    const footprint = 56 * 30;
    expect(grid.area('1F')).toBeGreaterThan(footprint * 0.9);
    expect(grid.area('1F')).toBeLessThan(footprint);
  });
});

describe('WalkableGrid on a generic map', () => {
  it('keeps a thin wall closed whether it is a hole or a notch of the walkable ring', () => {
    // Two 4 × 4 m rooms side by side, separated at x = 4 by a 0.1 m wall with a 1 m door at y 1.5–2.5.
    const notch: [number, number][] = [
      [0, 0], [3.95, 0], [3.95, 1.5], [4.05, 1.5], [4.05, 0], [8, 0], [8, 4], [4.05, 4], [4.05, 2.5], [3.95, 2.5], [3.95, 4], [0, 4],
    ];
    const asNotch = new WalkableGrid([{ floor: 'L0', polygons: [notch], holes: [] }]);
    const asHole = new WalkableGrid([{
      floor: 'L0',
      polygons: [[[0, 0], [8, 0], [8, 4], [0, 4]]],
      holes: [[[3.95, 0], [4.05, 0], [4.05, 1.5], [3.95, 1.5]], [[3.95, 2.5], [4.05, 2.5], [4.05, 4], [3.95, 4]]],
    }]);
    for (const g of [asNotch, asHole]) {
      const r = g.raster('L0')!;
      expect(rasterSegmentClear(r, g.cellSize, 3, 0.8, 5, 0.8)).toBe(false);
      expect(rasterSegmentClear(r, g.cellSize, 3, 3.2, 5, 3.2)).toBe(false);
      expect(rasterSegmentClear(r, g.cellSize, 3, 2, 5, 2)).toBe(true);
    }
  });
});
