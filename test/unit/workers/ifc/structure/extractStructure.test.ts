/**
 * Structure extraction on real IFC files (shared/ifc, SOURCES.md) and on the generated testbed
 * building, whose layout gives the exact expected answer.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IfcEngine } from '../../../../../workers/ifc/IfcEngine';
import { extractStructure } from '../../../../../workers/ifc/structure/extractStructure';
import type { BuildingStructure } from '../../../../../workers/ifc/structure/BuildingStructure';
import { multiPolygonArea, pointInMultiPolygon, ringSignedArea } from '../../../../../workers/ifc/structure/planGeometry';
import { buildTestbedLayout } from '../../../../../common/testbedLayout';

const root = resolve(__dirname, '../../../../..');
const shared = join(root, '..', 'shared', 'ifc');
const engine = new IfcEngine();
const cache = new Map<string, BuildingStructure>();

function load(path: string): BuildingStructure {
  const hit = cache.get(path);
  if (hit) return hit;
  const { modelID } = engine.open(new Uint8Array(readFileSync(path)), path);
  try {
    const s = extractStructure(engine.api, modelID);
    cache.set(path, s);
    return s;
  } finally {
    engine.close(modelID);
  }
}

beforeAll(async () => {
  await engine.init(join(root, 'node_modules', 'web-ifc') + '/');
});
afterAll(() => engine.dispose());

const area = (ring: [number, number][]) => Math.abs(ringSignedArea(ring));

describe('extractStructure on the generated testbed building', () => {
  const layout = buildTestbedLayout();
  let s: BuildingStructure;
  beforeAll(() => {
    s = load(join(root, 'samples', 'testbed-complex.ifc'));
  });

  it('has the layout storeys at their elevations, with their GlobalIds', () => {
    expect(s.schema).toBe('IFC4');
    expect(s.storeys.map((x) => x.name)).toEqual(layout.storeys.map((x) => x.name));
    expect(s.storeys.map((x) => x.elevation)).toEqual(layout.storeys.map((x) => x.elevation));
    expect(new Set(s.storeys.map((x) => x.globalId)).size).toBe(layout.storeys.length);
  });

  it('finds every space on its storey with the layout footprint area', () => {
    expect(s.spaces).toHaveLength(layout.spaces.length);
    for (const ls of layout.spaces) {
      const sp = s.spaces.find((x) => x.name === ls.id);
      expect(sp, ls.id).toBeDefined();
      expect(sp!.storey).toBe(ls.storey);
      expect(sp!.longName).toBe(ls.name);
      expect(sp!.area).toBeCloseTo(area(ls.polygon), 3);
    }
  });

  it('finds every door with its clear width, the spaces it joins, and exactly the layout exits', () => {
    expect(s.doors).toHaveLength(layout.doors.length);
    for (const ld of layout.doors) {
      const d = s.doors.find((x) => x.name === ld.id)!;
      expect(d, ld.id).toBeDefined();
      expect(d.storey).toBe(ld.storey);
      expect(d.width).toBeCloseTo(ld.width, 6);
      expect(Math.hypot(d.x - ld.x, d.y - ld.y)).toBeLessThan(0.05);
      const joined = d.spaces.map((i) => (i === null ? 'outside' : s.spaces[i]!.name)).sort();
      expect(joined, ld.id).toEqual([...ld.between].sort());
      expect(d.exterior).toBe(ld.exterior);
      expect(d.exit).toBe(ld.exterior);
    }
  });

  it('finds the stairs joining adjacent storeys with the layout walking length', () => {
    expect(s.stairs).toHaveLength(layout.stairs.length);
    for (const ls of layout.stairs) {
      const st = s.stairs.find((x) => x.name === ls.id)!;
      expect(st, ls.id).toBeDefined();
      expect([st.fromStorey, st.toStorey]).toEqual([ls.fromStorey, ls.toStorey]);
      expect(st.length).toBeCloseTo(ls.length, 1);
      expect(st.width).toBeCloseTo(ls.width, 1);
      expect(Math.hypot(st.bottom[0] - ls.bottom[0], st.bottom[1] - ls.bottom[1])).toBeLessThan(0.5);
      expect(Math.hypot(st.top[0] - ls.top[0], st.top[1] - ls.top[1])).toBeLessThan(0.5);
    }
  });

  it('builds one connected walkable polygon per storey: all spaces minus walls, doors passable', () => {
    for (const st of s.storeys) {
      expect(st.walkableSource).toBe('spaces');
      expect(st.walkable).toHaveLength(1); // every room reaches the corridor through its door
      const spaceArea = layout.spaces.filter((x) => x.storey === st.index).reduce((a, x) => a + area(x.polygon), 0);
      expect(st.walkableArea).toBeGreaterThan(0.9 * spaceArea);
      expect(st.walkableArea).toBeLessThan(spaceArea);
      for (const d of layout.doors.filter((x) => x.storey === st.index)) expect(pointInMultiPolygon(d.x, d.y, st.walkable), d.id).toBe(true);
      // a point inside a wall away from any door is not walkable
      expect(pointInMultiPolygon(layout.walls[0]!.a[0] + 3, layout.walls[0]!.a[1], st.walkable)).toBe(false);
    }
  });

  it('reads the georeference and counts entity types as the schema names them', () => {
    expect(s.georeference!.lat).toBeCloseTo(layout.georeference.lat, 6);
    expect(s.georeference!.lon).toBeCloseTo(layout.georeference.lon, 6);
    expect(s.georeference!.trueNorth).toBe(0);
    expect(s.counts.IfcBuildingStorey).toBe(3);
    expect(s.counts.IfcWall).toBeGreaterThanOrEqual(layout.walls.length); // one per wall bay
    expect(s.counts.IfcOpeningElement).toBe(layout.doors.length);
    expect(s.counts.IfcMapConversion).toBe(1);
  });
});

/** SOURCES.md table: storeys, spaces, doors, stairs, stair flights. */
const TABLE: Record<string, [number, number, number, number, number]> = {
  'ifcopenhouse-ifc4.ifc': [1, 0, 1, 0, 1],
  'schependomlaan-xella-groundfloor-walls-ifc2x3.ifc': [1, 0, 0, 0, 0],
  'bim2sim-examplehom-ifc4.ifc': [3, 11, 11, 0, 0],
  'duplex-apartment-ifc2x3.ifc': [4, 21, 14, 2, 2],
  'kit-ac20-fzk-haus-ifc4.ifc': [2, 7, 5, 1, 0],
  'mini-project-ifc2x3.ifc': [1, 0, 0, 0, 0],
  'office-a-ifc2x3.ifc': [3, 99, 102, 2, 4],
};

describe.each(Object.entries(TABLE))('extractStructure on %s', (file, [storeys, spaces, doors, stairs, flights]) => {
  it('matches the SOURCES.md counts and places every space and door on a storey', () => {
    const s = load(join(shared, file));
    expect(s.storeys).toHaveLength(storeys);
    expect(s.counts.IfcBuildingStorey ?? 0).toBe(storeys);
    expect(s.counts.IfcSpace ?? 0).toBe(spaces);
    expect(s.counts.IfcDoor ?? 0).toBe(doors);
    expect(s.counts.IfcStair ?? 0).toBe(stairs);
    expect(s.counts.IfcStairFlight ?? 0).toBe(flights);
    expect(s.spaces).toHaveLength(spaces);
    expect(s.doors).toHaveLength(doors);
    for (const sp of s.spaces) {
      expect(sp.area, sp.name).toBeGreaterThan(0);
      expect(sp.footprint.length).toBeGreaterThan(0);
      expect(multiPolygonArea(sp.footprint)).toBeCloseTo(sp.area, 6);
    }
    for (const d of s.doors) expect(d.width, d.name).toBeGreaterThan(0.5);
    expect(s.elements).toBeGreaterThan(0);
  });
});

describe('extractStructure on real buildings', () => {
  it('office-a: 3 storeys, exits on the ground floor, walkable area on every storey with spaces, 2 stairs up', () => {
    const s = load(join(shared, 'office-a-ifc2x3.ifc'));
    expect(s.storeys.map((x) => x.name)).toEqual(['Level 1', 'Level 2', 'Roof']);
    const exits = s.doors.filter((d) => d.exit);
    expect(exits.length).toBeGreaterThanOrEqual(1);
    expect(new Set(exits.map((d) => d.storey))).toEqual(new Set([0]));
    for (const st of s.storeys) {
      if (s.spaces.some((x) => x.storey === st.index)) {
        expect(st.walkableSource).toBe('spaces');
        expect(st.walkableArea).toBeGreaterThan(100);
      }
    }
    const joining = s.stairs.filter((x) => x.fromStorey === 0 && x.toStorey === 1);
    expect(joining).toHaveLength(2);
    for (const st of joining) {
      expect(st.rise).toBeGreaterThan(3.5);
      expect(st.length).toBeGreaterThan(st.rise);
      expect(st.length).toBeLessThan(15);
    }
    expect(s.georeference).not.toBeNull();
  });

  it('schependomlaan (walls only, no spaces, no slabs): walkable map from the walls, walls cut out', () => {
    const s = load(join(shared, 'schependomlaan-xella-groundfloor-walls-ifc2x3.ifc'));
    const st = s.storeys[0]!;
    expect(st.walkableSource).toBe('walls');
    expect(st.obstacles.length).toBeGreaterThan(0);
    expect(st.walkableArea).toBeGreaterThan(50);
    // walls are holes in or gaps of the walkable map: a point inside a wall cut is not walkable
    const inside = st.obstacles
      .map((poly) => poly[0]!.reduce(([x, y], p, _, r) => [x + p[0] / r.length, y + p[1] / r.length], [0, 0]))
      .filter(([x, y]) => pointInMultiPolygon(x!, y!, st.obstacles));
    expect(inside.length).toBeGreaterThan(0);
    for (const [x, y] of inside) expect(pointInMultiPolygon(x!, y!, st.walkable)).toBe(false);
  });

  it('duplex: stairs join Level 1 and Level 2, exits only on Level 1', () => {
    const s = load(join(shared, 'duplex-apartment-ifc2x3.ifc'));
    const l1 = s.storeys.findIndex((x) => x.name === 'Level 1');
    const l2 = s.storeys.findIndex((x) => x.name === 'Level 2');
    expect(s.stairs.map((x) => [x.fromStorey, x.toStorey])).toEqual([[l1, l2], [l1, l2]]);
    const exits = s.doors.filter((d) => d.exit);
    expect(exits.length).toBeGreaterThanOrEqual(2);
    expect(exits.every((d) => d.storey === l1)).toBe(true);
  });
});

describe('extractStructure on a damaged placement', () => {
  it('leaves out and names the elements beyond 10 000 km, and the testbed says that is why nothing is walkable', async () => {
    // The KIT house with its building's origin (#429) moved to 1e300 m: every element in the building lands there.
    // Before: 7 spaces and 5 doors out there, a stair "5.35e+285 m" long, and only "no storey has walkable area".
    const kit = readFileSync(join(shared, 'kit-ac20-fzk-haus-ifc4.ifc'), 'utf8');
    const far = kit.replace('#429= IFCCARTESIANPOINT((0.,0.,0.));', '#429= IFCCARTESIANPOINT((1.E300,0.,0.));');
    expect(far).not.toBe(kit);
    const { modelID } = engine.open(new TextEncoder().encode(far), 'far.ifc');
    let s: BuildingStructure;
    try {
      s = extractStructure(engine.api, modelID);
    } finally {
      engine.close(modelID);
    }
    const whole = load(join(shared, 'kit-ac20-fzk-haus-ifc4.ifc'));
    expect(whole.skipped).toBeUndefined();
    expect(s.skipped!.elements).toBe(89); // the 82 the viewer leaves out, and the 7 spaces
    expect(s.skipped!.examples[0]).toMatch(/^#\d+ IfcSpace '\d+'$/);
    expect(s.elements).toBe(whole.elements); // products with geometry, wherever they lie
    expect([s.spaces.length, s.doors.length, s.stairs.length]).toEqual([0, 0, 0]);
    for (const st of s.storeys) expect(st.walkableArea).toBe(0);
    const { layoutFromStructure } = await import('../../../../../workers/testbed/layoutFromStructure');
    expect(() => layoutFromStructure(s, 'far.ifc')).toThrow(/no storey has walkable area .*; 89 elements lie beyond 10 000 km of the origin and were left out \(#\d+ IfcSpace/);
  });
});
