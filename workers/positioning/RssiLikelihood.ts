/**
 * The measurement model of the positioning filter (stage 5 of PositioningService): which beacons
 * of a scan are used, and how well each particle explains them.
 *
 * Only the `k` strongest entries on the device's floor are used (strong readings are near, and
 * near readings carry the information; far ones are mostly noise and wall loss). Each is compared
 * with the log-distance model `txPower − 10·n·log10(d)` (d includes the beacon's height above the
 * phone, `BeaconTable.dz2`), residuals in units of σ under a Huber loss (c = 2: quadratic near,
 * linear far, so a reading attenuated by a body or a wall does not wipe the cloud out).
 */
import type { BeaconTable } from './BeaconTable.js';

export class RssiLikelihood {
  /** The entries selected by `select`, strongest first: beacon index and dBm. */
  readonly useIdx: Int32Array;
  readonly useRssi: Float32Array;
  private readonly lw: Float64Array;

  /**
   * @param exponent path-loss exponent n
   * @param sigmaDb measurement noise the filter assumes, dB
   * @param k strongest beacons used per fix
   * @param particles particles per device (scratch size)
   */
  constructor(private readonly beacons: BeaconTable, private readonly exponent: number, private readonly sigmaDb: number, readonly k: number, particles: number) {
    this.useIdx = new Int32Array(k);
    this.useRssi = new Float32Array(k);
    this.lw = new Float64Array(particles);
  }

  /** The `k` strongest of the `m` entries (beacon index, dBm) that are on floor `f`; returns how many. */
  select(f: number, mIdx: Int32Array, mRssi: Float32Array, m: number): number {
    let used = 0;
    for (let j = 0; j < m; j++) {
      const b = mIdx[j]!;
      if (this.beacons.floor[b] !== f) continue;
      const r = mRssi[j]!;
      if (used < this.k) {
        let p = used++;
        while (p > 0 && this.useRssi[p - 1]! < r) {
          this.useRssi[p] = this.useRssi[p - 1]!;
          this.useIdx[p] = this.useIdx[p - 1]!;
          p--;
        }
        this.useRssi[p] = r;
        this.useIdx[p] = b;
      } else if (r > this.useRssi[used - 1]!) {
        let p = used - 1;
        while (p > 0 && this.useRssi[p - 1]! < r) {
          this.useRssi[p] = this.useRssi[p - 1]!;
          this.useIdx[p] = this.useIdx[p - 1]!;
          p--;
        }
        this.useRssi[p] = r;
        this.useIdx[p] = b;
      }
    }
    return used;
  }

  /**
   * Multiplies the weights `w[base .. base+n)` of particles at (px, py) by the likelihood of the
   * `used` selected entries, and normalises them. Returns true when even the best particle
   * explains the scan badly (> 3σ per beacon on average): the cloud has lost the device.
   */
  weigh(px: Float32Array, py: Float32Array, w: Float32Array, base: number, n: number, used: number): boolean {
    const inv = 1 / this.sigmaDb;
    const c = 2;
    const tenN = 5 * this.exponent; // 10·n·log10(d) = 5·n·log10(d²)
    const bx = this.beacons.x;
    const by = this.beacons.y;
    const tx = this.beacons.txPower;
    const dz2 = this.beacons.dz2;
    let maxLl = -Infinity;
    let maxFit = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = px[base + i]!;
      const y = py[base + i]!;
      let ll = 0;
      for (let j = 0; j < used; j++) {
        const b = this.useIdx[j]!;
        const dx = x - bx[b]!;
        const dy = y - by[b]!;
        const d2 = Math.max(dx * dx + dy * dy + dz2[b]!, 0.01);
        const z = Math.abs((this.useRssi[j]! - (tx[b]! - tenN * Math.log10(d2))) * inv);
        ll -= z <= c ? 0.5 * z * z : c * z - 0.5 * c * c;
      }
      if (ll > maxFit) maxFit = ll;
      const wi = w[base + i]!;
      ll += wi > 0 ? Math.log(wi) : -1e9;
      this.lw[i] = ll;
      if (ll > maxLl) maxLl = ll;
    }
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const e = Math.exp(this.lw[i]! - maxLl);
      w[base + i] = e;
      sum += e;
    }
    for (let i = base; i < base + n; i++) w[i] = w[i]! / sum;
    return maxFit / used < -4;
  }
}
