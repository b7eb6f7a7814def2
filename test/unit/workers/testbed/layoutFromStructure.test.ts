/**
 * The testbed simulator on real models: layouts derived from structures extracted from shared IFC
 * files (with IfcSpaces: FZK-Haus, Office A; without: the Schependomlaan walls-only ground floor),
 * checked against the model's own walkable map — routes, robots, people and beacons stay on it,
 * the bus stays off the building — and the generated sample recognised as the built-in layout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BuildingStructure, PlanMultiPolygon } from '../../../../common/buildingStructure';
import { pointInPolygon } from '../../../../common/polygon';
import type { StateRecord, TelemetryRecord } from '../../../../common/records';
import { buildTestbedLayout, type TestbedLayout } from '../../../../common/testbedLayout';
import { IfcEngine } from '../../../../workers/ifc/IfcEngine';
import { extractStructure } from '../../../../workers/ifc/structure/extractStructure';
import { multiPolygonArea, pointInMultiPolygon } from '../../../../workers/ifc/structure/planGeometry';
import { layoutFromStructure } from '../../../../workers/testbed/layoutFromStructure';
import { distanceToRing } from '../../../../workers/testbed/planGeometry';
import { Crowd } from '../../../../main/sources/testbed/Crowd';
import { SeededRandom } from '../../../../main/sources/testbed/SeededRandom';
import { TestbedSimulator } from '../../../../main/sources/testbed/TestbedSimulator';
import { layoutCapacity, TestbedSource } from '../../../../main/sources/testbed/TestbedSource';
import { matchGeneratedSample, testbedLayoutForModel } from '../../../../workers/testbed/testbedLayoutForModel';
import { WalkGraph } from '../../../../workers/testbed/WalkGraph';

const root = resolve(__dirname, '../../../..');
const shared = join(root, '..', 'shared', 'ifc');
const engine = new IfcEngine();
const structures = new Map<string, BuildingStructure>();
/** Outlines of derived spaces may cut 2–5 cm notches off the walkable map (simplePieces.ts): a point this close counts as on it. */
const TOLERANCE_M = 0.08;

function load(path: string): BuildingStructure {
  const hit = structures.get(path);
  if (hit) return hit;
  const { modelID } = engine.open(new Uint8Array(readFileSync(path)), path);
  try {
    const s = extractStructure(engine.api, modelID);
    structures.set(path, s);
    return s;
  } finally {
    engine.close(modelID);
  }
}

beforeAll(async () => {
  await engine.init(join(root, 'node_modules', 'web-ifc') + '/');
});
afterAll(() => engine.dispose());

/** On the walkable map, or within TOLERANCE_M of its outline. */
function onWalkable(mp: PlanMultiPolygon, x: number, y: number): boolean {
  if (pointInMultiPolygon(x, y, mp)) return true;
  return mp.some((poly) => poly.some((ring) => distanceToRing(ring, x, y) <= TOLERANCE_M));
}

/** The structure storey's walkable map for a layout floor name. */
function walkableOf(s: BuildingStructure, layout: TestbedLayout, floor: string): PlanMultiPolygon {
  const st = s.storeys.find((x) => x.name === floor);
  if (!st) throw new Error(`floor ${floor} is not a storey of the model (${s.storeys.map((x) => x.name).join(', ')}); layout floors ${layout.storeys.map((x) => x.name).join(', ')}`);
  return st.walkable;
}

const CASES: [file: string, withSpaces: boolean][] = [
  ['kit-ac20-fzk-haus-ifc4.ifc', true],
  ['office-a-ifc2x3.ifc', true],
  ['schependomlaan-xella-groundfloor-walls-ifc2x3.ifc', false],
];

describe.each(CASES)('layoutFromStructure on %s', (file, withSpaces) => {
  let s: BuildingStructure;
  let layout: TestbedLayout;
  let graph: WalkGraph;
  const notes: string[] = [];
  beforeAll(() => {
    s = load(join(shared, file));
    layout = layoutFromStructure(s, file, { notes });
    graph = new WalkGraph(layout);
  });

  it('has the model’s storeys, spaces covering most of its walkable map, and its georeference', () => {
    expect(layout.name).toBe(file);
    expect(layout.storeys.length).toBeGreaterThan(0);
    layout.storeys.forEach((st, i) => {
      expect(st.index).toBe(i);
      expect(s.storeys.some((x) => x.name === st.name && x.elevation === st.elevation)).toBe(true);
      expect(layout.spaces.some((sp) => sp.storey === i && sp.usage !== 'stair'), st.name).toBe(true);
    });
    const kept = layout.storeys.map((st) => walkableOf(s, layout, st.name));
    const walkArea = kept.reduce((a, mp) => a + multiPolygonArea(mp), 0);
    const spaceArea = graph.spaces.reduce((a, sp) => a + sp.area, 0);
    expect(spaceArea / walkArea, notes.join('; ')).toBeGreaterThan(0.85);
    expect(spaceArea / walkArea).toBeLessThan(1.01);
    // A note on pieces dropped counts pieces (not IfcSpaces: 117 of a model with 99) and names them.
    if (file === 'office-a-ifc2x3.ifc') expect(notes.some((x) => x.includes('dropped: not connected')), notes.join('; ')).toBe(true);
    for (const n of notes.filter((x) => x.includes('dropped: not connected'))) {
      expect(n).toMatch(/^\d+ of \d+ walkable pieces \(spaces' footprint parts and the areas between them; [\d.]+ m²\) dropped: not connected to the rest of their storey: .+ \(.+\)/);
    }
    if (withSpaces) {
      // Spaces carry the IfcSpace GlobalId (the people-flow zone id of the model) and its name.
      const ids = new Set(s.spaces.map((x) => x.globalId));
      expect(layout.spaces.filter((sp) => ids.has(sp.id.split('#')[0]!)).length).toBeGreaterThan(layout.spaces.length / 2);
    }
    if (s.georeference) expect(layout.georeference).toEqual(s.georeference);
    else expect(layout.georeference.lat).not.toBe(0);
  });

  it('every space is on the walkable map and every route between spaces of a storey stays on it', () => {
    for (const sp of layout.spaces) {
      const mp = walkableOf(s, layout, layout.storeys[sp.storey]!.name);
      const [cx, cy] = graph.randomPointIn(graph.spaces.findIndex((g) => g.id === sp.id), () => 0.5, 0.2);
      expect(onWalkable(mp, cx, cy), sp.id).toBe(true);
    }
    const rand = new SeededRandom(11);
    const out = { x: new Float64Array(64), y: new Float64Array(64), storey: new Int32Array(64) };
    let routes = 0, failed = 0;
    for (const list of graph.spacesByStorey) {
      const rooms = (list ?? []).filter((i) => graph.spaces[i]!.usage !== 'stair');
      for (let k = 0; k < Math.min(150, rooms.length * rooms.length); k++) {
        const a = rooms[rand.int(rooms.length)]!, b = rooms[rand.int(rooms.length)]!;
        const [fx, fy] = graph.randomPointIn(a, () => rand.next());
        const [tx, ty] = graph.randomPointIn(b, () => rand.next());
        const n = graph.route(a, fx, fy, b, tx, ty, out);
        if (n === 0) { failed++; continue; }
        routes++;
        const mp = walkableOf(s, layout, layout.storeys[graph.spaces[a]!.storey]!.name);
        let px = fx, py = fy;
        for (let w = 0; w < n; w++) {
          const qx = out.x[w]!, qy = out.y[w]!;
          const steps = Math.max(1, Math.ceil(Math.hypot(qx - px, qy - py) / 0.1));
          for (let j = 0; j <= steps; j++) {
            const x = px + ((qx - px) * j) / steps, y = py + ((qy - py) * j) / steps;
            expect(onWalkable(mp, x, y), `${file}: route ${graph.spaces[a]!.id} → ${graph.spaces[b]!.id} leaves the walkable map at (${x.toFixed(2)}, ${y.toFixed(2)})`).toBe(true);
          }
          px = qx; py = qy;
        }
      }
    }
    expect(routes).toBeGreaterThan(0);
    // Separate parts of a storey (the two flats of a duplex) may not reach each other; most pairs must.
    expect(failed / (routes + failed)).toBeLessThan(0.25);
  });

  it('robots drive, people walk and beacons hang on the model’s walkable map; the bus loop is outside the building', () => {
    const sim = new TestbedSimulator({ layout, robots: 16, buses: 1, tags: 60, beacons: 80, seed: 4, start: Date.parse('2026-11-24T01:00:00Z') });
    const floors = new Set(layout.storeys.map((st) => st.name));
    const beacons = sim.beacons().beacons;
    expect(new Set(beacons.map((b) => b.floor))).toEqual(floors);
    for (const b of beacons) expect(onWalkable(walkableOf(s, layout, b.floor), b.x, b.y), `${b.id} on ${b.floor}`).toBe(true);

    const states: StateRecord[] = [];
    let moved = 0;
    for (let t = 0; t < 240; t++) {
      for (const r of sim.step(1) as TelemetryRecord[]) if (r.kind === 'state') states.push(r.record);
      const truth = sim.trueTagPositions();
      for (let i = 0; i < truth.ids.length; i += 7) {
        const floor = truth.floors[truth.storey[i]!]!;
        const x = truth.x[i]!, y = truth.y[i]!;
        // People on a flight are between two storeys: on the stair's footprint instead.
        const onStair = layout.stairs.some((st) => (st.fromStorey === truth.storey[i] || st.toStorey === truth.storey[i]) && st.polygon.length >= 3 && distanceToRing(st.polygon, x, y) < 1.5);
        if (!onStair) expect(onWalkable(walkableOf(s, layout, floor), x, y), `tag ${truth.ids[i]} at (${x.toFixed(2)}, ${y.toFixed(2)}) on ${floor}`).toBe(true);
      }
    }
    const robots = states.filter((r) => r.kind === 'robot');
    expect(robots.length).toBeGreaterThan(15 * 200);
    for (const r of robots) {
      expect(floors.has(r.floor!)).toBe(true);
      expect(onWalkable(walkableOf(s, layout, r.floor!), r.x!, r.y!), `${r.id} at (${r.x}, ${r.y}) on ${r.floor} (${r.state}, ${r.task})`).toBe(true);
      if ((r.speed ?? 0) > 0) moved++;
    }
    expect(moved).toBeGreaterThan(robots.length * 0.2);

    const buses = states.filter((r) => r.kind === 'bus');
    expect(buses.length).toBeGreaterThan(200);
    const allWalkable = layout.storeys.map((st) => walkableOf(s, layout, st.name));
    for (const b of buses) for (const mp of allWalkable) expect(pointInMultiPolygon(b.x!, b.y!, mp)).toBe(false);
    const xs = allWalkable.flatMap((mp) => mp.flatMap((p) => p[0]!.map((q) => q[0])));
    const ys = allWalkable.flatMap((mp) => mp.flatMap((p) => p[0]!.map((q) => q[1])));
    const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    for (const [x, y] of layout.site.roadLoop) expect(x < minX - 5 || x > maxX + 5 || y < minY - 5 || y > maxY + 5, `road point (${x}, ${y})`).toBe(true);
    expect(new Set(buses.map((b) => `${Math.round(b.x!)},${Math.round(b.y!)}`)).size).toBeGreaterThan(10);
  });
});

describe('the testbed on a model', () => {
  it('TestbedSource on FZK-Haus publishes robot and people states on the house’s storeys and walkable map', async () => {
    const s = load(join(shared, 'kit-ac20-fzk-haus-ifc4.ifc'));
    const layout = testbedLayoutForModel(s, 'kit-ac20-fzk-haus-ifc4.ifc')!;
    expect(layout.storeys.map((x) => x.name)).toEqual(['Erdgeschoss', 'Dachgeschoss']);
    const source = new TestbedSource('testbed:?robots=12&tags=2000&beacons=400&seed=9&speed=1000&start=2026-11-24T01:00:00Z&duration=120', { layout });
    // 2 000 people and 400 beacons do not fit a 200 m² house: capped to its floor area.
    const cap = layoutCapacity(layout);
    expect(source.trueTagPositions().ids.length).toBe(cap.tags);
    expect(cap.tags).toBeLessThan(150);
    expect(source.beacons().beacons.length).toBe(cap.beacons);
    expect(source.notes.join(' ')).toMatch(/tags capped/);
    const got: TelemetryRecord[] = [];
    let ended!: () => void;
    const done = new Promise<void>((r) => (ended = r));
    await source.start({ onBatch: (b) => void got.push(...b), onStatus: (st) => { if (st.state === 'ended') ended(); } });
    await done;
    await source.stop();
    const states = got.flatMap((r) => (r.kind === 'state' && r.record.kind !== 'bus' ? [r.record] : []));
    expect(states.filter((r) => r.kind === 'robot').length).toBeGreaterThan(11 * 100);
    expect(states.filter((r) => r.kind === 'sensor').length).toBeGreaterThan(0);
    for (const r of states) {
      expect(['Erdgeschoss', 'Dachgeschoss']).toContain(r.floor);
      expect(onWalkable(walkableOf(s, layout, r.floor!), r.x!, r.y!), `${r.id} at (${r.x}, ${r.y}) on ${r.floor}`).toBe(true);
    }
    const zones = new Set(got.flatMap((r) => (r.kind === 'count' ? [r.record.zone] : [])));
    for (const sp of s.spaces) expect(zones.has(sp.globalId), `counts for ${sp.longName}`).toBe(true);
    expect(got.some((r) => r.kind === 'scan')).toBe(true);
  });

  it('recognises the generated sample and runs on exactly the built-in layout', () => {
    const s = load(join(root, 'samples', 'testbed-complex.ifc'));
    expect(matchGeneratedSample(s)).toEqual(buildTestbedLayout());
    expect(testbedLayoutForModel(s, 'testbed-complex.ifc')).toEqual(buildTestbedLayout());
    expect(testbedLayoutForModel(null, 'none')).toBeNull();
    expect(matchGeneratedSample(load(join(shared, 'kit-ac20-fzk-haus-ifc4.ifc')))).toBeNull();
  });

  it.each(['office-a-ifc2x3.ifc', 'duplex-apartment-ifc2x3.ifc'])('on %s, toilets, closets and small rooms draw few people: no space crowded by the crowd itself', (file) => {
    const layout = testbedLayoutForModel(load(join(shared, file)), file)!;
    const usage = (name: RegExp) => layout.spaces.filter((sp) => name.test(sp.name)).map((sp) => sp.usage);
    if (file.startsWith('office')) {
      for (const name of [/\bJAN\b/, /TELE\/COMM/, /RECYCL/]) expect(usage(name), String(name)).toContain('service');
      expect(usage(/OPEN OFFICE/)).not.toContain('service');
    } else {
      expect(usage(/Bathroom|Utility/).every((u) => u === 'service')).toBe(true);
    }
    const graph = new WalkGraph(layout);
    const crowd = new Crowd(graph, layoutCapacity(layout).tags, new SeededRandom(7));
    const counts = new Int32Array(graph.spaces.length);
    const small = { people: 0, area: 0 }, large = { people: 0, area: 0 }; // dwelling person-samples, m²-samples
    let crowded = 0;
    for (let t = 1; t <= 1800; t++) {
      crowd.step(t, 1);
      if (t % 10) continue;
      counts.fill(0);
      for (let i = 0; i < crowd.count; i++) if (crowd.mode[i] === 0) counts[crowd.space[i]!]!++;
      graph.spaces.forEach((sp, k) => {
        if (sp.usage === 'stair') return;
        const acc = sp.area < 10 ? small : large;
        acc.people += counts[k]!; acc.area += sp.area;
        if (counts[k]! / sp.area > 2.17) crowded++;
      });
    }
    // Destinations drawn by √area made the rooms under 10 m² the densest (office-a 1.12 P/m² against 0.45; duplex 1.70
    // against 0.37), and 823 / 891 space-samples over Fruin's 2.17 P/m²: a crowding alert in a closet every few seconds.
    expect(small.people / small.area).toBeLessThan(large.people / large.area);
    expect(crowded).toBe(0);
  }, 60_000);

  it('on office-a, robots keep to their zones on the way: no "outside its allowed zone" but the simulated zone faults', () => {
    const layout = testbedLayoutForModel(load(join(shared, 'office-a-ifc2x3.ifc')), 'office-a-ifc2x3.ifc')!;
    const sim = new TestbedSimulator({ layout, robots: 61, tags: 10, beacons: 50, seed: 3, start: Date.parse('2026-12-01T00:00:00Z') });
    const polygons = new Map(layout.spaces.map((sp) => [sp.id, sp.polygon]));
    const zones = new Map(sim.robotZones().map((z) => [z.id, { floor: z.floor, rings: z.spaces.map((id) => polygons.get(id)!) }]));
    const out = new Set<string>();
    let raised = 0, states = 0;
    for (let k = 0; k < 1200; k++) {
      for (const r of sim.step(0.5)) {
        if (r.kind !== 'state' || r.record.kind !== 'robot') continue;
        const z = zones.get(r.record.id)!, { x, y } = r.record;
        states++;
        const inside = r.record.floor === z.floor && z.rings.some((ring) => pointInPolygon(x!, y!, ring));
        if (!inside && !out.has(r.record.id)) raised++;
        if (inside) out.delete(r.record.id); else out.add(r.record.id);
      }
    }
    expect(states).toBeGreaterThan(30_000);
    // Zone faults: one in 10 faults, a fault per robot every 3 h on average: ≈ 0.3 in these 10 min of 60 robots. The
    // shortest routes cut through offices and lobbies outside the zone: 11 raised here before robots kept to it.
    expect(raised).toBeLessThanOrEqual(2);
  }, 60_000);

  it('names the model when nothing in it is walkable', () => {
    const s = load(join(shared, 'kit-ac20-fzk-haus-ifc4.ifc'));
    const empty: BuildingStructure = { ...s, storeys: s.storeys.map((st) => ({ ...st, walkable: [], walkableArea: 0, walkableSource: 'none' })), spaces: [] };
    expect(() => layoutFromStructure(empty, 'empty.ifc')).toThrow('empty.ifc: no storey has walkable area (2 storeys, none with ≥ 4 m²)');
    // A one-storey model (mini-project): the alert, the timeline and the status bar read '(1 storey, with less than 4 m²)', not '(1 storeys, none …)'.
    const one: BuildingStructure = { ...empty, storeys: empty.storeys.slice(0, 1) };
    expect(() => layoutFromStructure(one, 'mini.ifc')).toThrow('mini.ifc: no storey has walkable area (1 storey, with less than 4 m²)');
  });
});
