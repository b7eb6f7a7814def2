/**
 * WGS84 ↔ building frame, for telemetry that arrives as lat/lon (NGSI-LD GeoJSON, MQTT states with
 * lat/lon) on a model with a georeference (IfcSite RefLatitude/RefLongitude + TrueNorth).
 *
 * A local tangent plane at the reference point: north/east metres per degree from the WGS84
 * ellipsoid's meridian and parallel radii at the reference latitude, then the rotation by true
 * north. Error grows with the square of the distance from the reference point: under 0.1 m within
 * 1 km, which covers a building and its site; it is not a map projection for a whole city.
 *
 * Frame (DESIGN.md): metres, x east(ish), y north(ish), z up; `trueNorth` is degrees clockwise from
 * the building frame's +y axis to true north, so with trueNorth = 0 the frame is east/north.
 */
import type { Georeference } from './buildingStructure.js';

const RAD = Math.PI / 180;

/** Metres per degree of latitude and of longitude at latitude `lat` (degrees), WGS84. */
export function metresPerDegree(lat: number): { north: number; east: number } {
  const p = lat * RAD;
  return {
    north: 111132.92 - 559.82 * Math.cos(2 * p) + 1.175 * Math.cos(4 * p) - 0.0023 * Math.cos(6 * p),
    east: 111412.84 * Math.cos(p) - 93.5 * Math.cos(3 * p) + 0.118 * Math.cos(5 * p),
  };
}

/** WGS84 degrees → building-frame [x, y] metres. */
export function wgs84ToBuilding(geo: Georeference, lat: number, lon: number): [number, number] {
  const m = metresPerDegree(geo.lat);
  const north = (lat - geo.lat) * m.north;
  const east = (lon - geo.lon) * m.east;
  const t = geo.trueNorth * RAD;
  const c = Math.cos(t), s = Math.sin(t);
  // Building +y is rotated `trueNorth` anticlockwise from north, seen from above.
  return [east * c + north * s, -east * s + north * c];
}

/** Building-frame [x, y] metres → WGS84 [lat, lon] degrees (the inverse of wgs84ToBuilding). */
export function buildingToWgs84(geo: Georeference, x: number, y: number): [number, number] {
  const m = metresPerDegree(geo.lat);
  const t = geo.trueNorth * RAD;
  const c = Math.cos(t), s = Math.sin(t);
  const east = x * c - y * s;
  const north = x * s + y * c;
  return [geo.lat + north / m.north, geo.lon + east / m.east];
}
