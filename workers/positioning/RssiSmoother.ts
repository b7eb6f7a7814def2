/**
 * Per-device RSSI smoothing: an exponential moving average per (device slot, beacon), over a
 * short window. BLE RSSI at 1 Hz has σ ≈ 4 dB and ~20 % dropouts; averaging the last few
 * seconds steadies the floor decision. A value not refreshed for `windowMs` is forgotten, so a
 * walking device is not judged by where it was.
 *
 * Columns: `ENTRIES` entries per slot (beacon index, value dBm, last-heard epoch ms).
 */
export const ENTRIES = 16;

export class RssiSmoother {
  private beacon = new Int32Array(0);
  private value = new Float32Array(0);
  private heard = new Float64Array(0);

  /**
   * @param beaconCount registry size (only for sanity in callers; kept for symmetry)
   * @param alpha weight of the newest reading (default 0.5)
   * @param windowMs readings older than this are forgotten (default 4 s)
   */
  constructor(readonly beaconCount: number, readonly alpha = 0.5, readonly windowMs = 4000) {}

  grow(slots: number): void {
    const b = new Int32Array(slots * ENTRIES).fill(-1);
    b.set(this.beacon);
    const v = new Float32Array(slots * ENTRIES);
    v.set(this.value);
    const h = new Float64Array(slots * ENTRIES);
    h.set(this.heard);
    this.beacon = b;
    this.value = v;
    this.heard = h;
  }

  reset(slot: number): void {
    this.beacon.fill(-1, slot * ENTRIES, (slot + 1) * ENTRIES);
  }

  /** Folds `m` readings (beacon indices, dBm) heard at `t` into the slot's averages. */
  update(slot: number, t: number, idx: Int32Array, rssi: Float32Array, m: number): void {
    const base = slot * ENTRIES;
    for (let j = 0; j < m; j++) {
      const b = idx[j]!;
      const r = rssi[j]!;
      let hit = -1;
      let victim = base;
      let victimScore = Infinity;
      for (let e = base; e < base + ENTRIES; e++) {
        const eb = this.beacon[e]!;
        if (eb === b) {
          hit = e;
          break;
        }
        // Replace an empty entry first, then an expired one, then the weakest.
        const score = eb < 0 ? -Infinity : t - this.heard[e]! > this.windowMs ? -1e6 : this.value[e]!;
        if (score < victimScore) {
          victimScore = score;
          victim = e;
        }
      }
      if (hit >= 0 && t - this.heard[hit]! <= this.windowMs) {
        this.value[hit] = this.alpha * r + (1 - this.alpha) * this.value[hit]!;
        this.heard[hit] = t;
      } else {
        const e = hit >= 0 ? hit : victim;
        if (hit < 0 && this.beacon[e]! >= 0 && t - this.heard[e]! <= this.windowMs && this.value[e]! >= r) continue;
        this.beacon[e] = b;
        this.value[e] = r;
        this.heard[e] = t;
      }
    }
  }

  /** Calls `cb(beacon, smoothedDbm)` for each reading of the slot still inside the window at `t`. */
  forEach(slot: number, t: number, cb: (beacon: number, dbm: number) => void): void {
    const base = slot * ENTRIES;
    for (let e = base; e < base + ENTRIES; e++) {
      const b = this.beacon[e]!;
      if (b >= 0 && t - this.heard[e]! <= this.windowMs) cb(b, this.value[e]!);
    }
  }
}
