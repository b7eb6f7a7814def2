/**
 * Plan-view layers of a simulation result: a density map (BitmapLayer, one DENSITY_CELL (2 m) cell per
 * pixel in Fruin level-of-service colours, empty cells transparent) — the maximum over the run, or the density
 * at the playback time (people per cell at the nearest track sample) — and the playback agents
 * (ScatterplotLayer fed with a binary position attribute, no per-agent objects) and the robots (a second
 * ScatterplotLayer, orange, at their body radius).
 */
import { BitmapLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import type { MaxDensityGrid, SimRunOutput } from '../../../workers/sim/SimWorkerService.js';
import { fruinColor } from './fruinColor.js';
import { frameCounts, nearestSample, playbackFrame, robotFrame } from './PlaybackFrame.js';

/** Which density the plan shows under the playback agents. */
export type SimDensityMode = 'max' | 'now' | 'off';

/** Paints densities (P/m², row-major from the grid's south-west cell) into `canvas` in Fruin colours. */
function paintDensity(g: MaxDensityGrid, density: (k: number) => number, canvas: HTMLCanvasElement): HTMLCanvasElement {
  canvas.width = g.cols;
  canvas.height = g.rows;
  const img = new ImageData(g.cols, g.rows);
  for (let r = 0; r < g.rows; r++) {
    for (let c = 0; c < g.cols; c++) {
      const d = density(r * g.cols + c);
      if (d <= 0) continue;
      const k = ((g.rows - 1 - r) * g.cols + c) * 4; // image row 0 is the north edge
      img.data.set(fruinColor(d).rgba, k);
    }
  }
  canvas.getContext('2d')?.putImageData(img, 0, 0);
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

  setOutput(output: SimRunOutput | null): void {
    this.output = output;
    this.nowCanvas = null;
    this.canvases = output ? output.maxDensity.map((g) => paintDensity(g, (k) => g.density[k]!, document.createElement('canvas'))) : [];
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
    const image = !g || this.densityMode === 'off' ? null : this.densityMode === 'max' ? this.canvases[floor] : this.densityNow(g, out, t);
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

  /** The density map at playback time t: people per cell at the nearest track sample over the cell's area. */
  private densityNow(g: MaxDensityGrid, out: SimRunOutput, t: number): HTMLCanvasElement | null {
    const sample = nearestSample(out.track, t);
    const key = `${g.floor}:${sample}`;
    if (key !== this.nowKey) {
      if (this.nowCounts.length !== g.cols * g.rows) this.nowCounts = new Uint16Array(g.cols * g.rows);
      frameCounts(out.track, t, g, this.nowCounts);
      const area = g.cellSize * g.cellSize, counts = this.nowCounts;
      this.nowCanvas = paintDensity(g, (k) => counts[k]! / area, document.createElement('canvas'));
      this.nowKey = key;
    }
    return this.nowCanvas;
  }

  dispose(): void {
    this.output = null;
    this.canvases = [];
  }
}
