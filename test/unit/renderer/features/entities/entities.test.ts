import { describe, expect, it } from 'vitest';
import * as THREE from 'three';
import { decodeTelemetryFrame, encodeTelemetryFrame, type FrameEntity, type TelemetryFrameInput } from '../../../../../common/telemetryFrame.js';
import { applyFrameView, applyTelemetryFrame, entitiesStore, EntityTable, HISTORY, KIND_BUS, KIND_ROBOT, KIND_SENSOR, LOST_SELECTION_MS, PeopleTable, selectEntity } from '../../../../../renderer/stores/entitiesStore.js';
import { filterEntities } from '../../../../../renderer/features/entities/filterEntities.js';
import { EntityPlanLayers } from '../../../../../renderer/features/entities/EntityPlanLayers.js';
import { EntityMarkers3D } from '../../../../../renderer/features/entities/EntityMarkers3D.js';
import { badgeOf, floorElevation } from '../../../../../renderer/features/entities/entityStyle.js';

const T0 = Date.parse('2026-11-24T01:00:00Z');
const robot = (id: string, t: number, over: Partial<FrameEntity> = {}): FrameEntity => ({
  id, kind: 'robot', type: 'delivery', floor: '2F', t, x: 10, y: 5, heading: 90, speed: 0.8, battery: 0.7, state: 'moving', task: 'deliver 2F-N03', error: null, stale: false, ...over,
});
function apply(input: Partial<TelemetryFrameInput>, table: EntityTable, people: PeopleTable) {
  const bytes = encodeTelemetryFrame({ time: T0, full: false, entities: [], positions: [], counts: [], ...input });
  applyFrameView(decodeTelemetryFrame(bytes.buffer as ArrayBuffer, bytes.byteOffset), table, people);
}

describe('entitiesStore frame apply', () => {
  it('writes frame rows into columns by slot, with history and out-of-order protection', () => {
    const table = new EntityTable(), people = new PeopleTable();
    apply({ entities: [robot('robot-01', T0), { id: 'bus-01', kind: 'bus', type: 'autonomous-bus', floor: '1F', t: T0, x: -15, y: 15, heading: 0, speed: 5, battery: 0.9, state: 'moving', stale: false }] }, table, people);
    expect(table.count).toBe(2);
    const r = table.slotOf.get('robot-01')!;
    expect(table.kind[r]).toBe(KIND_ROBOT);
    expect(table.kind[table.slotOf.get('bus-01')!]).toBe(KIND_BUS);
    expect([table.x[r], table.y[r], table.heading[r], table.floors[table.floor[r]!]]).toEqual([10, 5, 90, '2F']);
    expect(table.task[r]).toBe('deliver 2F-N03');
    apply({ entities: [robot('robot-01', T0 + 1000, { x: 11, speed: 0.9 })] }, table, people);
    apply({ entities: [robot('robot-01', T0 + 500, { x: 99 })] }, table, people); // older: ignored
    expect(table.x[r]).toBe(11);
    expect(table.histLen[r]).toBe(2);
    const speeds = new Float32Array(HISTORY);
    expect(table.history(r, 'speed', speeds)).toBe(2);
    expect([...speeds.subarray(0, 2)].map((v) => Math.round(v * 10) / 10)).toEqual([0.8, 0.9]);
  });

  it('takes a full frame from before what it shows (a seek back in a replay or the live review): robots and people go back, the trail restarts', () => {
    const table = new EntityTable(), people = new PeopleTable();
    const person = (t: number, x: number) => ({ id: 'p1', t, floor: '1F', x, y: 4, accuracy: 1.5, stale: false });
    apply({ full: true, entities: [robot('robot-01', T0 + 600_000, { x: 36, battery: 0.82 })], positions: [person(T0 + 600_000, 9)] }, table, people);
    apply({ entities: [robot('robot-01', T0 + 601_000, { x: 37, battery: 0.82 })] }, table, people);
    const r = table.slotOf.get('robot-01')!;
    expect(table.histLen[r]).toBe(2);
    // Review: the twin 10 minutes earlier. Before, the robot stayed at x 37, battery 82 %.
    apply({ full: true, entities: [robot('robot-01', T0, { x: 2.5, battery: 0.35 })], positions: [person(T0, 1)] }, table, people);
    expect([table.x[r], Math.round(table.battery[r]! * 100), table.lastSeen[r]]).toEqual([2.5, 35, T0]);
    expect(table.histLen[r]).toBe(1);
    expect(people.x[people.slotOf.get('p1')!]).toBe(1);
    // A delta from before that is still out of order.
    apply({ entities: [robot('robot-01', T0 - 1000, { x: 99 })] }, table, people);
    expect(table.x[r]).toBe(2.5);
  });

  it('removes entities a full frame no longer carries, keeping the other slots’ data', () => {
    const table = new EntityTable(), people = new PeopleTable();
    apply({ entities: ['a', 'b', 'c'].map((id, i) => robot(id, T0, { x: i })) }, table, people);
    apply({ full: true, entities: [robot('b', T0 + 1000, { x: 1 }), robot('c', T0 + 1000, { x: 2 })] }, table, people);
    expect(table.count).toBe(2);
    expect(table.slotOf.has('a')).toBe(false);
    expect(table.x[table.slotOf.get('c')!]).toBe(2);
    expect(table.ids.slice(0, table.count).sort()).toEqual(['b', 'c']);
    apply({ sidecar: { removed: ['b'] } }, table, people);
    expect(table.count).toBe(1);
  });

  it('a fleet reporting in the same order reuses its id → slot lookups, and a removal in between does not send rows to the wrong slot', () => {
    const table = new EntityTable(), people = new PeopleTable();
    const ids = Array.from({ length: 200 }, (_, i) => `r-${i}`);
    const frame = (t: number, dx: number) => ({ entities: ids.map((id, i) => robot(id, t, { x: i + dx, floor: `${1 + (i % 3)}F` })) });
    apply(frame(T0, 0), table, people);
    apply(frame(T0 + 1000, 0.5), table, people);
    // r-0 goes away: the last slot moves into its place, so cached slots are stale.
    apply({ sidecar: { removed: ['r-0'] } }, table, people);
    apply(frame(T0 + 2000, 0.25), table, people);
    for (const i of [0, 1, 100, 199]) {
      const s = table.slotOf.get(`r-${i}`)!;
      expect(table.x[s]).toBe(i + 0.25);
      expect(table.floors[table.floor[s]!]).toBe(`${1 + (i % 3)}F`);
    }
    expect(table.count).toBe(200);
  });

  it('keeps people positions as anonymous dots with their floor', () => {
    const table = new EntityTable(), people = new PeopleTable();
    apply({ positions: [{ id: 'p1', t: T0, floor: '1F', x: 3, y: 4, accuracy: 1.5, stale: false }, { id: 'p2', t: T0, floor: '3F', x: 5, y: 6, accuracy: 2, stale: false }] }, table, people);
    expect(people.count).toBe(2);
    expect(table.floors[people.floor[people.slotOf.get('p2')!]!]).toBe('3F');
  });
});

describe('selection across a source restart', () => {
  // The store's own frame path (applyTelemetryFrame), as the page applies frames from main.
  const frame = (wall: number, input: Partial<TelemetryFrameInput>) => {
    const bytes = encodeTelemetryFrame({ time: T0, full: true, entities: [], positions: [], counts: [], ...input });
    applyTelemetryFrame(bytes.buffer as ArrayBuffer, bytes.byteOffset, wall);
  };
  const bus = (t: number) => robot('bus-01', t, { kind: 'bus', type: 'autonomous-bus', floor: '1F' });
  const W = 1_000_000;

  it('gives the followed entity its selection and follow back when it reports again after a restart', () => {
    frame(W, { entities: [bus(T0), robot('robot-01', T0)] });
    selectEntity('bus-01');
    entitiesStore.setState({ followId: 'bus-01' });
    frame(W + 1000, { entities: [] }); // the testbed restarts on the model's layout: nobody has reported yet
    expect(entitiesStore.getState().selectedId).toBeNull();
    frame(W + 2000, { entities: [robot('robot-01', T0 + 2000)] }); // the bus not yet
    expect(entitiesStore.getState().selectedId).toBeNull();
    frame(W + 3000, { entities: [robot('robot-01', T0 + 3000), bus(T0 + 3000)] });
    expect(entitiesStore.getState()).toMatchObject({ selectedId: 'bus-01', followId: 'bus-01' });
  });

  it('does not bring it back once the user picked another entity, or after the wait is over', () => {
    frame(W, { entities: [bus(T0), robot('robot-01', T0)] });
    selectEntity('bus-01');
    frame(W + 1000, { entities: [robot('robot-01', T0 + 1000)] });
    selectEntity('robot-01');
    frame(W + 2000, { entities: [robot('robot-01', T0 + 2000), bus(T0 + 2000)] });
    expect(entitiesStore.getState()).toMatchObject({ selectedId: 'robot-01', followId: null });

    selectEntity('bus-01');
    frame(W + 3000, { entities: [robot('robot-01', T0 + 3000)] });
    frame(W + 4000 + LOST_SELECTION_MS, { entities: [robot('robot-01', T0 + 4000), bus(T0 + 4000)] });
    expect(entitiesStore.getState().selectedId).toBeNull();
  });
});

describe('entities list, plan and 3D', () => {
  const table = new EntityTable(), people = new PeopleTable();
  apply({
    entities: [
      robot('robot-2', T0, { state: 'error', error: 'lidar obstructed' }),
      robot('robot-10', T0, { floor: '1F', battery: 0.08, type: 'cleaning', task: 'clean 1F-ATR' }),
      robot('robot-1', T0, { stale: true }),
      { id: 'env-1F-S01', kind: 'sensor', type: 'environment', floor: '1F', t: T0, x: 13, y: 4, battery: 0.9, state: 'idle', stale: false },
    ],
    positions: [{ id: 'p1', t: T0, floor: '1F', x: 20, y: 10, accuracy: 1, stale: false }],
  }, table, people);

  it('filters by kind, state, floor and text, in natural id order', () => {
    const ids = (f: Parameters<typeof filterEntities>[1]) => filterEntities(table, f).map((s) => table.ids[s]);
    const none = { search: '', kinds: [], states: [], floor: null };
    expect(ids(none)).toEqual(['robot-1', 'robot-2', 'robot-10', 'env-1F-S01']);
    expect(ids({ ...none, kinds: ['sensor'] })).toEqual(['env-1F-S01']);
    expect(ids({ ...none, states: ['error'] })).toEqual(['robot-2']);
    expect(ids({ ...none, states: ['low-battery'] })).toEqual(['robot-10']);
    expect(ids({ ...none, states: ['stale'] })).toEqual(['robot-1']);
    expect(ids({ ...none, floor: '1F', kinds: ['robot'] })).toEqual(['robot-10']);
    expect(ids({ ...none, search: 'lidar' })).toEqual(['robot-2']);
    expect(ids({ ...none, search: 'CLEAN' })).toEqual(['robot-10']);
  });

  it('flags what an operator must notice', () => {
    const b = (id: string) => badgeOf(table, table.slotOf.get(id)!);
    expect([b('robot-2'), b('robot-10'), b('robot-1'), b('env-1F-S01')]).toEqual(['error', 'low-battery', 'stale', null]);
    expect(floorElevation('3F', 0, [])).toBe(8);
    expect(floorElevation('3F', 0, [{ name: '3F', elevation: 7.5 }])).toBe(7.5);
  });

  it('draws only the plan storey, mapping picks back to slots', () => {
    const selected: number[] = [];
    const plan = new EntityPlanLayers(table, people, (s) => selected.push(s));
    plan.sync('1F', -1);
    expect(plan.drawn).toBe(2);
    expect([plan.slotAt(0), plan.slotAt(1)].map((s) => table.ids[s]).sort()).toEqual(['env-1F-S01', 'robot-10']);
    plan.sync(null, -1);
    expect(plan.drawn).toBe(4);
    expect(plan.layers().map((l) => l.id)).toEqual(['entities-people', 'entities-heading', 'entities']);
  });

  it('writes instance matrices in place: building frame → three, heading → yaw, storey elevation', () => {
    const markers = new EntityMarkers3D(table, people);
    const storeys = [{ index: 0, name: '1F', elevation: 0 }, { index: 1, name: '2F', elevation: 4 }];
    markers.sync({ floor: null, storeys, selected: -1, hovered: -1 });
    markers.update(16, { selected: -1 });
    const robots = markers.group.children.find((o) => o.name === 'entities-robot') as THREE.InstancedMesh;
    const sensors = markers.group.children.find((o) => o.name === 'entities-sensor') as THREE.InstancedMesh;
    expect(robots.count).toBe(3);
    expect(sensors.count).toBe(1);
    const m = new THREE.Matrix4();
    const p = new THREE.Vector3(), q = new THREE.Quaternion(), s = new THREE.Vector3();
    // robot-2: (10, 5) on 2F (4 m), heading 90° (east) → three (10, 4, −5), nose (local −z) pointing +x.
    const slot = table.slotOf.get('robot-2')!;
    let inst = -1;
    for (let i = 0; i < robots.count; i++) {
      robots.getMatrixAt(i, m);
      m.decompose(p, q, s);
      if (Math.abs(p.x - 10) < 1e-4 && Math.abs(p.y - 4) < 1e-4 && Math.abs(p.z + 5) < 1e-4) inst = i;
    }
    expect(inst).toBeGreaterThanOrEqual(0);
    robots.getMatrixAt(inst, m);
    const nose = new THREE.Vector3(0, 0, -1).transformDirection(m);
    expect(nose.x).toBeCloseTo(1, 5);
    expect(nose.z).toBeCloseTo(0, 5);
    const ray = new THREE.Raycaster(new THREE.Vector3(10, 20, -5), new THREE.Vector3(0, -1, 0));
    robots.computeBoundingSphere();
    expect(markers.pick(ray)).toBe(slot);
    // Only the selected storey is drawn when one is chosen.
    markers.sync({ floor: '1F', storeys, selected: -1, hovered: -1 });
    expect(robots.count + sensors.count).toBe(2);
    markers.dispose();
  });
});

describe('entities with only lat/lon (ROW_GEO)', () => {
  it('are placed in the building frame with the model’s georeference (incl. true north), and skipped without one', async () => {
    const { buildingToWgs84 } = await import('../../../../../common/georeference.js');
    const geo = { lat: 49.100435, lon: 8.436539, trueNorth: 50 };
    const [lat, lon] = buildingToWgs84(geo, 12, -7);
    const row: FrameEntity = { id: 'drone-1', kind: 'robot', t: T0, lat, lon, state: 'moving', stale: false };
    const bytes = encodeTelemetryFrame({ time: T0, full: false, entities: [row], positions: [{ id: 'p-geo', t: T0, lat, lon, stale: false }], counts: [] });
    const view = decodeTelemetryFrame(bytes.buffer as ArrayBuffer, bytes.byteOffset);
    const table = new EntityTable(), people = new PeopleTable();
    applyFrameView(view, table, people);
    expect(table.count).toBe(0);
    expect(people.count).toBe(0);
    applyFrameView(view, table, people, geo);
    const s = table.slotOf.get('drone-1')!;
    expect(table.x[s]).toBeCloseTo(12, 2);
    expect(table.y[s]).toBeCloseTo(-7, 2);
    const p = people.slotOf.get('p-geo')!;
    expect([people.x[p], people.y[p]].map((v) => Math.round(v! * 100) / 100)).toEqual([12, -7]);
    // …and then drawn on the plan like any other entity.
    const plan = new EntityPlanLayers(table, people, () => {});
    plan.sync(null, -1);
    expect(plan.drawn).toBe(1);
  });
});

describe('3D hover picking', () => {
  it('hits a marker where it is NOW, after it moved away from where the first hover saw it', () => {
    const table = new EntityTable(), people = new PeopleTable();
    apply({ entities: [robot('r', T0, { x: 0, y: 0, floor: '1F' })] }, table, people);
    const markers = new EntityMarkers3D(table, people);
    const scene = { floor: null, storeys: [{ name: '1F', elevation: 0 }], selected: -1, hovered: -1 };
    markers.sync(scene);
    markers.update(16, { selected: -1 });
    const down = (x: number, y: number) => new THREE.Raycaster(new THREE.Vector3(x, 20, -y), new THREE.Vector3(0, -1, 0));
    expect(markers.pick(down(0, 0))).toBe(0); // three caches the instanced mesh's bounding sphere here
    apply({ entities: [robot('r', T0 + 1000, { x: 40, y: 30, floor: '1F' })] }, table, people); // > SNAP_M: jumps
    markers.sync(scene);
    markers.update(16, { selected: -1 });
    expect(markers.pick(down(40, 30))).toBe(0);
    expect(markers.pick(down(0, 0))).toBe(-1);
    markers.dispose();
  });
});
