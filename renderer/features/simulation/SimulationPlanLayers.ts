/**
 * Plan-view layers of a simulation result: a density map (BitmapLayer, one DENSITY_CELL (2 m) cell per
 * pixel in Fruin level-of-service colours, empty cells transparent) — the maximum over the run, or the density
 * at the playback time (people per cell at the nearest track sample) — and the playback agents
 * (ScatterplotLayer fed with a binary position attribute, no per-agent objects) and the robots (a second
 * ScatterplotLayer, orange, at their body radius).
 */
import { BitmapLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import type { Point } from '../../../common/scenario.js';
import type { MaxDensityGrid, SimRunOutput } from '../../../workers/sim/SimWorkerService.js';
import { fruinColor } from './fruinColor.js';
import { frameCounts, nearestSample, playbackFrame, robotFrame } from './PlaybackFrame.js';

/** Which density the plan shows under the playback agents. */
export type SimDensityMode = 'max' | 'now' | 'off';

/** The floor's outline the density map is cut to: walkable polygons less obstacles (scenario coordinates). */
export interface FloorOutline { walkable: readonly (readonly Point[])[]; obstacles?: readonly (readonly Point[])[] }

/** Pixels per density cell when the map is cut to the floor's outline (at most 4 096 pixels across). */
function pixelsPerCell(g: MaxDensityGrid): number {
  return Math.max(1, Math.min(8, Math.floor(4096 / Math.max(g.cols, g.rows))));
}

/**
 * The floor's outline over grid g at pixelsPerCell: opaque where it is walkable (in any walkable polygon, each filled on
 * its own so overlapping ones of either winding add up, and in no obstacle), clear elsewhere. Made once per run and
 * floor: the density-at-playback-time map is repainted on every sample.
 */
function outlineMask(g: MaxDensityGrid, outline: FloorOutline): HTMLCanvasElement | null {
  const px = pixelsPerCell(g), mask = document.createElement('canvas');
  mask.width = g.cols * px;
  mask.height = g.rows * px;
  const m = mask.getContext('2d');
  if (!m) return null;
  /** Traces a ring (scenario metres) as a closed path in pixels (y down from the grid's north edge). */
  const trace = (pts: readonly Point[]) => {
    m.beginPath();
    pts.forEach(([x, y], i) => {
      const X = ((x - g.minX) / g.cellSize) * px, Y = (g.rows - (y - g.minY) / g.cellSize) * px;
      if (i === 0) m.moveTo(X, Y); else m.lineTo(X, Y);
    });
    m.closePath();
  };
  m.fillStyle = '#000';
  for (const w of outline.walkable) { trace(w); m.fill(); }
  m.globalCompositeOperation = 'destination-out';
  for (const o of outline.obstacles ?? []) { trace(o); m.fill(); }
  return mask;
}

/**
 * Paints densities (P/m², row-major from the grid's south-west cell) into `canvas` in Fruin colours, one pixel per
 * cell; with the floor's outline mask (outlineMask), at its pixels per cell and cut to it: the 2 m cells along the walls
 * reached past them, so the map coloured the ground outside the building and the stairwells.
 */
function paintDensity(g: MaxDensityGrid, density: (k: number) => number, canvas: HTMLCanvasElement, mask: HTMLCanvasElement | null = null): HTMLCanvasElement {
  const img = new ImageData(g.cols, g.rows);
  for (let r = 0; r < g.rows; r++) {
    for (let c = 0; c < g.cols; c++) {
      const d = density(r * g.cols + c);
      if (d <= 0) continue;
      const k = ((g.rows - 1 - r) * g.cols + c) * 4; // image row 0 is the north edge
      img.data.set(fruinColor(d).rgba, k);
    }
  }
  const cells = mask ? document.createElement('canvas') : canvas;
  cells.width = g.cols;
  cells.height = g.rows;
  cells.getContext('2d')?.putImageData(img, 0, 0);
  if (!mask) return canvas;
  canvas.width = mask.width;
  canvas.height = mask.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return canvas;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(cells, 0, 0, canvas.width, canvas.height);
  ctx.globalCompositeOperation = 'destination-in';
  ctx.drawImage(mask, 0, 0);
  ctx.globalCompositeOperation = 'source-over';
  return canvas;
}

export class SimulationPlanLayers {
  private output: SimRunOutput | null = null;
  private canvases: HTMLCanvasElement[] = [];
  /**
   * The density-at-playback-time map, painted for (floor, sample) when either changes — on a new canvas each time:
   * deck.gl's BitmapLayer uploads its `image` when the object changes, not when a canvas it has is repainted.
   */
  private nowCanvas: HTMLCanvasElement | null = null;
  private nowKey = '';
  private nowCounts = new Uint16Array(0);
  private positions = new Float32Array(0);
  private robotPositions = new Float32Array(0);
  private version = 0;
  densityMode: SimDensityMode = 'max';

  /** Per density grid (as output.maxDensity): its floor's outline mask (outlineMask), or null. */
  private masks: (HTMLCanvasElement | null)[] = [];

  /** `outlines`: the run's scenario floors (walkable polygons and obstacles), by floor index. */
  setOutput(output: SimRunOutput | null, outlines: readonly FloorOutline[] = []): void {
    this.output = output;
    this.nowCanvas = null;
    this.masks = output ? output.maxDensity.map((g) => (outlines[g.floor] ? outlineMask(g, outlines[g.floor]!) : null)) : [];
    this.canvases = output ? output.maxDensity.map((g, i) => paintDensity(g, (k) => g.density[k]!, document.createElement('canvas'), this.masks[i])) : [];
    this.nowKey = '';
    this.positions = new Float32Array((output?.track.agents ?? 0) * 2);
    this.robotPositions = new Float32Array((output?.track.robots.count ?? 0) * 2);
    this.version++;
  }

  /** Layers for scenario floor `floor` at playback time `t`, s. */
  layers(floor: number, t: number): Layer[] {
    const out = this.output;
    if (!out) return [];
    const layers: Layer[] = [];
    const g = out.maxDensity[floor];
    const image = !g || this.densityMode === 'off' ? null : this.densityMode === 'max' ? this.canvases[floor] : this.densityNow(g, out, t, this.masks[floor] ?? null);
    if (g && image) {
      layers.push(new BitmapLayer({
        id: `sim-${this.densityMode}-density-${floor}`,
        image,
        bounds: [g.minX, g.minY, g.minX + g.cols * g.cellSize, g.minY + g.rows * g.cellSize],
        textureParameters: { minFilter: 'nearest', magFilter: 'nearest' },
        opacity: 0.6,
        pickable: false,
      }));
    }
    playbackFrame(out.track, t, floor, this.positions);
    layers.push(new ScatterplotLayer({
      id: 'sim-playback-agents',
      data: { length: out.track.agents, attributes: { getPosition: { value: this.positions, size: 2 } } },
      getFillColor: [40, 120, 255, 240],
      stroked: false,
      radiusUnits: 'meters',
      getRadius: 0.25,
      radiusMinPixels: 2.5,
      updateTriggers: { getPosition: t },
      pickable: false,
    }));
    const robots = out.track.robots;
    if (robots.count > 0) {
      robotFrame(out.track, t, floor, this.robotPositions);
      layers.push(new ScatterplotLayer({
        id: 'sim-playback-robots',
        data: { length: robots.count, attributes: { getPosition: { value: this.robotPositions, size: 2 } } },
        getFillColor: [255, 122, 0, 250],
        getLineColor: [90, 40, 0, 255],
        stroked: true,
        lineWidthMinPixels: 1,
        radiusUnits: 'meters',
        getRadius: (_: unknown, { index }: { index: number }) => robots.radius[index] ?? 0.4,
        radiusMinPixels: 4,
        updateTriggers: { getPosition: t, getRadius: this.version },
        pickable: false,
      }));
    }
    return layers;
  }

  /** The density map at playback time t: people per cell at the nearest track sample over the cell's walkable area (g.area). */
  private densityNow(g: MaxDensityGrid, out: SimRunOutput, t: number, mask: HTMLCanvasElement | null): HTMLCanvasElement | null {
    const sample = nearestSample(out.track, t);
    const key = `${g.floor}:${sample}`;
    if (key !== this.nowKey) {
      if (this.nowCounts.length !== g.cols * g.rows) this.nowCounts = new Uint16Array(g.cols * g.rows);
      frameCounts(out.track, t, g, this.nowCounts);
      const counts = this.nowCounts;
      this.nowCanvas = paintDensity(g, (k) => counts[k]! / g.area[k]!, document.createElement('canvas'), mask);
      this.nowKey = key;
    }
    return this.nowCanvas;
  }

  dispose(): void {
    this.output = null;
    this.canvases = [];
    this.masks = [];
  }
}
