/**
 * Fruin walkway level of service from crowd density (persons per m²), the scale planners read:
 * A ≤ 0.31, B ≤ 0.43, C ≤ 0.72, D ≤ 1.08, E ≤ 2.17, F > 2.17 P/m² (Fruin 1971, as quoted in
 * shared/reference/pedestrian.md). Colours run green → red, with alpha for map overlays.
 */
export const FRUIN_LEVELS = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
export type FruinLevel = (typeof FRUIN_LEVELS)[number];

/** Upper density bound of A … E, P/m² (F is everything above 2.17). */
export const FRUIN_BOUNDS = [0.31, 0.43, 0.72, 1.08, 2.17] as const;

/** RGBA 0–255 per level A … F. */
export const FRUIN_COLOURS: readonly (readonly [number, number, number, number])[] = [
  [26, 152, 80, 150],
  [145, 207, 96, 170],
  [254, 224, 90, 190],
  [253, 174, 97, 205],
  [244, 109, 67, 220],
  [215, 25, 28, 235],
];

/** Level index 0 (A) … 5 (F) of a density in P/m². */
export function fruinIndex(density: number): number {
  for (let i = 0; i < FRUIN_BOUNDS.length; i++) if (density <= FRUIN_BOUNDS[i]!) return i;
  return 5;
}

export function fruinLevel(density: number): FruinLevel {
  return FRUIN_LEVELS[fruinIndex(density)]!;
}
