/**
 * The plan view's density heatmap: a deck.gl BitmapLayer of the density grid in Fruin colours,
 * stretched over the grid's building-frame rectangle (nearest filtering: one crisp square per
 * cell). The canvas is reused between updates.
 */
import { BitmapLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import type { DensityGrid } from '../../../workers/peopleflow/PeopleFlow.js';
import { densityImage } from './densityImage.js';

export class DensityPlanLayer {
  private canvas: HTMLCanvasElement | null = null;
  private layer: Layer | null = null;
  private version = 0;

  /** Redraws the bitmap from `grid` (null: nothing to draw). */
  update(grid: DensityGrid | null): void {
    if (!grid || grid.cols === 0 || grid.rows === 0) {
      this.layer = null;
      return;
    }
    const canvas = (this.canvas ??= document.createElement('canvas'));
    canvas.width = grid.cols;
    canvas.height = grid.rows;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.putImageData(new ImageData(densityImage(grid, true), grid.cols, grid.rows), 0, 0);
    this.version++;
    const { minX, minY, cellSize, cols, rows } = grid;
    this.layer = new BitmapLayer({
      id: `people-density-${grid.floor}`,
      image: canvas,
      bounds: [minX, minY, minX + cols * cellSize, minY + rows * cellSize],
      textureParameters: { minFilter: 'nearest', magFilter: 'nearest' },
      opacity: 0.85,
      updateTriggers: { image: this.version },
      pickable: false,
    });
  }

  layers(): Layer[] {
    return this.layer ? [this.layer] : [];
  }

  dispose(): void {
    this.layer = null;
    this.canvas = null;
  }
}
