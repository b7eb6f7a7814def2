import { detCos2Pi, detLog } from './detMath.js';

/** The only randomness of a simulation run: sfc32 seeded from the scenario seed (deterministic per seed). */
export class SeededRandom {
  private a: number; private b: number; private c: number; private d: number;
  constructor(seed: number) {
    this.a = 0x9e3779b9; this.b = 0x243f6a88; this.c = 0xb7e15162; this.d = (seed | 0) ^ 0x5bd1e995;
    for (let i = 0; i < 15; i++) this.next();
  }
  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }
  /** Standard normal (Box–Muller; detMath's log and cos, so that every engine draws the same). */
  normal(): number {
    const u = 1 - this.next(), v = this.next();
    return Math.sqrt(-2 * detLog(u)) * detCos2Pi(v);
  }
}
