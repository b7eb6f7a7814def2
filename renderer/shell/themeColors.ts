/**
 * Colours the WebGL views need, read from the theme's CSS variables (the one place colours are
 * defined: workbench.css), so 3D and plan follow the light/dark switch.
 */
import type { ViewportColors } from '../views/viewport/ThreeViewport.js';
import type { PlanColors, Rgba } from '../views/plan/planGridLayers.js';

/** "#rrggbb" or "#rgb" → [r, g, b, a] (0–255); falls back to mid-grey for anything else. */
export function hexToRgba(hex: string, alpha = 255): Rgba {
  let s = hex.trim().replace(/^#/, '');
  if (s.length === 3) s = [...s].map((c) => c + c).join('');
  if (!/^[0-9a-f]{6}$/i.test(s)) return [128, 128, 128, alpha];
  return [parseInt(s.slice(0, 2), 16), parseInt(s.slice(2, 4), 16), parseInt(s.slice(4, 6), 16), alpha];
}

export function themeColors(root: HTMLElement): { viewport: ViewportColors; plan: PlanColors } {
  const css = getComputedStyle(root);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    viewport: { background: v('--viewport-bg', '#1b1f26'), gridMajor: v('--grid-major', '#4a5260'), gridMinor: v('--grid-minor', '#2c323c') },
    plan: {
      gridMinor: hexToRgba(v('--plan-grid-minor', '#2a3038')),
      gridMajor: hexToRgba(v('--plan-grid-major', '#3c4450')),
      axisX: hexToRgba(v('--axis-x', '#e5484d')),
      axisY: hexToRgba(v('--axis-y', '#30a46c')),
    },
  };
}
