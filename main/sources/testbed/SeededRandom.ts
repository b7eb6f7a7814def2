/**
 * Deterministic pseudo-random numbers for the testbed simulator (no Math.random anywhere).
 *
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state), seeded through
 * splitmix32 so that nearby seeds (7, 8, …) give unrelated streams. Same seed → same stream on
 * every platform: the whole simulated day is reproducible from its URI.
 */
export class SeededRandom {
  /** sfc32 state a, b, c, d in an Int32Array: int32 arithmetic without boxing heap numbers. */
  private readonly st = new Int32Array(4);
  /** Second normal deviate of the last Box–Muller pair, or NaN when none is cached. */
  private spare = Number.NaN;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    for (let i = 0; i < 4; i++) this.st[i] = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const st = this.st;
    const a = st[0]!, b = st[1]!, c = st[2]!, d = st[3]!;
    const t = (((a + b) | 0) + d) | 0;
    st[3] = (d + 1) | 0;
    st[0] = b ^ (b >>> 9);
    st[1] = (c + (c << 3)) | 0;
    st[2] = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('SeededRandom.pick: empty array');
    return items[this.int(items.length)] as T;
  }

  /** Normal deviate (Box–Muller, pairs cached). */
  normal(mean = 0, sd = 1): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = Number.NaN;
      return mean + sd * z;
    }
    let u = this.next();
    while (u <= 1e-12) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + sd * r * Math.cos(2 * Math.PI * v);
  }

  /** Exponential deviate with the given mean (waiting times between faults, dwell times). */
  exponential(mean: number): number {
    let u = this.next();
    while (u <= 1e-12) u = this.next();
    return -mean * Math.log(u);
  }
}
