import { describe, expect, it } from 'vitest';
import { detCos2Pi, detExp, detLog } from '../../../../workers/sim/detMath';

/** Deterministic arguments: a fixed LCG, so a failure names the same argument every time. */
function* args(n: number, lo: number, hi: number): Generator<number> {
  let s = 12345;
  for (let i = 0; i < n; i++) { s = (s * 1103515245 + 12345) % 2147483648; yield lo + (hi - lo) * (s / 2147483648); }
}
const relErr = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.abs(b));

describe('detMath: exp, log, cos in plain arithmetic (the same bits in every engine)', () => {
  it('exp is within 2 ulp of Math.exp over the whole range, and right at the edges', () => {
    let worst = 0, arg = 0;
    for (const x of args(100_000, -740, 709)) { const e = relErr(detExp(x), Math.exp(x)); if (e > worst) { worst = e; arg = x; } }
    for (const x of args(100_000, -20, 1)) { const e = relErr(detExp(x), Math.exp(x)); if (e > worst) { worst = e; arg = x; } }
    expect(worst, `at x = ${arg}`).toBeLessThanOrEqual(4.5e-16);
    expect(detExp(0)).toBe(1);
    expect(detExp(-Infinity)).toBe(0);
    expect(detExp(Infinity)).toBe(Infinity);
    expect(detExp(710)).toBe(Infinity);
    expect(detExp(-746)).toBe(0);
    expect(detExp(-745)).toBeGreaterThan(0); // subnormal, not flushed
    expect(detExp(NaN)).toBeNaN();
  });

  it('log is within 2 ulp of Math.log from subnormals to huge values', () => {
    let worst = 0, arg = 0;
    for (const u of args(100_000, 0, 1)) {
      for (const x of [u, u ** 40 * 1e-280, 1 + u, u * 1e300]) {
        if (x === 0 || x === 1) continue;
        const e = relErr(detLog(x), Math.log(x));
        if (e > worst) { worst = e; arg = x; }
      }
    }
    expect(worst, `at x = ${arg}`).toBeLessThanOrEqual(4.5e-16);
    expect(detLog(1)).toBe(0);
    expect(detLog(5e-324)).toBeCloseTo(Math.log(5e-324), 12);
    expect(detLog(0)).toBe(-Infinity);
    expect(detLog(-1)).toBeNaN();
  });

  it('cos(2πv) is within 1e-15 of Math.cos, periodic, exact at the quarter turns', () => {
    let worst = 0, arg = 0;
    // (within one turn: beyond it Math.cos's own argument 2πv carries a rounding error of its size)
    for (const v of args(200_000, 0, 1)) { const e = Math.abs(detCos2Pi(v) - Math.cos(2 * Math.PI * v)); if (e > worst) { worst = e; arg = v; } }
    expect(worst, `at v = ${arg}`).toBeLessThan(1e-15);
    for (const v of args(1000, 0, 1)) expect(detCos2Pi(v - 2)).toBeCloseTo(detCos2Pi(v), 14);
    expect([detCos2Pi(0), detCos2Pi(0.25), detCos2Pi(0.5), detCos2Pi(0.75), detCos2Pi(1)]).toEqual([1, 0, -1, 0, 1]);
  });
});
