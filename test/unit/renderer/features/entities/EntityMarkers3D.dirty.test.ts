import { describe, expect, it } from 'vitest';
import * as THREE from 'three';
import { decodeTelemetryFrame, encodeTelemetryFrame, type FrameEntity, type TelemetryFrameInput } from '../../../../../common/telemetryFrame.js';
import { applyFrameView, EntityTable, PeopleTable } from '../../../../../renderer/stores/entitiesStore.js';
import { EntityMarkers3D } from '../../../../../renderer/features/entities/EntityMarkers3D.js';
import { EntityPlanLayers } from '../../../../../renderer/features/entities/EntityPlanLayers.js';

const T0 = Date.parse('2026-11-25T09:00:00Z');
const N = 10_000;
const robot = (i: number, t: number, over: Partial<FrameEntity> = {}): FrameEntity => ({
  id: `robot-${i}`, kind: 'robot', type: 'delivery', floor: `${1 + (i % 3)}F`, t, x: i % 100, y: Math.floor(i / 100), heading: 0, speed: 1, battery: 0.8, state: 'moving', task: null, error: null, stale: false, ...over,
});
function apply(input: Partial<TelemetryFrameInput>, table: EntityTable, people: PeopleTable) {
  const bytes = encodeTelemetryFrame({ time: T0, full: false, entities: [], positions: [], counts: [], ...input });
  applyFrameView(decodeTelemetryFrame(bytes.buffer as ArrayBuffer, bytes.byteOffset), table, people);
}
const byName = (m: EntityMarkers3D, name: string) => m.group.children.find((o) => o.name === name) as THREE.InstancedMesh;
const trailsOf = (m: EntityMarkers3D) => m.group.children.find((o) => (o as THREE.LineSegments).isLineSegments) as THREE.LineSegments;
/** What the WebGL renderer does after uploading: the ranges are consumed. */
function uploaded(...attrs: THREE.BufferAttribute[]) {
  for (const a of attrs) a.clearUpdateRanges();
}
/** Indices where two arrays differ. */
function changedIndices(a: ArrayLike<number>, b: ArrayLike<number>): [number, number] | null {
  let lo = -1, hi = -1;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) { if (lo < 0) lo = i; hi = i; }
  return lo < 0 ? null : [lo, hi];
}

describe('entity changes reach the 3D view as per-slot updates', () => {
  it('records the changed slots once per apply, and nothing for out-of-order rows', () => {
    const table = new EntityTable(), people = new PeopleTable();
    apply({ entities: [robot(1, T0), robot(2, T0), robot(3, T0)] }, table, people);
    expect(table.dirtyCount).toBe(3);
    table.clearDirty();
    apply({ entities: [robot(2, T0 + 1000, { x: 7 }), robot(2, T0 + 1000, { x: 7 }), robot(3, T0 - 1000, { x: 99 })] }, table, people);
    expect([...table.dirty.subarray(0, table.dirtyCount)]).toEqual([table.slotOf.get('robot-2')]);
    // The stale flag flipping is a change too (the badge shows it), even without a newer record.
    table.clearDirty();
    apply({ entities: [robot(3, T0, { stale: true })] }, table, people);
    expect([...table.dirty.subarray(0, table.dirtyCount)]).toEqual([table.slotOf.get('robot-3')]);
  });

  it('a frame changing 1 of 10 000 entities rewrites only that entity’s colour and trail ranges', () => {
    const table = new EntityTable(), people = new PeopleTable();
    apply({ full: true, entities: Array.from({ length: N }, (_, i) => robot(i, T0)) }, table, people);
    apply({ entities: Array.from({ length: N }, (_, i) => robot(i, T0 + 1000, { x: (i % 100) + 0.5 })) }, table, people);
    const markers = new EntityMarkers3D(table, people);
    const scene = { floor: null, storeys: [], selected: -1, hovered: -1 };
    markers.sync(scene);
    table.clearDirty();
    const robots = byName(markers, 'entities-robot');
    const badges = markers.group.children.find((o) => o.name === '' && (o as THREE.InstancedMesh).isInstancedMesh) as THREE.InstancedMesh;
    const trails = trailsOf(markers);
    const pos = trails.geometry.getAttribute('position') as THREE.BufferAttribute;
    const col = trails.geometry.getAttribute('color') as THREE.BufferAttribute;
    expect(robots.count).toBe(N);
    expect(badges.count).toBe(0);
    markers.update(16, { selected: -1 }); // every marker at its record: settled
    uploaded(robots.instanceColor!, robots.instanceMatrix, pos, col);
    markers.update(16, { selected: -1 });
    expect(robots.instanceMatrix.updateRanges).toHaveLength(0); // nothing moves, nothing is rewritten
    const colours0 = (robots.instanceColor!.array as Float32Array).slice();
    const pos0 = (pos.array as Float32Array).slice();
    const colourVersion = robots.instanceColor!.version, posVersion = pos.version;

    const slot = table.slotOf.get('robot-4321')!;
    apply({ entities: [robot(4321, T0 + 2000, { x: 60, y: 70, state: 'error', error: 'bumper' })] }, table, people);
    markers.sync(scene);
    table.clearDirty();

    // One range per attribute, exactly that slot's bytes; the data changed only there.
    expect(robots.instanceColor!.updateRanges).toHaveLength(1);
    const cr = robots.instanceColor!.updateRanges[0]!;
    expect(cr.count).toBe(3);
    expect(robots.instanceColor!.version).toBeGreaterThan(colourVersion);
    expect(changedIndices(colours0, robots.instanceColor!.array)).toBeNull(); // error does not change the type colour
    const TRAIL_FLOATS = 22 * 3;
    expect(pos.updateRanges).toEqual([{ start: slot * TRAIL_FLOATS, count: TRAIL_FLOATS }]);
    expect(col.updateRanges).toEqual([{ start: slot * TRAIL_FLOATS, count: TRAIL_FLOATS }]);
    expect(pos.version).toBeGreaterThan(posVersion);
    const diff = changedIndices(pos0, pos.array)!;
    expect(diff[0]).toBeGreaterThanOrEqual(slot * TRAIL_FLOATS);
    expect(diff[1]).toBeLessThan((slot + 1) * TRAIL_FLOATS);
    // The trail now ends at the new record: (60, 70) → three (60, ·, −70).
    const P = pos.array as Float32Array;
    const o = slot * TRAIL_FLOATS;
    expect([P[o + 9], P[o + 11]]).toEqual([60, -70]);
    expect(trails.geometry.drawRange.count).toBe(N * 22);
    // The error badge appears above that entity only.
    expect(badges.count).toBe(1);
    markers.update(16, { selected: -1 });
    // Only that marker's matrix is rewritten (and its new badge's).
    expect(robots.instanceMatrix.updateRanges).toEqual([{ start: (cr.start / 3) * 16, count: 16 }]);
    expect(badges.instanceMatrix.updateRanges).toEqual([{ start: 0, count: 16 }]);
    const m = new THREE.Matrix4(), p = new THREE.Vector3();
    robots.getMatrixAt(cr.start / 3, m);
    expect(p.setFromMatrixPosition(m).x).toBe(60);
    badges.getMatrixAt(0, m);
    p.setFromMatrixPosition(m);
    expect(p.x).toBeGreaterThan(50); // gliding from 21.5 toward 60, past the jump threshold → snapped

    // Hover: only the old and the new hovered instance are recoloured.
    uploaded(robots.instanceColor!, pos, col);
    const hovered = table.slotOf.get('robot-17')!;
    markers.sync({ ...scene, hovered });
    expect(robots.instanceColor!.updateRanges).toHaveLength(1);
    expect(pos.updateRanges).toHaveLength(0);
    const lit = changedIndices(colours0, robots.instanceColor!.array)!;
    expect(lit[1] - lit[0]).toBe(2);
    markers.sync(scene);
    expect(changedIndices(colours0, robots.instanceColor!.array)).toBeNull();
    markers.dispose();
  });

  it('still rebuilds everything when the shown storey changes or an entity changes storey', () => {
    const table = new EntityTable(), people = new PeopleTable();
    apply({ entities: Array.from({ length: 30 }, (_, i) => robot(i, T0)) }, table, people);
    const markers = new EntityMarkers3D(table, people);
    markers.sync({ floor: '1F', storeys: [], selected: -1, hovered: -1 });
    table.clearDirty();
    expect(byName(markers, 'entities-robot').count).toBe(10);
    apply({ entities: [robot(1, T0 + 1000, { floor: '1F' })] }, table, people); // 2F → 1F
    markers.sync({ floor: '1F', storeys: [], selected: -1, hovered: -1 });
    table.clearDirty();
    expect(byName(markers, 'entities-robot').count).toBe(11);
    markers.sync({ floor: null, storeys: [], selected: -1, hovered: -1 });
    expect(byName(markers, 'entities-robot').count).toBe(30);
    markers.dispose();
  });

  it('the plan rewrites only the changed entity’s row, and re-lists when one leaves the storey', () => {
    const table = new EntityTable(), people = new PeopleTable();
    apply({ entities: Array.from({ length: 30 }, (_, i) => robot(i, T0)) }, table, people);
    const plan = new EntityPlanLayers(table, people, () => {});
    plan.sync('1F', -1);
    table.clearDirty();
    expect(plan.drawn).toBe(10);
    const positions = () => {
      const layer = plan.layers().find((l) => l.id === 'entities')!;
      const data = layer.props.data as unknown as { length: number; attributes: { getPosition: { value: Float32Array } } };
      return data.attributes.getPosition.value.slice(0, data.length * 2);
    };
    const before = positions();
    apply({ entities: [robot(3, T0 + 1000, { x: 42 }), robot(4, T0 + 1000, { x: 43 })] }, table, people); // robot-3 on 1F, robot-4 on 2F
    plan.sync('1F', table.slotOf.get('robot-3')!);
    table.clearDirty();
    const after = positions();
    const k = [...Array(plan.drawn).keys()].find((i) => plan.slotAt(i) === table.slotOf.get('robot-3'))!;
    expect(changedIndices(before, after)).toEqual([2 * k, 2 * k]);
    expect(after[2 * k]).toBe(42);
    expect(plan.layers().some((l) => l.id === 'entities-selected')).toBe(true);
    apply({ entities: [robot(3, T0 + 2000, { floor: '3F' })] }, table, people);
    plan.sync('1F', -1);
    table.clearDirty();
    expect(plan.drawn).toBe(9);
    expect([...Array(plan.drawn).keys()].map((i) => plan.slotAt(i))).not.toContain(table.slotOf.get('robot-3'));
  });

  it('when every entity changes every frame, trails are rewritten a bounded share per frame and all catch up', () => {
    const table = new EntityTable(), people = new PeopleTable();
    apply({ full: true, entities: Array.from({ length: N }, (_, i) => robot(i, T0)) }, table, people);
    const markers = new EntityMarkers3D(table, people);
    const scene = { floor: null, storeys: [], selected: -1, hovered: -1 };
    markers.sync(scene);
    table.clearDirty();
    const trails = trailsOf(markers);
    const pos = trails.geometry.getAttribute('position') as THREE.BufferAttribute;
    uploaded(pos);
    apply({ entities: Array.from({ length: N }, (_, i) => robot(i, T0 + 1000, { x: (i % 100) + 0.5 })) }, table, people);
    markers.sync(scene);
    table.clearDirty();
    const floatsPerTrail = 22 * 3;
    const written = () => pos.updateRanges.reduce((sum, r) => sum + r.count, 0) / floatsPerTrail;
    const first = written();
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(N);
    // No new records: the waiting trails are written over the next frames, each exactly once.
    let total = first;
    for (let frame = 0; frame < 10 && total < N; frame++) {
      uploaded(pos);
      markers.sync(scene);
      total += written();
    }
    expect(total).toBe(N);
    uploaded(pos);
    markers.sync(scene);
    expect(written()).toBe(0);
  });
});
