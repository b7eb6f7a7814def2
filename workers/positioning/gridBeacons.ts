/**
 * A beacon registry for any walkable map: `count` beacons spread over the floors in proportion
 * to walkable area, on a jittered square grid, each on a walkable cell (ceiling-mounted at
 * `heightM` above its floor; txPower ≈ −59 dBm ± 1.5). Used by tests, the benchmark and as a
 * planning aid ("how many beacons for this model?").
 */
import type { BeaconRegistry } from '../../common/records.js';
import { SeededRandom } from './SeededRandom.js';
import { rasterWalkable, WalkableGrid } from './WalkableGrid.js';

export function gridBeacons(grid: WalkableGrid, count: number, seed = 1, heightM = 2.8): BeaconRegistry {
  const rng = new SeededRandom(seed);
  const floors = grid.floorNames();
  const total = floors.reduce((s, f) => s + grid.area(f), 0);
  const beacons: BeaconRegistry['beacons'] = [];
  for (const f of floors) {
    const r = grid.raster(f)!;
    const area = grid.area(f);
    if (area === 0) continue;
    const want = Math.max(1, Math.round((count * area) / total));
    // Spacing so that about `want` grid points land on walkable cells.
    let spacing = Math.sqrt(area / want);
    for (let attempt = 0; attempt < 20; attempt++) {
      const pts: [number, number][] = [];
      const x1 = r.minX + r.cols * grid.cellSize;
      const y1 = r.minY + r.rows * grid.cellSize;
      for (let y = r.minY + spacing / 2; y < y1; y += spacing) {
        for (let x = r.minX + spacing / 2; x < x1; x += spacing) {
          const jx = x + (rng.next() - 0.5) * spacing * 0.3;
          const jy = y + (rng.next() - 0.5) * spacing * 0.3;
          if (rasterWalkable(r, grid.cellSize, jx, jy)) pts.push([jx, jy]);
        }
      }
      if (Math.abs(pts.length - want) <= Math.max(1, want * 0.03) || attempt === 19) {
        for (const [x, y] of pts) {
          beacons.push({
            id: `b-${String(beacons.length + 1).padStart(3, '0')}`,
            floor: f,
            x: Math.round(x * 100) / 100,
            y: Math.round(y * 100) / 100,
            z: heightM,
            txPower: Math.round(-59 + 1.5 * rng.gaussian()),
          });
        }
        break;
      }
      spacing *= Math.sqrt(pts.length / want);
    }
  }
  return { beacons };
}
