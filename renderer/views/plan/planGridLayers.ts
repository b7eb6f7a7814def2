/**
 * The plan view's background: a metric grid that adapts to the zoom (minor lines at a "nice"
 * 1-2-5 step at least ~24 px apart, every fifth line major) and the origin axes (x east in red,
 * y north in green, as in the 3D view's convention). Only the visible part is built, so the line
 * count stays small (< 300) at any zoom.
 */
import { LineLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';

export type Rgba = [number, number, number, number];

export interface PlanColors {
  gridMinor: Rgba;
  gridMajor: Rgba;
  axisX: Rgba;
  axisY: Rgba;
}

interface Segment {
  from: [number, number];
  to: [number, number];
  major: boolean;
}

/** The smallest 1/2/5 × 10^k step (metres) that is at least `minMetres`. */
export function niceStep(minMetres: number): number {
  const exp = Math.floor(Math.log10(Math.max(minMetres, 1e-6)));
  for (let e = exp; e <= exp + 1; e++) {
    for (const m of [1, 2, 5]) {
      const step = m * 10 ** e;
      if (step >= minMetres) return step;
    }
  }
  return 10 ** (exp + 1);
}

/**
 * Visible building-frame rectangle for an orthographic view: centre (metres), zoom (2^zoom px per
 * metre) and canvas size in CSS px.
 */
export function visibleBounds(target: [number, number], zoom: number, width: number, height: number): { minX: number; minY: number; maxX: number; maxY: number } {
  const scale = 2 ** zoom;
  const hw = width / 2 / scale;
  const hh = height / 2 / scale;
  return { minX: target[0] - hw, maxX: target[0] + hw, minY: target[1] - hh, maxY: target[1] + hh };
}

/** Grid lines per direction beyond which none are drawn (a visible area is ~100 at most, see niceStep's 24 px). */
const MAX_LINES = 2000;

export function planGridLayers(target: [number, number], zoom: number, width: number, height: number, colors: PlanColors): Layer[] {
  const b = visibleBounds(target, zoom, width, height);
  const step = niceStep(24 / 2 ** zoom);
  const majorEvery = 5;
  const segments: Segment[] = [];
  const x0 = Math.floor(b.minX / step);
  const x1 = Math.ceil(b.maxX / step);
  const y0 = Math.floor(b.minY / step);
  const y1 = Math.ceil(b.maxY / step);
  // Only lines that can be counted: far from the origin (a damaged model's 1e300 m, where the view was fitted) i++
  // no longer changes i, and the loop never ended (the page hung). There the plan has no grid.
  const countable = [x0, x1, y0, y1].every(Number.isSafeInteger) && x1 - x0 <= MAX_LINES && y1 - y0 <= MAX_LINES;
  if (countable) {
    for (let i = x0; i <= x1; i++) segments.push({ from: [i * step, b.minY], to: [i * step, b.maxY], major: i % majorEvery === 0 });
    for (let j = y0; j <= y1; j++) segments.push({ from: [b.minX, j * step], to: [b.maxX, j * step], major: j % majorEvery === 0 });
  }
  const axisLen = Math.max(step * 5, 1);
  const axes = [
    { from: [0, 0] as [number, number], to: [axisLen, 0] as [number, number], color: colors.axisX },
    { from: [0, 0] as [number, number], to: [0, axisLen] as [number, number], color: colors.axisY },
  ];
  return [
    new LineLayer<Segment>({
      id: 'shell-grid',
      data: segments,
      getSourcePosition: (d) => d.from,
      getTargetPosition: (d) => d.to,
      getColor: (d) => (d.major ? colors.gridMajor : colors.gridMinor),
      getWidth: (d) => (d.major ? 1.2 : 1),
      widthUnits: 'pixels',
      // Grid changes with every pan/zoom; recompute colours/positions when its inputs change.
      updateTriggers: { getColor: [colors.gridMajor.join(), colors.gridMinor.join()] },
    }),
    new LineLayer<(typeof axes)[number]>({
      id: 'shell-axes',
      data: axes,
      getSourcePosition: (d) => d.from,
      getTargetPosition: (d) => d.to,
      getColor: (d) => d.color,
      getWidth: 2,
      widthUnits: 'pixels',
      updateTriggers: { getColor: [colors.axisX.join(), colors.axisY.join()] },
    }),
  ];
}
