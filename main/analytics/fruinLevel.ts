/**
 * Fruin level of service for walkways from a mean density (persons/m²): A ≤ 0.31, B ≤ 0.43,
 * C ≤ 0.72, D ≤ 1.08, E ≤ 2.17, F > 2.17 (Fruin 1971, walkway LOS by area module).
 */
import type { FruinLevel } from '../../common/replay.js';
export type { FruinLevel };
export const FRUIN_LEVELS: readonly FruinLevel[] = ['A', 'B', 'C', 'D', 'E', 'F'];
/** Upper density bound (P/m², inclusive) of levels A..E. */
export const FRUIN_UPPER = [0.31, 0.43, 0.72, 1.08, 2.17] as const;

export function fruinLevel(densityPerM2: number): FruinLevel {
  for (let i = 0; i < FRUIN_UPPER.length; i++) if (densityPerM2 <= FRUIN_UPPER[i]!) return FRUIN_LEVELS[i]!;
  return 'F';
}
