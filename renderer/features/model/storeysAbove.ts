/**
 * The storey selector in 3D: choosing a storey hides the model's storeys above it, so the chosen
 * floor — and the robots and people on it — are seen from above instead of under the slabs of the
 * floors over them (the storeys below stay as context; "All" shows every storey again).
 *
 * The selector lists the storeys someone published to the layout (the model's structure, or
 * telemetry floor names); they are matched to the model's storeys by name, else by elevation.
 */
import type { StoreyInfo } from '../../stores/layoutStore.js';

/** Model storey indices (positions in `model`) to hide for the chosen layout storey (null: "All" → none). */
export function storeysAbove(model: readonly { name: string; elevation: number }[], layout: readonly StoreyInfo[], active: number | null): number[] {
  if (active === null) return [];
  const chosen = layout.find((s) => s.index === active);
  if (!chosen) return [];
  const match = model.find((s) => s.name === chosen.name) ?? model.find((s) => Math.abs(s.elevation - chosen.elevation) < 0.05);
  const elevation = match ? match.elevation : chosen.elevation;
  const out: number[] = [];
  model.forEach((s, i) => { if (s.elevation > elevation + 0.05) out.push(i); });
  return out;
}
