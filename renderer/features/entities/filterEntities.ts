/**
 * The Entities list's query: which slots match the search text and the kind / state / floor
 * filters, moving things first (robots, buses, other assets, then person-kind entities and
 * sensors), each by id in natural order (robot-2 before robot-10). Pure; the panel calls it at
 * most a few times a second.
 */
import type { EntityFilters, EntityTable } from '../../stores/entitiesStore.js';
import { isStale, KIND_NAMES } from '../../stores/entitiesStore.js';
import { badgeOf } from './entityStyle.js';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
/** List order by kind code (robot, bus, sensor, person, other). */
const KIND_RANK = [0, 1, 4, 3, 2];

export function filterEntities(table: EntityTable, f: EntityFilters): number[] {
  const q = f.search.trim().toLowerCase();
  const out: number[] = [];
  for (let s = 0; s < table.count; s++) {
    if (f.kinds.length && !f.kinds.includes(KIND_NAMES[table.kind[s]!]!)) continue;
    if (f.floor !== null) {
      const fl = table.floor[s]!;
      if (fl < 0 || table.floors[fl] !== f.floor) continue;
    }
    if (f.states.length) {
      const st = table.stateName(s);
      const ok = f.states.some((want) =>
        want === 'stale' ? isStale(table, s) : want === 'low-battery' ? badgeOf(table, s) === 'low-battery' : st === want);
      if (!ok) continue;
    }
    if (q) {
      const hay = `${table.ids[s]} ${table.kindName[s]} ${table.type[s] ?? ''} ${table.task[s] ?? ''} ${table.error[s] ?? ''}`.toLowerCase();
      if (!hay.includes(q)) continue;
    }
    out.push(s);
  }
  return out.sort((a, b) => KIND_RANK[table.kind[a]!]! - KIND_RANK[table.kind[b]!]! || collator.compare(table.ids[a]!, table.ids[b]!));
}
