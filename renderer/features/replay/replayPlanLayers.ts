/**
 * What the Analytics panel draws in the plan view (deck.gl, building-frame metres): the window
 * heatmap of one storey as a BitmapLayer in Fruin colours (nearest filtering: one crisp square
 * per cell, as the live density layer in features/people), and the trails of the chosen robots
 * as a PathLayer, only the parts on the plan's storey. `describe()` says what is drawn (the
 * panel mirrors it in a data attribute, which the e2e test reads).
 */
import type { Layer } from '@deck.gl/core';
import { BitmapLayer, PathLayer } from '@deck.gl/layers';
import type { StoreyHeatmap, Trail } from '../../../common/replay.js';
import { heatmapBounds, heatmapImage, trailColour, trailPaths, type TrailPath } from './analyticsModel.js';

type ColouredPath = TrailPath & { colour: [number, number, number] };

export class ReplayPlanLayers {
  private maps: StoreyHeatmap[] = [];
  private trails: Trail[] = [];
  private canvas: HTMLCanvasElement | null = null;
  private heatLayer: Layer | null = null;
  private heatFloor: string | null = null;
  private paths: ColouredPath[] = [];
  private pathFloor: string | null | undefined = undefined;
  /** Storey of the heatmap drawn by the last `layers` call (null: none). */
  private drawnHeat: string | null = null;
  private version = 0;

  /** The window heatmaps (all storeys); [] clears the heatmap layer. */
  setHeatmaps(maps: StoreyHeatmap[]): void {
    this.maps = maps;
    this.heatFloor = null;
    this.heatLayer = null;
  }

  /** The chosen robots' trails; [] clears the trail layer. */
  setTrails(trails: Trail[]): void {
    this.trails = trails;
    this.pathFloor = undefined;
  }

  clear(): void {
    this.setHeatmaps([]);
    this.setTrails([]);
  }

  /**
   * The layers for the plan's storey (`floor`; null: the plan shows every floor label, so the
   * heatmap of `fallbackFloor` and all trail parts are drawn).
   */
  layers(floor: string | null, fallbackFloor: string | null): Layer[] {
    const out: Layer[] = [];
    const heat = this.heat(floor ?? fallbackFloor);
    this.drawnHeat = heat ? this.heatFloor : null;
    if (heat) out.push(heat);
    if (this.pathFloor !== floor) {
      this.pathFloor = floor;
      const index = new Map(this.trails.map((t, i) => [t.id, i]));
      this.paths = trailPaths(this.trails, floor).map((p) => ({ ...p, colour: trailColour(index.get(p.id) ?? 0) }));
    }
    if (this.paths.length) {
      out.push(
        new PathLayer<ColouredPath>({
          id: 'replay-trails',
          data: this.paths,
          getPath: (d) => d.path,
          getColor: (d) => [...d.colour, 230],
          getWidth: 3,
          widthUnits: 'pixels',
          widthMinPixels: 2,
          jointRounded: true,
          capRounded: true,
          pickable: true,
        }),
      );
    }
    return out;
  }

  /** The heatmap layer of `floor`, rebuilt only when the storey or the maps changed. */
  private heat(floor: string | null): Layer | null {
    const m = this.maps.find((s) => s.floor === floor);
    if (!m || m.cols === 0 || m.rows === 0) return null;
    if (this.heatLayer && this.heatFloor === m.floor) return this.heatLayer;
    const canvas = (this.canvas ??= document.createElement('canvas'));
    canvas.width = m.cols;
    canvas.height = m.rows;
    const g = canvas.getContext('2d');
    if (!g) return null;
    g.putImageData(new ImageData(heatmapImage(m), m.cols, m.rows), 0, 0);
    this.version++;
    this.heatFloor = m.floor;
    this.heatLayer = new BitmapLayer({
      id: 'replay-window-heatmap',
      image: canvas,
      bounds: heatmapBounds(m),
      textureParameters: { minFilter: 'nearest', magFilter: 'nearest' },
      opacity: 0.85,
      updateTriggers: { image: this.version },
      pickable: false,
    });
    return this.heatLayer;
  }

  /** Trail id under a picked index of the trail layer (tooltips). */
  trailAt(index: number): string | null {
    return this.paths[index]?.id ?? null;
  }

  /** What is drawn for the storey last asked for: "heatmap:1F trails:R1,R2" ('' when nothing). */
  describe(): string {
    const parts: string[] = [];
    if (this.drawnHeat) parts.push(`heatmap:${this.drawnHeat}`);
    if (this.paths.length) parts.push(`trails:${[...new Set(this.paths.map((p) => p.id))].join(',')}`);
    return parts.join(' ');
  }
}
