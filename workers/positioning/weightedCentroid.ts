/**
 * Baseline locator: weighted centroid of the strongest beacons (the benchmark's peer).
 * Floor = floor of the strongest beacon; x, y = Σ wᵢ·bᵢ / Σ wᵢ over the `k` strongest beacons of
 * that floor with wᵢ = 1 / dᵢ² and dᵢ from the path-loss model. Stateless, one scan at a time.
 */
import type { ScanRecord } from '../../common/records.js';
import type { BeaconTable } from './BeaconTable.js';
import { distanceFromRssi } from './pathLoss.js';

export interface CentroidFix {
  floor: string;
  x: number;
  y: number;
}

export function weightedCentroid(scan: ScanRecord, beacons: BeaconTable, exponent = 2.5, k = 4, minRssi = -100): CentroidFix | null {
  const idx: number[] = [];
  const rssi: number[] = [];
  for (const id in scan.rssi) {
    const i = beacons.indexOf(id);
    const r = scan.rssi[id]!;
    if (i < 0 || r < minRssi || r > 0) continue;
    idx.push(i);
    rssi.push(r);
  }
  if (idx.length === 0) return null;
  let best = 0;
  for (let j = 1; j < idx.length; j++) if (rssi[j]! > rssi[best]!) best = j;
  const floor = beacons.floor[idx[best]!]!;
  const order = idx.map((_, j) => j).filter((j) => beacons.floor[idx[j]!] === floor).sort((a, b) => rssi[b]! - rssi[a]!);
  let sw = 0;
  let sx = 0;
  let sy = 0;
  for (const j of order.slice(0, k)) {
    const b = idx[j]!;
    const d = distanceFromRssi(rssi[j]!, beacons.txPower[b]!, exponent);
    const w = 1 / (d * d);
    sw += w;
    sx += w * beacons.x[b]!;
    sy += w * beacons.y[b]!;
  }
  return { floor: beacons.floors[floor]!, x: sx / sw, y: sy / sw };
}
