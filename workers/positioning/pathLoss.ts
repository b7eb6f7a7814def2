/**
 * Log-distance path-loss model: the forward model shared by the positioning filter and by any
 * simulator that synthesises BLE scans (testbed simulator, tests, bench).
 *
 *   RSSI(d) = A − 10 · n · log10(max(d, d0))
 *
 * A  = txPower: the beacon registry's expected RSSI at 1 m, dBm (BeaconSchema.txPower).
 * n  = path-loss exponent, dimensionless (≈ 2 free space, 2–3 indoors, higher through walls).
 * d  = distance from the beacon, metres (3-D when the caller knows heights).
 * d0 = 0.1 m: distances below are clamped so a receiver on top of a beacon gives a finite value.
 */

/** Distances below this (metres) are clamped: the model is not meaningful in the near field. */
export const MIN_DISTANCE_M = 0.1;

/** Default indoor path-loss exponent used when nothing is calibrated. */
export const DEFAULT_PATH_LOSS_EXPONENT = 2.5;

/** Expected RSSI (dBm) at `distanceM` metres from a beacon whose RSSI at 1 m is `txPowerDbm`. */
export function expectedRssi(txPowerDbm: number, distanceM: number, exponent: number): number {
  return txPowerDbm - 10 * exponent * Math.log10(Math.max(distanceM, MIN_DISTANCE_M));
}

/**
 * Inverse of `expectedRssi`: the distance (metres) at which the model predicts `rssi`.
 * Never returns less than MIN_DISTANCE_M. Noisy RSSI makes this estimate log-normal: a 4 dB
 * error at n = 2.5 scales the distance by ×/÷ 1.45, which is why the filter weighs in dB space.
 */
export function distanceFromRssi(rssi: number, txPower: number, exponent: number): number {
  return Math.max(MIN_DISTANCE_M, Math.pow(10, (txPower - rssi) / (10 * exponent)));
}
