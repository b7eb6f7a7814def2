/**
 * Synthesises the BLE scans a phone would report at a point of the testbed.
 *
 * RSSI = txPower − 10·n·log10(d) − (walls crossed × 3–5 dB each) + N(0, σ), with d the 3-D
 * distance from the ceiling beacon to a phone held at 1.2 m, n = 2.2, σ = 4 dB; each reading is
 * lost with probability 0.2 (packet loss, scan-window misses), and only readings above
 * −95 dBm are reported — the figures of shared/reference/pedestrian.md. Only beacons on the
 * phone's own storey are heard (a concrete slab costs ≥ 20 dB, which puts nearly every other
 * storey's beacon under the threshold).
 *
 * Wall attenuation is precomputed per beacon and 1 m grid cell (each wall gets a fixed loss
 * drawn once from 3–5 dB, summed along the straight beacon→cell-centre line), so a scan costs
 * one table read, one log and one normal deviate per audible beacon — 2 000 phones at 1 Hz and
 * ×60 speed stay cheap.
 */
import type { BeaconRegistry } from '../../../common/records.js';
import type { TestbedLayout } from '../../../common/testbedLayout.js';
import { expectedRssi } from '../../../workers/positioning/pathLoss.js';
import type { SeededRandom } from './SeededRandom.js';
import { segmentsCross } from '../../../workers/testbed/planGeometry.js';

export interface RadioParameters {
  /** Path-loss exponent n. */
  exponent: number;
  /** Shadowing noise σ, dB. */
  sigmaDb: number;
  /** Probability that one beacon's reading is missing from a scan. */
  dropout: number;
  /** Readings below this are not reported, dBm. */
  thresholdDbm: number;
  /** Per-wall attenuation range, dB (each wall draws a fixed value). */
  wallLossDb: [number, number];
  /** Phone height above the floor, m. */
  phoneHeightM: number;
}

export const DEFAULT_RADIO: RadioParameters = {
  exponent: 2.2,
  sigmaDb: 4,
  dropout: 0.2,
  thresholdDbm: -95,
  wallLossDb: [3, 5],
  phoneHeightM: 1.2,
};

const CELL_M = 1;
/** Wall loss table unit: quarter dB in a Uint8 (max 63.75 dB). */
const LOSS_UNIT = 0.25;

interface StoreyRadio {
  /** Beacon indices (into the registry) on this storey. */
  beacons: Int32Array;
  bx: Float64Array;
  by: Float64Array;
  dz2: Float64Array;
  tx: Float64Array;
  ids: string[];
  originX: number;
  originY: number;
  cols: number;
  rows: number;
  /** [beacon k][cell] wall loss in LOSS_UNIT. */
  loss: Uint8Array;
  /** Per cell, the beacons that can possibly be heard there: cellList[cellStart[c] .. cellStart[c+1]). */
  cellStart: Int32Array;
  cellList: Int32Array;
  /** This storey's walls and the fixed loss each one drew (dB), what `loss` is summed from. */
  walls: TestbedLayout['walls'];
  wallLoss: number[];
}

export class RadioModel {
  readonly params: RadioParameters;
  private readonly storeys: StoreyRadio[] = [];

  /**
   * Draws each wall's fixed loss from `rand` (storey by storey, wall by wall — the only randomness
   * used here) and builds the tables. `options.deferTables`: leave the tables empty for a caller
   * that fills them with `tableSlices()` (TestbedSimulator.create); `rand` is consumed the same.
   */
  constructor(layout: TestbedLayout, registry: BeaconRegistry, rand: SeededRandom, params: Partial<RadioParameters> = {}, options: { deferTables?: boolean } = {}) {
    this.params = { ...DEFAULT_RADIO, ...params };
    const p = this.params;
    for (const storey of layout.storeys) {
      const walls = layout.walls.filter((w) => w.storey === storey.index);
      const wallLoss = walls.map(() => rand.range(p.wallLossDb[0], p.wallLossDb[1]));
      const own = registry.beacons.map((b, i) => [b, i] as const).filter(([b]) => b.floor === storey.name);
      let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
      for (const sp of layout.spaces) {
        if (sp.storey !== storey.index) continue;
        for (const [x, y] of sp.polygon) {
          minX = Math.min(minX, x); minY = Math.min(minY, y); maxX = Math.max(maxX, x); maxY = Math.max(maxY, y);
        }
      }
      if (!Number.isFinite(minX)) { minX = minY = 0; maxX = maxY = 1; }
      const cols = Math.max(1, Math.ceil((maxX - minX) / CELL_M));
      const rows = Math.max(1, Math.ceil((maxY - minY) / CELL_M));
      const n = own.length;
      const bx = new Float64Array(n), by = new Float64Array(n), dz2 = new Float64Array(n), tx = new Float64Array(n);
      for (let k = 0; k < n; k++) {
        const b = own[k]![0];
        bx[k] = b.x; by[k] = b.y; tx[k] = b.txPower;
        dz2[k] = ((b.z ?? 2.8) - p.phoneHeightM) ** 2;
      }
      this.storeys[storey.index] = {
        beacons: Int32Array.from(own.map(([, i]) => i)), bx, by, dz2, tx, ids: own.map(([b]) => b.id),
        originX: minX, originY: minY, cols, rows, loss: new Uint8Array(n * cols * rows),
        cellStart: new Int32Array(cols * rows + 1), cellList: new Int32Array(0), walls, wallLoss,
      };
    }
    if (!options.deferTables) for (const _ of this.tableSlices());
  }

  /**
   * Fills the wall-loss table and audibility lists (beacons × cells × walls: ~1 s for Office A),
   * yielding after each beacon's row of cells and each storey's lists so a caller can let its event loop
   * breathe. Scans are valid once the generator is done; the result is the same however it is driven.
   */
  *tableSlices(): Generator<void, void> {
    const p = this.params;
    for (const s of this.storeys) {
      if (!s) continue;
      const { cols, rows, bx, by, dz2, tx, walls, wallLoss, loss } = s;
      const minX = s.originX, minY = s.originY;
      const cells = cols * rows;
      const n = s.ids.length;
      for (let k = 0; k < n; k++) {
        const x0 = bx[k]!, y0 = by[k]!;
        for (let r = 0; r < rows; r++) {
          const cy = minY + (r + 0.5) * CELL_M;
          for (let c = 0; c < cols; c++) {
            const cx = minX + (c + 0.5) * CELL_M;
            let db = 0;
            for (let w = 0; w < walls.length; w++) {
              const wall = walls[w]!;
              if (segmentsCross(x0, y0, cx, cy, wall.a[0], wall.a[1], wall.b[0], wall.b[1])) db += wallLoss[w]!;
            }
            loss[k * cells + r * cols + c] = Math.min(255, Math.round(db / LOSS_UNIT));
          }
          yield;
        }
      }
      // Audibility lists: the loudest reading anywhere in the cell (mean at the nearest point of
      // the cell, +3σ) must clear the threshold.
      const cutoff = p.thresholdDbm - 3 * p.sigmaDb;
      const cellStart = s.cellStart;
      const list: number[] = [];
      for (let cell = 0; cell < cells; cell++) {
        cellStart[cell] = list.length;
        const c0x = minX + (cell % cols) * CELL_M, c0y = minY + Math.floor(cell / cols) * CELL_M;
        for (let k = 0; k < n; k++) {
          const nx = Math.max(c0x, Math.min(c0x + CELL_M, bx[k]!)), ny = Math.max(c0y, Math.min(c0y + CELL_M, by[k]!));
          const d = Math.sqrt((nx - bx[k]!) ** 2 + (ny - by[k]!) ** 2 + dz2[k]!);
          // Wall loss may differ by one wall inside a cell: allow the cheapest wall's worth.
          const wallsDb = Math.max(0, loss[k * cells + cell]! * LOSS_UNIT - p.wallLossDb[1]);
          if (expectedRssi(tx[k]!, d, p.exponent) - wallsDb >= cutoff) list.push(k);
        }
        if ((cell & 63) === 63) yield;
      }
      cellStart[cells] = list.length;
      s.cellList = Int32Array.from(list);
      yield;
    }
  }

  /** Noise-free expected RSSI (dBm) of the storey's k-th beacon at (x, y): path loss plus walls. */
  meanRssi(storey: number, k: number, x: number, y: number): number {
    const s = this.storeys[storey];
    if (!s || k < 0 || k >= s.ids.length) return -Infinity;
    const cell = this.cellOf(s, x, y);
    const d = Math.sqrt((x - s.bx[k]!) ** 2 + (y - s.by[k]!) ** 2 + s.dz2[k]!);
    return expectedRssi(s.tx[k]!, d, this.params.exponent) - s.loss[k * s.cols * s.rows + cell]! * LOSS_UNIT;
  }

  /** Beacon ids on a storey, in the order `meanRssi`'s `k` uses. */
  beaconIds(storey: number): readonly string[] {
    return this.storeys[storey]?.ids ?? [];
  }

  /**
   * One scan at (x, y) on `storey`: beacon id → integer RSSI dBm, only audible beacons;
   * null when nothing is heard (the phone then reports nothing).
   */
  scan(storey: number, x: number, y: number, rand: SeededRandom): Record<string, number> | null {
    // A prototype-less object is a hash map from the start: every scan hears a different subset
    // of beacons, and an object literal would mint a new hidden class for nearly every scan.
    const out = Object.create(null) as Record<string, number>;
    let heard = 0;
    const s = this.storeys[storey];
    if (!s) return null;
    const p = this.params;
    const cell = this.cellOf(s, x, y);
    const cells = s.cols * s.rows;
    // The loudest possible reading (mean + 3σ) must clear the threshold, else skip the noise draw.
    const cutoff = p.thresholdDbm - 3 * p.sigmaDb;
    const dropout = p.dropout, sigma = p.sigmaDb, threshold = p.thresholdDbm, exponent = p.exponent;
    const end = s.cellStart[cell + 1]!;
    for (let m = s.cellStart[cell]!; m < end; m++) {
      const k = s.cellList[m]!;
      if (rand.next() < dropout) continue;
      const d = Math.sqrt((x - s.bx[k]!) ** 2 + (y - s.by[k]!) ** 2 + s.dz2[k]!);
      const mean = expectedRssi(s.tx[k]!, d, exponent) - s.loss[k * cells + cell]! * LOSS_UNIT;
      if (mean < cutoff) continue;
      const v = Math.round(mean + rand.normal(0, sigma));
      if (v < threshold) continue;
      out[s.ids[k]!] = Math.min(0, v);
      heard++;
    }
    return heard > 0 ? out : null;
  }

  private cellOf(s: StoreyRadio, x: number, y: number): number {
    const c = Math.min(s.cols - 1, Math.max(0, Math.floor((x - s.originX) / CELL_M)));
    const r = Math.min(s.rows - 1, Math.max(0, Math.floor((y - s.originY) / CELL_M)));
    return r * s.cols + c;
  }
}
