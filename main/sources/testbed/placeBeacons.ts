/**
 * Places the testbed's BLE beacons on the layout's storeys and returns the registry in the
 * format of spec/telemetry.md (`{ beacons: [{ id, floor, x, y, z, txPower }] }`).
 *
 * Beacons are ceiling-mounted (z = 2.8 m above the storey's floor level, the registry's `z` is
 * height above that floor), spread over each storey in proportion to space area with at least
 * one per space (stair cores included, which is where positioning most needs a floor hint), on
 * a jittered grid inside every space. txPower (RSSI at 1 m) varies per unit around −59 dBm
 * (sd 1.5 dB) as real beacons do.
 */
import type { BeaconRegistry } from '../../../common/records.js';
import type { TestbedLayout } from '../../../common/testbedLayout.js';
import type { SeededRandom } from './SeededRandom.js';
import { WalkGraph } from '../../../workers/testbed/WalkGraph.js';
import { pointInRing } from '../../../workers/testbed/planGeometry.js';

/** Mounting height above the storey's floor level, m. */
export const BEACON_HEIGHT_M = 2.8;

export function placeBeacons(layout: TestbedLayout, graph: WalkGraph, count: number, rand: SeededRandom): BeaconRegistry {
  const beacons: BeaconRegistry['beacons'] = [];
  if (count <= 0) return { beacons };
  const storeys = layout.storeys;
  let left = count;
  for (let si = 0; si < storeys.length; si++) {
    const storey = storeys[si]!;
    const quota = si === storeys.length - 1 ? left : Math.round(count / storeys.length);
    left -= quota;
    const spaces = (graph.spacesByStorey[storey.index] ?? []).map((i) => graph.spaces[i]!);
    if (!spaces.length || quota <= 0) continue;
    const total = spaces.reduce((s, sp) => s + sp.area, 0);
    // Largest-remainder allocation, one minimum per space when the quota allows.
    const base = quota >= spaces.length ? 1 : 0;
    const rest = quota - base * spaces.length;
    const shares = spaces.map((sp) => (rest * sp.area) / total);
    const alloc = shares.map((s) => base + Math.floor(s));
    let missing = quota - alloc.reduce((a, b) => a + b, 0);
    const order = shares.map((s, i) => [s - Math.floor(s), i] as const).sort((a, b) => b[0] - a[0]);
    for (let k = 0; missing > 0 && k < order.length; k++, missing--) alloc[order[k]![1]]!++;
    for (let i = 0; i < spaces.length; i++) {
      const sp = spaces[i]!;
      const k = alloc[i]!;
      if (k <= 0) continue;
      const [minX, minY, maxX, maxY] = sp.bounds;
      const w = maxX - minX, h = maxY - minY;
      const cols = Math.max(1, Math.round(Math.sqrt((k * w) / h)));
      const rows = Math.max(1, Math.ceil(k / cols));
      let placed = 0;
      for (let r = 0; r < rows && placed < k; r++) {
        for (let c = 0; c < cols && placed < k; c++) {
          const jx = rand.range(-0.15, 0.15), jy = rand.range(-0.15, 0.15);
          let x = minX + (w * (c + 0.5 + jx)) / cols, y = minY + (h * (r + 0.5 + jy)) / rows;
          if (!pointInRing(sp.ring, x, y)) [x, y] = sp.centroid;
          placed++;
          beacons.push({
            id: '', floor: storey.name, x: round2(x), y: round2(y), z: BEACON_HEIGHT_M,
            txPower: Math.round(Math.max(-66, Math.min(-53, rand.normal(-59, 1.5)))),
          });
        }
      }
    }
  }
  const width = Math.max(3, String(beacons.length).length);
  beacons.forEach((b, i) => (b.id = `b-${String(i + 1).padStart(width, '0')}`));
  return { beacons };
}

const round2 = (v: number) => Math.round(v * 100) / 100;
