import { describe, expect, it } from 'vitest';
import { decodeTelemetryFrame, encodeTelemetryFrame, type FrameEntity, type TelemetryFrameInput } from '../../../../../common/telemetryFrame.js';
import { applyFrameView, EntityTable, PeopleTable } from '../../../../../renderer/stores/entitiesStore.js';
import { telemetryStoreys } from '../../../../../renderer/features/entities/telemetryStoreys.js';

const T0 = Date.parse('2026-12-04T10:00:00Z');
const robot = (id: string, floor: string, t = T0): FrameEntity => ({ id, kind: 'robot', floor, t, x: 1, y: 1, stale: false });
function apply(input: Partial<TelemetryFrameInput>, table: EntityTable, people: PeopleTable) {
  const bytes = encodeTelemetryFrame({ time: T0, full: false, entities: [], positions: [], counts: [], ...input });
  applyFrameView(decodeTelemetryFrame(bytes.buffer as ArrayBuffer), table, people);
}

describe('storeys from telemetry floor labels (no model)', () => {
  it('lists the floors in use lowest first, and forgets a building’s floors when its entities leave', () => {
    const table = new EntityTable(), people = new PeopleTable();
    apply({ entities: [robot('a', '2F'), robot('b', '1F'), robot('c', 'B1')], positions: [{ id: 'p', floor: '3F', t: T0, x: 2, y: 2, accuracy: 1, stale: false }] }, table, people);
    const first = telemetryStoreys(table, people, []);
    expect(first.storeys.map((s) => s.name)).toEqual(['B1', '1F', '2F', '3F']);
    expect(first.storeys.map((s) => s.index)).toEqual([0, 1, 2, 3]);
    // Another source: a full frame with only the new building's entities.
    apply({ full: true, entities: [robot('x', 'Level 1', T0 + 1000), robot('y', 'Level 2', T0 + 1000)] }, table, people);
    const next = telemetryStoreys(table, people, [{ name: 'Level 1', elevation: 0 }, { name: 'Level 2', elevation: 3.5 }]);
    expect(next.storeys.map((s) => [s.name, s.elevation])).toEqual([['Level 1', 0], ['Level 2', 3.5]]);
    expect(next.key).not.toBe(first.key);
    expect(telemetryStoreys(table, people, []).key).toBe(next.key); // unchanged set, same key
  });
});
