/**
 * Fruin level of service for walkways by density (persons/m²): A ≤ 0.31, B ≤ 0.43, C ≤ 0.72,
 * D ≤ 1.08, E ≤ 2.17, F above. Colours run green → red; RGBA 0–255.
 */
export const FRUIN_LEVELS: readonly { los: string; max: number; rgba: [number, number, number, number] }[] = [
  { los: 'A', max: 0.31, rgba: [46, 160, 67, 150] },
  { los: 'B', max: 0.43, rgba: [140, 200, 60, 170] },
  { los: 'C', max: 0.72, rgba: [230, 220, 50, 190] },
  { los: 'D', max: 1.08, rgba: [245, 160, 40, 205] },
  { los: 'E', max: 2.17, rgba: [235, 90, 30, 220] },
  { los: 'F', max: Infinity, rgba: [200, 20, 40, 235] },
];

/** The level of service entry for a density, persons/m². */
export function fruinColor(density: number): (typeof FRUIN_LEVELS)[number] {
  for (const l of FRUIN_LEVELS) if (density <= l.max) return l;
  return FRUIN_LEVELS[FRUIN_LEVELS.length - 1]!;
}
