/**
 * A beacon registry (spec/telemetry.md) for any loaded IFC model, used when neither `--beacons`
 * nor the source gives one: ceiling beacons spread over each storey's walkable area.
 *
 * Deterministic (no random numbers: the same model always gives the same registry, so a
 * recording made with it can be positioned again): per storey, round(walkableArea / areaPerBeacon)
 * beacons (default 80 m² each, within the 60–100 m² a BLE deployment uses for room-level
 * accuracy) on a cell-centred grid over the walkable bounds, starting at spacing
 * `sqrt(areaPerBeacon)` (~8.9 m) and tightened until that many points fall inside the walkable
 * area (irregular floors lose grid points outside it); then every space (IfcSpace) of at least
 * MIN_SPACE_M2 that got none gets one at an interior point, so each room can be told apart,
 * and a storey with walkable area but no grid point (narrower than the spacing) gets one.
 * Ids `b-001`…; `floor` = storey name (as walkableFromStructure names floors); `z` = height above
 * the storey's floor (BEACON_HEIGHT_M); txPower −59 dBm (RSSI at 1 m of a typical iBeacon).
 */
import type { BuildingStructure, PlanMultiPolygon, PlanRing } from '../../common/buildingStructure.js';
import { pointInPolygon } from '../../common/polygon.js';
import type { BeaconRegistry } from '../../common/records.js';
import { BEACON_HEIGHT_M } from './testbed/placeBeacons.js';

/** Default walkable area served by one beacon, m². */
export const DEFAULT_AREA_PER_BEACON_M2 = 80;
/** Spaces smaller than this (shafts, cupboards) need no beacon of their own, m². */
export const MIN_SPACE_M2 = 4;
const TX_POWER_DBM = -59;

/** Inside an outer ring of the multipolygon and outside its holes. */
export function inMultiPolygon(x: number, y: number, mp: PlanMultiPolygon): boolean {
  for (const poly of mp) {
    const outer = poly[0];
    if (!outer || !pointInPolygon(x, y, outer)) continue;
    let inHole = false;
    for (let h = 1; h < poly.length && !inHole; h++) inHole = pointInPolygon(x, y, poly[h]!);
    if (!inHole) return true;
  }
  return false;
}

function bounds(rings: readonly PlanRing[]): [number, number, number, number] {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const r of rings) for (const [x, y] of r) {
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  return [minX, minY, maxX, maxY];
}

/**
 * A point inside `mp` near the centre of its largest outer ring's bounds: the centre itself if
 * inside, else the inside point of a 0.25 m-step grid over those bounds closest to the centre.
 */
export function interiorPoint(mp: PlanMultiPolygon): [number, number] | null {
  const outers = mp.map((p) => p[0]).filter((r): r is PlanRing => r !== undefined && r.length >= 3);
  if (!outers.length) return null;
  const [minX, minY, maxX, maxY] = bounds(outers);
  const cx = (minX + maxX) / 2, cy = (minY + maxY) / 2;
  if (inMultiPolygon(cx, cy, mp)) return [cx, cy];
  const step = Math.max(0.25, Math.max(maxX - minX, maxY - minY) / 400);
  let best: [number, number] | null = null;
  let bestD = Infinity;
  for (let x = minX + step / 2; x < maxX; x += step) {
    for (let y = minY + step / 2; y < maxY; y += step) {
      const d = (x - cx) ** 2 + (y - cy) ** 2;
      if (d < bestD && inMultiPolygon(x, y, mp)) {
        bestD = d;
        best = [x, y];
      }
    }
  }
  return best;
}

export function placeBeaconsOnStructure(structure: BuildingStructure, areaPerBeacon: number = DEFAULT_AREA_PER_BEACON_M2): BeaconRegistry {
  if (!(areaPerBeacon > 0)) throw new RangeError(`placeBeaconsOnStructure: areaPerBeacon must be > 0 m², got ${areaPerBeacon}`);
  const spacing = Math.sqrt(areaPerBeacon);
  const points: { floor: string; x: number; y: number }[] = [];
  const storeys = [...structure.storeys].sort((a, b) => a.elevation - b.elevation);
  for (const storey of storeys) {
    const walkable = storey.walkable;
    const outers = walkable.map((p) => p[0]).filter((r): r is PlanRing => r !== undefined && r.length >= 3);
    if (!outers.length) continue;
    const [minX, minY, maxX, maxY] = bounds(outers);
    const w = maxX - minX, h = maxY - minY;
    // As many beacons as the area asks for: shrink the grid until enough of it lands inside.
    const target = Math.max(1, Math.round(storey.walkableArea / areaPerBeacon));
    let mine: [number, number][] = [];
    for (let spacing = Math.sqrt(areaPerBeacon), k = 0; k < 40 && mine.length < target; k++, spacing *= 0.93) {
      const cols = Math.max(1, Math.round(w / spacing));
      const rows = Math.max(1, Math.round(h / spacing));
      mine = [];
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const x = minX + ((c + 0.5) * w) / cols, y = minY + ((r + 0.5) * h) / rows;
          if (inMultiPolygon(x, y, walkable)) mine.push([x, y]);
        }
      }
    }
    for (const space of structure.spaces) {
      if (space.storey !== storey.index || space.area < MIN_SPACE_M2) continue;
      if (mine.some(([x, y]) => inMultiPolygon(x, y, space.footprint))) continue;
      const inside = interiorPoint(space.footprint);
      if (inside) mine.push(inside);
    }
    if (!mine.length) {
      const p = interiorPoint(walkable);
      if (p) mine.push(p);
    }
    for (const [x, y] of mine) points.push({ floor: storey.name, x, y });
  }
  const width = Math.max(3, String(points.length).length);
  return {
    beacons: points.map((p, i) => ({
      id: `b-${String(i + 1).padStart(width, '0')}`,
      floor: p.floor,
      x: Math.round(p.x * 100) / 100,
      y: Math.round(p.y * 100) / 100,
      z: BEACON_HEIGHT_M,
      txPower: TX_POWER_DBM,
    })),
  };
}
