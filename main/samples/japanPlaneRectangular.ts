/**
 * WGS84/JGD2011 latitude/longitude → Japan Plane Rectangular CS zone IX (EPSG:6677, JGD2011), the
 * projected CRS used around Tokyo and Haneda. Transverse Mercator on the GRS80 ellipsoid with the
 * Krüger series to n³ (Karney 2011), accurate to well under a millimetre inside the zone.
 * Used to write IfcMapConversion (Eastings/Northings of the building origin and the grid direction
 * of the building's x axis) for the generated sample building.
 */

/** EPSG:6677 definition: GRS80, origin 36°N 139°50′E, scale 0.9999, no false easting/northing. */
export const EPSG_6677 = {
  name: 'EPSG:6677',
  description: 'JGD2011 / Japan Plane Rectangular CS IX',
  geodeticDatum: 'JGD2011',
  mapProjection: 'Transverse Mercator',
  mapZone: 'IX',
  lat0: 36,
  lon0: 139 + 50 / 60,
  k0: 0.9999,
} as const;

const A_GRS80 = 6378137;
const F_GRS80 = 1 / 298.257222101;
const RAD = Math.PI / 180;

/** Projects latitude/longitude (degrees) to EPSG:6677 easting/northing (metres). */
export function toJapanPlaneIX(lat: number, lon: number): { easting: number; northing: number } {
  const { lat0, lon0, k0 } = EPSG_6677;
  const raw = (phiDeg: number, lamDeg: number) => {
    const n = F_GRS80 / (2 - F_GRS80);
    const a = (A_GRS80 / (1 + n)) * (1 + (n * n) / 4 + (n ** 4) / 64);
    const alpha = [n / 2 - (2 * n * n) / 3 + (5 * n ** 3) / 16, (13 * n * n) / 48 - (3 * n ** 3) / 5, (61 * n ** 3) / 240];
    const phi = phiDeg * RAD;
    const dl = (lamDeg - lon0) * RAD;
    const e2n = (2 * Math.sqrt(n)) / (1 + n);
    const t = Math.sinh(Math.atanh(Math.sin(phi)) - e2n * Math.atanh(e2n * Math.sin(phi)));
    const xi = Math.atan2(t, Math.cos(dl));
    const eta = Math.atanh(Math.sin(dl) / Math.sqrt(1 + t * t));
    let x = eta;
    let y = xi;
    for (let j = 1; j <= 3; j++) {
      x += alpha[j - 1]! * Math.cos(2 * j * xi) * Math.sinh(2 * j * eta);
      y += alpha[j - 1]! * Math.sin(2 * j * xi) * Math.cosh(2 * j * eta);
    }
    return { easting: k0 * a * x, northing: k0 * a * y };
  };
  const p = raw(lat, lon);
  const origin = raw(lat0, lon0);
  return { easting: p.easting, northing: p.northing - origin.northing };
}

/**
 * Grid direction (unit vector in EPSG:6677 easting/northing) of a local axis pointing `bearing` degrees
 * clockwise from true north at (lat, lon): differs from the true direction by the meridian convergence.
 */
export function gridDirection(lat: number, lon: number, bearing: number): [number, number] {
  const d = 100; // metres along the axis, small enough that the curvature does not matter
  const dLat = (d * Math.cos(bearing * RAD)) / 111_320;
  const dLon = (d * Math.sin(bearing * RAD)) / (111_320 * Math.cos(lat * RAD));
  const a = toJapanPlaneIX(lat, lon);
  const b = toJapanPlaneIX(lat + dLat, lon + dLon);
  const ex = b.easting - a.easting;
  const ny = b.northing - a.northing;
  const len = Math.hypot(ex, ny);
  return [ex / len, ny / len];
}
