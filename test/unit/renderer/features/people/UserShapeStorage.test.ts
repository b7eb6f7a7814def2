/** Saved user lines/zones per building: round trip, per-model keys, damaged entries reported, not applied. */
import { describe, expect, it } from 'vitest';
import { SHAPES_KEY_PREFIX, UserShapeStorage } from '../../../../../renderer/features/people/UserShapeStorage';
import { isTestbedModel, peopleGeometrySource } from '../../../../../renderer/features/people/peopleGeometrySource';

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(k: string) { return this.items.get(k) ?? null; }
  setItem(k: string, v: string) { this.items.set(k, v); }
  removeItem(k: string) { this.items.delete(k); }
}

describe('UserShapeStorage', () => {
  it('keeps each model’s lines and zones apart and reads them back', () => {
    const mem = new MemoryStorage();
    const st = new UserShapeStorage(mem);
    st.save('model:abc', { lines: [{ id: 'l1', name: 'Entrance', floor: 'EG', a: [0, 0], b: [2, 0] }], zones: [{ id: 'z1', name: 'Hall', floor: 'EG', polygon: [[0, 0], [1, 0], [1, 1]] }] });
    expect(st.load('model:abc')).toEqual({ lines: [{ id: 'l1', name: 'Entrance', floor: 'EG', a: [0, 0], b: [2, 0] }], zones: [{ id: 'z1', name: 'Hall', floor: 'EG', polygon: [[0, 0], [1, 0], [1, 1]] }] });
    expect(st.load('testbed')).toEqual({ lines: [], zones: [] });
    st.save('model:abc', { lines: [], zones: [] });
    expect(mem.items.size).toBe(0);
  });

  it('reports a damaged entry with the field at fault and applies nothing of it', () => {
    const mem = new MemoryStorage();
    mem.setItem(`${SHAPES_KEY_PREFIX}testbed`, JSON.stringify({ version: 1, zones: [], lines: [{ id: 'l', name: 'x', floor: '1F', a: [0, 0], b: [1] }] }));
    const r = new UserShapeStorage(mem).load('testbed');
    expect(r.lines).toEqual([]);
    expect(r.error).toMatch(/lines\.0\.b/);
    mem.setItem(`${SHAPES_KEY_PREFIX}x`, '{oops');
    expect(new UserShapeStorage(mem).load('x').error).toMatch(/not JSON/);
  });
});

describe('peopleGeometrySource', () => {
  it('uses the loaded IFC’s structure unless it is the testbed building under the testbed source', () => {
    expect(peopleGeometrySource({ sourceUri: 'testbed:?tags=300', modelName: null, structureReady: false })).toBe('testbed');
    expect(peopleGeometrySource({ sourceUri: 'testbed:?tags=300', modelName: 'testbed-complex.ifc', structureReady: true })).toBe('testbed');
    expect(peopleGeometrySource({ sourceUri: 'testbed:?tags=300', modelName: 'kit-ac20-fzk-haus-ifc4.ifc', structureReady: true })).toBe('structure');
    expect(peopleGeometrySource({ sourceUri: 'mqtt://broker/site', modelName: 'office.ifc', structureReady: true })).toBe('structure');
    expect(peopleGeometrySource({ sourceUri: 'mqtt://broker/site', modelName: 'office.ifc', structureReady: false })).toBeNull();
    expect(isTestbedModel('my-testbed.ifc')).toBe(false);
  });
});
