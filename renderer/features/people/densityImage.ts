/**
 * A density grid as RGBA pixels in Fruin colours, one pixel per cell (the plan view and the 3D
 * floor overlay scale it up with nearest filtering, so cells stay crisp). Cells that are not
 * walkable, and walkable cells with nobody near (density 0), are transparent.
 */
import { FRUIN_COLOURS } from '../../../workers/peopleflow/fruin.js';
import type { DensityGrid } from '../../../workers/peopleflow/PeopleFlow.js';

/**
 * @param northUp true: pixel row 0 is the grid's top (max y), as images and deck.gl's BitmapLayer
 *   expect; false: row 0 is min y, as a three.js DataTexture (flipY false) on a north-up plane.
 */
export function densityImage(grid: DensityGrid, northUp: boolean): Uint8ClampedArray<ArrayBuffer> {
  const { cols, rows } = grid;
  const out = new Uint8ClampedArray(cols * rows * 4);
  for (let r = 0; r < rows; r++) {
    const row = northUp ? rows - 1 - r : r;
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const lvl = grid.level[i]!;
      if (lvl === 255 || grid.density[i]! <= 0) continue;
      const rgba = FRUIN_COLOURS[lvl]!;
      out.set(rgba, (row * cols + c) * 4);
    }
  }
  return out;
}
