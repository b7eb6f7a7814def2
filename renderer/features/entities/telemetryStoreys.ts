/**
 * Storeys derived from the floor labels telemetry uses, for a session without a model (nobody
 * else publishes storeys then): only labels some entity or person is on now, lowest first, so the
 * storey selector and the one-storey plan work for any source, and a previous building's floors
 * leave with its entities after a source or building switch.
 */
import type { EntityTable, PeopleTable } from '../../stores/entitiesStore.js';
import type { StoreyInfo } from '../../stores/layoutStore.js';
import { floorElevation, type NamedElevation } from './entityStyle.js';

let scratch = new Uint8Array(0);

/** The storeys, and a key that changes exactly when the set of labels in use changes. */
export function telemetryStoreys(table: EntityTable, people: PeopleTable, named: readonly NamedElevation[]): { key: string; storeys: StoreyInfo[] } {
  const n = table.floors.length;
  if (scratch.length < n) scratch = new Uint8Array(n * 2);
  else scratch.fill(0, 0, n);
  for (let s = 0; s < table.count; s++) { const f = table.floor[s]!; if (f >= 0) scratch[f] = 1; }
  for (let s = 0; s < people.count; s++) { const f = people.floor[s]!; if (f >= 0) scratch[f] = 1; }
  const used: number[] = [];
  for (let f = 0; f < n; f++) if (scratch[f]) used.push(f);
  const storeys = used
    .map((i) => ({ name: table.floors[i]!, elevation: floorElevation(table.floors[i], i, named) }))
    .sort((a, b) => a.elevation - b.elevation || a.name.localeCompare(b.name, undefined, { numeric: true }))
    .map((st, index) => ({ index, name: st.name, elevation: st.elevation, height: 4 }));
  return { key: used.join(','), storeys };
}
