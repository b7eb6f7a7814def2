/**
 * exp, log and cos of the simulation in plain IEEE arithmetic (+ − × ÷, sqrt, rounding), so that a run gives
 * the same results, bit for bit, in every JavaScript engine: `twin simulate` (Node) and the app (Chromium,
 * Electron). Math.exp, Math.log and Math.cos are the engine's own and differ in the last bit between V8 versions
 * (Node 20 and Chromium 156 disagree on 10 %, 7 % and 3 % of arguments), and the model is chaotic near
 * clogging, so one last bit changed who gets out first. Accuracy: within about an ulp of the true value.
 */

// fdlibm's split of ln 2 (LN2_HI has 32 significant bits, so k·LN2_HI is exact for |k| < 2^21) and exp's polynomial.
const LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10, INV_LN2 = 1.44269504088896338700e+00;
const P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03, P3 = 6.61375632143793436117e-05;
const P4 = -1.65339022054652515390e-06, P5 = 4.13813679705723846039e-08;

/** 2^k for k = −1074 … 1023 at index k + 1074 (exact: repeated doubling and halving). */
const POW2 = (() => {
  const t = new Float64Array(1074 + 1024);
  t[1074] = 1;
  for (let k = 1; k <= 1023; k++) t[1074 + k] = t[1073 + k]! * 2;
  for (let k = 1; k <= 1074; k++) t[1074 - k] = t[1075 - k]! / 2;
  return t;
})();

/** e^x (fdlibm's algorithm: x = k ln2 + r, |r| ≤ ln2 / 2, a rational approximation of e^r, then × 2^k). */
export function detExp(x: number): number {
  if (!(x < 709.782712893384)) return x !== x ? NaN : Infinity;
  if (x < -745.1332191019411) return 0;
  const k = Math.round(x * INV_LN2);
  const hi = x - k * LN2_HI, lo = k * LN2_LO, r = hi - lo, t = r * r;
  const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  const y = 1 - (lo - (r * c) / (2 - c) - hi);
  // y ∈ [0.7, 1.5): 2^k in two factors where 2^k alone would over- or underflow.
  return k > 1023 ? y * 2 * POW2[1074 + k - 1]! : k < -1022 ? y * POW2[1074 + k + 54]! * POW2[1074 - 54]! : y * POW2[1074 + k]!;
}

const view = new DataView(new ArrayBuffer(8));

/** ln x (x = m 2^e with m in [√½, √2); ln m = 2 atanh s, s = (m − 1)/(m + 1), |s| ≤ 0.172, as an odd series). */
export function detLog(x: number): number {
  if (!(x > 0) || x === Infinity) return x === 0 ? -Infinity : x === Infinity ? Infinity : NaN;
  let e = 0;
  if (x < 2.2250738585072014e-308) { x *= 18014398509481984; e = -54; } // subnormal: scale by 2^54 first
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  e += ((hi >>> 20) & 0x7ff) - 1023;
  view.setUint32(0, (hi & 0x000fffff) | 0x3ff00000);
  let m = view.getFloat64(0);
  if (m > Math.SQRT2) { m /= 2; e++; }
  const s = (m - 1) / (m + 1), z = s * s;
  // 2 (s + s³/3 + … + s²³/23): the next term is below 2·0.172²⁵/25 ≈ 6e-21 of a value ≥ 0.34·|s|.
  let p = 1 / 23;
  for (let n = 21; n >= 1; n -= 2) p = p * z + 1 / n;
  return e * LN2_HI + (e * LN2_LO + 2 * s * p);
}

/** cos(2π v): reduced to an eighth of a turn by the symmetries of cos, then the Taylor series of cos or sin there. */
export function detCos2Pi(v: number): number {
  let w = v - Math.floor(v), sign = 1;
  if (w > 0.5) w = 1 - w;
  if (w > 0.25) { w = 0.5 - w; sign = -1; }
  if (w > 0.125) {
    // cos(2π w) = sin(2π (¼ − w)), argument ≤ π/4: terms up to x¹⁷/17! (the next, x¹⁹/19!, is < 1e-19).
    const x = 2 * Math.PI * (0.25 - w), z = x * x;
    let p = 1;
    for (let n = 17; n >= 3; n -= 2) p = 1 - (z / (n * (n - 1))) * p;
    return sign * x * p;
  }
  const x = 2 * Math.PI * w, z = x * x;
  let p = 1;
  for (let n = 18; n >= 2; n -= 2) p = 1 - (z / (n * (n - 1))) * p;
  return sign * p;
}
