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
