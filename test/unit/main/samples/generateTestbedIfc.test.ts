/** The testbed layout and its IFC4 generator: one description, exact counts, deterministic output, web-ifc reads it with geometry. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import * as WebIFC from 'web-ifc';
import { buildTestbedLayout } from '../../../../common/testbedLayout';
import { generateTestbedIfc } from '../../../../main/samples/generateTestbedIfc';
import { toJapanPlaneIX } from '../../../../main/samples/japanPlaneRectangular';
import { IfcEngine } from '../../../../workers/ifc/IfcEngine';

const root = resolve(__dirname, '../../../..');
const generate = (opts = {}) => {
  const chunks: string[] = [];
  const r = generateTestbedIfc(buildTestbedLayout(opts), (c) => chunks.push(c));
  return { text: chunks.join(''), ...r };
};
const count = (text: string, entity: string) => (text.match(new RegExp(`=${entity}\\(`, 'g')) ?? []).length;
/**
 * IfcWalls per storey: layout walls split where other walls meet them — south/north façades and the
 * two corridor walls in R + 2 bays each, east/west façades in 3, and 2(R + 1) room partitions.
 */
const wallBays = (storeys: number, R: number) => storeys * (4 * (R + 2) + 2 * 3 + 2 * (R + 1));

describe('buildTestbedLayout', () => {
  it('has the plan the contract describes', () => {
    const l = buildTestbedLayout();
    expect(l.storeys.map((s) => s.name)).toEqual(['1F', '2F', '3F']);
    expect(l.spaces.filter((s) => s.storey === 0 && (s.usage === 'office' || s.usage === 'lab') && /^1F-[SN]\d/.test(s.id))).toHaveLength(12);
    expect(l.spaces.filter((s) => s.usage === 'atrium')).toHaveLength(3);
    expect(l.doors.filter((d) => d.exterior).every((d) => d.storey === 0 && d.between.includes('outside'))).toBe(true);
    expect(l.doors.filter((d) => d.exterior).length).toBeGreaterThanOrEqual(2);
    expect(l.stairs).toHaveLength(4); // two cores × two storey pairs
    expect(l.site.busStops.length).toBeGreaterThanOrEqual(2);
    const ids = new Set(l.spaces.map((s) => s.id));
    expect(ids.size).toBe(l.spaces.length);
    for (const d of l.doors) for (const b of d.between) expect(b === 'outside' || ids.has(b), `${d.id} → ${b}`).toBe(true);
    // the road loop is outside the building on every side
    const W = Math.max(...l.walls.map((w) => w.b[0]));
    for (const [x, y] of l.site.roadLoop) expect(x < 0 || x > W || y < 0 || y > 30).toBe(true);
  });

  it('scales with the options and rejects bad ones naming them', () => {
    const l = buildTestbedLayout({ storeys: 5, roomsPerSide: 10 });
    expect(l.storeys).toHaveLength(5);
    expect(l.stairs).toHaveLength(8);
    expect(l.spaces).toHaveLength(5 * (2 * 10 + 11));
    expect(() => buildTestbedLayout({ storeys: 0 })).toThrow(/storeys/);
    expect(() => buildTestbedLayout({ roomsPerSide: 1.5 })).toThrow(/roomsPerSide/);
  });
});

describe('generateTestbedIfc', () => {
  it('writes one IFC entity per layout element', () => {
    const l = buildTestbedLayout();
    const { text } = generate();
    expect(text.startsWith('ISO-10303-21;')).toBe(true);
    expect(text.trimEnd().endsWith('END-ISO-10303-21;')).toBe(true);
    expect(text).toContain("FILE_SCHEMA(('IFC4'));");
    expect(count(text, 'IFCBUILDINGSTOREY')).toBe(l.storeys.length);
    expect(count(text, 'IFCSPACE')).toBe(l.spaces.length);
    expect(count(text, 'IFCDOOR')).toBe(l.doors.length);
    expect(count(text, 'IFCOPENINGELEMENT')).toBe(l.doors.length);
    expect(count(text, 'IFCRELVOIDSELEMENT')).toBe(l.doors.length);
    expect(count(text, 'IFCWALL')).toBe(wallBays(3, 6));
    expect(count(generate({ storeys: 2, roomsPerSide: 9 }).text, 'IFCWALL')).toBe(wallBays(2, 9));
    expect(count(text, 'IFCSTAIR')).toBe(l.stairs.length);
    expect(count(text, 'IFCSTAIRFLIGHT')).toBe(l.stairs.length);
    expect(count(text, 'IFCSLAB')).toBe(l.storeys.length);
    expect(text).toMatch(/IFCBUILDINGELEMENTPROXY\([^;]*'Bus road loop'/);
    expect(text).toContain('IFCSITE(');
    expect(text).toContain(',(35,32,57,840000),(139,46,47,280000),');
    expect(count(text, 'IFCMAPCONVERSION')).toBe(1);
  });

  it('is deterministic and matches the committed sample byte for byte', () => {
    const a = generate().text;
    expect(generate().text).toBe(a);
    expect(readFileSync(join(root, 'samples', 'testbed-complex.ifc'), 'utf8')).toBe(a);
  });

  it('writes unique GlobalIds', () => {
    const ids = [...generate({ storeys: 4, roomsPerSide: 8 }).text.matchAll(/\('([0-9A-Za-z_$]{22})'/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(500);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('places the map conversion at the EPSG:6677 coordinates of the site origin', () => {
    const l = buildTestbedLayout();
    const en = toJapanPlaneIX(l.georeference.lat, l.georeference.lon);
    // Haneda is ~50 km south and ~5 km west of the zone IX origin (36°N, 139°50′E)
    expect(en.northing).toBeGreaterThan(-52_000);
    expect(en.northing).toBeLessThan(-48_000);
    expect(en.easting).toBeGreaterThan(-6_000);
    expect(en.easting).toBeLessThan(-4_000);
    expect(generate().text).toContain(`IFCMAPCONVERSION(#8,#16,${Math.round(en.easting * 1e6) / 1e6},${Math.round(en.northing * 1e6) / 1e6},0.,`);
  });
});

describe('web-ifc reads the generated building with geometry', () => {
  const engine = new IfcEngine();
  beforeAll(async () => {
    await engine.init(join(root, 'node_modules', 'web-ifc') + '/');
  });
  afterAll(() => engine.dispose());

  it('streams meshes for walls, slabs, doors, stair flights and the road; spaces mesh on request', () => {
    const l = buildTestbedLayout();
    const { modelID } = engine.open(new TextEncoder().encode(generate().text), 'testbed.ifc');
    const api = engine.api;
    const byType = new Map<string, number>();
    api.StreamAllMeshes(modelID, (m) => {
      if (m.geometries.size() === 0) return;
      const t = api.GetNameFromTypeCode(api.GetLineType(modelID, m.expressID));
      byType.set(t, (byType.get(t) ?? 0) + 1);
    });
    expect(byType.get('IfcWall')).toBe(wallBays(3, 6));
    expect(byType.get('IfcSlab')).toBe(l.storeys.length);
    expect(byType.get('IfcDoor')).toBe(l.doors.length);
    expect(byType.get('IfcStairFlight')).toBe(l.stairs.length);
    expect(byType.get('IfcBuildingElementProxy')).toBe(1 + l.site.busStops.length);
    const spaces = api.GetLineIDsWithType(modelID, WebIFC.IFCSPACE);
    let meshed = 0;
    api.StreamMeshes(modelID, Array.from({ length: spaces.size() }, (_, i) => spaces.get(i)), (m) => void (meshed += m.geometries.size() > 0 ? 1 : 0));
    expect(meshed).toBe(l.spaces.length);
    engine.close(modelID);
  });
});
