import { describe, expect, it } from 'vitest';
import { buildingToWgs84, metresPerDegree, wgs84ToBuilding } from '../../../common/georeference.js';

// Haneda innovation city, roughly.
const geo = { lat: 35.5465, lon: 139.7530, trueNorth: 0 };

describe('georeference', () => {
  it('one degree of latitude is ~111 km and a degree of longitude shrinks with cos(lat)', () => {
    const m = metresPerDegree(35.5465);
    expect(m.north).toBeGreaterThan(110_900);
    expect(m.north).toBeLessThan(111_000);
    expect(m.east / m.north).toBeCloseTo(Math.cos(35.5465 * Math.PI / 180), 2);
  });

  it('a point 100 m north and 50 m east lands at (50, 100) with north up', () => {
    const [lat, lon] = buildingToWgs84(geo, 50, 100);
    expect(lat).toBeGreaterThan(geo.lat);
    expect(lon).toBeGreaterThan(geo.lon);
    const [x, y] = wgs84ToBuilding(geo, lat, lon);
    expect(x).toBeCloseTo(50, 6);
    expect(y).toBeCloseTo(100, 6);
  });

  it('true north 90° (north along building +x) turns a point due north onto +x', () => {
    const turned = { ...geo, trueNorth: 90 };
    const [x, y] = wgs84ToBuilding(turned, geo.lat + 0.001, geo.lon);
    expect(x).toBeCloseTo(110.9, 0);
    expect(Math.abs(y)).toBeLessThan(1e-6);
  });

  it('agrees with the haversine distance within 0.1 m at 1 km', () => {
    const [lat, lon] = buildingToWgs84(geo, 600, 800);
    const R = 6_371_008.8, r = Math.PI / 180;
    const a = Math.sin(((lat - geo.lat) * r) / 2) ** 2 + Math.cos(geo.lat * r) * Math.cos(lat * r) * Math.sin(((lon - geo.lon) * r) / 2) ** 2;
    const d = 2 * R * Math.asin(Math.sqrt(a));
    // The sphere differs from the ellipsoid by up to ~0.3 %; the plane itself is exact to the ellipsoid's local radii.
    expect(Math.abs(d - 1000)).toBeLessThan(4);
    const [x, y] = wgs84ToBuilding(geo, lat, lon);
    expect(Math.hypot(x - 600, y - 800)).toBeLessThan(0.1);
  });
});
