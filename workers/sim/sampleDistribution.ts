import { assertNever } from '../../common/records.js';
import type { Distribution } from '../../common/scenario.js';
import type { SeededRandom } from './SeededRandom.js';

/**
 * Weidmann-consistent free-speed distribution used when a group names none:
 * normal(1.34, 0.26) m/s clipped to [0.5, 2.2] (reference/pedestrian.md).
 */
export const DEFAULT_SPEED: Distribution = { dist: 'normal', mean: 1.34, sd: 0.26, min: 0.5, max: 2.2 };

/** Draws one value; a normal with bounds is re-drawn until inside them (then clamped after 50 tries). */
export function sampleDistribution(d: Distribution, rng: SeededRandom): number {
  switch (d.dist) {
    case 'constant': return d.value;
    case 'uniform': return d.min + (d.max - d.min) * rng.next();
    case 'normal': {
      const lo = d.min ?? 0, hi = d.max ?? Infinity;
      for (let i = 0; i < 50; i++) {
        const v = d.mean + d.sd * rng.normal();
        if (v >= lo && v <= hi) return v;
      }
      return Math.min(hi, Math.max(lo, d.mean));
    }
    default: return assertNever(d, 'distribution');
  }
}
