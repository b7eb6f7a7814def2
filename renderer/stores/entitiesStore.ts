/**
 * Live entities (robots, the bus, sensors, other assets) and people positions, as columns by slot.
 *
 * Telemetry frames (common/telemetryFrame.ts) are applied in place into `EntityTable` /
 * `PeopleTable` — typed arrays indexed by slot, grown by doubling, never one object per entity —
 * and the store's `version` is bumped so views re-read. zustand holds the UI state around them
 * (selection, hover, follow, list filters); render loops read `getState()` and `subscribe()`.
 *
 * Per entity a short history ring (HISTORY samples of t, speed, battery, x, y; one sample per
 * new record time) feeds the inspector charts and the 3D/plan trails.
 *
 * Rows flagged ROW_GEO carry WGS84 lat/lon instead of x/y: with the loaded model's georeference
 * (`georeference`, set by the entities feature from structureStore) they are converted to the
 * building frame on arrival; without one they cannot be placed and are skipped.
 */
import { createStore } from 'zustand/vanilla';
import { decodeTelemetryFrame, frameString, NO_STRING, ROW_GEO, ROW_STALE, type TelemetryFrameView } from '../../common/telemetryFrame.js';
import { ENTITY_STATES, type EntityStateName } from '../../common/records.js';
import type { Georeference } from '../../common/buildingStructure.js';
import { wgs84ToBuilding } from '../../common/georeference.js';

/** History samples kept per entity (~2 min at 1 Hz). */
export const HISTORY = 120;

/** Kind codes: what the 3D view draws differently. Anything else is OTHER. */
export const KIND_ROBOT = 0;
export const KIND_BUS = 1;
export const KIND_SENSOR = 2;
export const KIND_PERSON = 3;
export const KIND_OTHER = 4;
export const KIND_NAMES = ['robot', 'bus', 'sensor', 'person', 'other'] as const;
export type KindName = (typeof KIND_NAMES)[number];

export function kindCode(kind: string): number {
  switch (kind) {
    case 'robot': return KIND_ROBOT;
    case 'bus': return KIND_BUS;
    case 'sensor': return KIND_SENSOR;
    case 'person': return KIND_PERSON;
    default: return KIND_OTHER;
  }
}

/** Growable typed array helper: a copy of `a` with room for `n` elements. */
function grow<T extends Float32Array | Float64Array | Uint8Array | Int16Array | Int32Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a.subarray(0, Math.min(a.length, n)));
  return b;
}

/** Columns of the known entities. Slots 0..count-1 are live; removal swaps the last slot in. */
export class EntityTable {
  count = 0;
  capacity = 0;
  ids: string[] = [];
  readonly slotOf = new Map<string, number>();
  kind = new Uint8Array(0);
  /** The record's own kind string (for OTHER kinds) and type, task, error. */
  kindName: string[] = [];
  type: (string | undefined)[] = [];
  task: (string | undefined)[] = [];
  error: (string | undefined)[] = [];
  /** Index into `floors` (the floor labels seen, in first-seen order), -1 when none. */
  floor = new Int16Array(0);
  readonly floors: string[] = [];
  private readonly floorIndex = new Map<string, number>();
  x = new Float32Array(0);
  y = new Float32Array(0);
  z = new Float32Array(0);
  heading = new Float32Array(0);
  speed = new Float32Array(0);
  battery = new Float32Array(0);
  /** 0 unknown, then ENTITY_STATES order (frame state code). */
  state = new Uint8Array(0);
  /** ROW_STALE / ROW_GEO bits from the frame. */
  flags = new Uint8Array(0);
  /** Time of the latest record, epoch ms. */
  lastSeen = new Float64Array(0);
  /** History rings: [slot * HISTORY + k]; head = next write position, len = filled samples. */
  histT = new Float64Array(0);
  histSpeed = new Float32Array(0);
  histBattery = new Float32Array(0);
  histX = new Float32Array(0);
  histY = new Float32Array(0);
  histHead = new Int32Array(0);
  histLen = new Int32Array(0);
  /** Bumped when slots are added or removed (views rebuild per-kind instance lists). */
  structure = 0;
  /**
   * Slots whose row changed (any column, incl. the stale flag) since the views last called
   * `clearDirty()`: each slot once, in first-change order, `dirty[0..dirtyCount)`. Views update
   * only these slots' instance data; after a `structure` change they rebuild everything anyway
   * (entries may then name slots ≥ count). Bounded by capacity, so it cannot grow without a reader.
   */
  dirty = new Int32Array(0);
  dirtyCount = 0;
  private dirtyFlag = new Uint8Array(0);
  /** Bumped by remove(): slots moved, so cached string → slot lookups are void. */
  private removals = 0;
  private lookups: { ids: readonly string[]; removals: number; slot: Int32Array } | null = null;

  /** Records that slot `s` changed (applyFrameView calls it). */
  markDirty(s: number): void {
    if (this.dirtyFlag[s]) return;
    this.dirtyFlag[s] = 1;
    this.dirty[this.dirtyCount++] = s;
  }

  /** The views call this once they have applied the dirty slots (the entities feature, after 3D and plan). */
  clearDirty(): void {
    for (let i = 0; i < this.dirtyCount; i++) this.dirtyFlag[this.dirty[i]!] = 0;
    this.dirtyCount = 0;
  }

  floorOf(label: string): number {
    let i = this.floorIndex.get(label);
    if (i === undefined) {
      i = this.floors.length;
      this.floors.push(label);
      this.floorIndex.set(label, i);
    }
    return i;
  }

  slot(id: string, kind: string): number {
    const found = this.slotOf.get(id);
    if (found !== undefined) return found;
    if (this.count === this.capacity) this.reserve(Math.max(64, this.capacity * 2));
    const s = this.count++;
    this.ids[s] = id;
    this.slotOf.set(id, s);
    this.kind[s] = kindCode(kind);
    this.kindName[s] = kind;
    this.type[s] = undefined; this.task[s] = undefined; this.error[s] = undefined;
    this.floor[s] = -1;
    this.lastSeen[s] = Number.NEGATIVE_INFINITY;
    this.histHead[s] = 0; this.histLen[s] = 0;
    this.structure++;
    return s;
  }

  remove(id: string): void {
    const s = this.slotOf.get(id);
    if (s === undefined) return;
    const last = this.count - 1;
    this.slotOf.delete(id);
    if (s !== last) this.moveSlot(last, s);
    this.count--;
    this.ids.length = this.count;
    this.structure++;
    this.removals++;
  }

  /**
   * Slots by index into a frame's id table (-1: not looked up yet). Decoded frames share one
   * frozen id table while it repeats (common/telemetryFrame.ts), so a fleet reporting in the same
   * order skips the id → slot map lookups after its first frame. Valid while the table is the
   * same array and no slot was removed (a removal moves another slot).
   */
  idSlots(ids: readonly string[]): Int32Array {
    const m = this.lookups;
    if (m && m.ids === ids && m.removals === this.removals) return m.slot;
    const slot = new Int32Array(ids.length).fill(-1);
    this.lookups = { ids, removals: this.removals, slot };
    return slot;
  }

  /** Latest `n` history samples of a slot, oldest first, into the given arrays; returns the count. */
  history(slot: number, column: 'speed' | 'battery' | 'x' | 'y' | 't', out: Float64Array | Float32Array): number {
    const len = Math.min(this.histLen[slot]!, out.length);
    const src = column === 'speed' ? this.histSpeed : column === 'battery' ? this.histBattery : column === 'x' ? this.histX : column === 'y' ? this.histY : this.histT;
    const head = this.histHead[slot]!;
    for (let k = 0; k < len; k++) out[k] = src[slot * HISTORY + ((head - len + k + HISTORY) % HISTORY)]!;
    return len;
  }

  stateName(slot: number): EntityStateName | undefined {
    const c = this.state[slot]!;
    return c === 0 ? undefined : ENTITY_STATES[c - 1];
  }

  /** Room for `extra` more slots in one step (a frame's rows), instead of doubling once per power of two. */
  reserveFor(extra: number): void {
    const need = this.count + extra;
    if (need <= this.capacity) return;
    let n = Math.max(64, this.capacity);
    while (n < need) n *= 2;
    this.reserve(n);
  }

  private reserve(n: number): void {
    this.capacity = n;
    this.kind = grow(this.kind, n); this.floor = grow(this.floor, n);
    this.x = grow(this.x, n); this.y = grow(this.y, n); this.z = grow(this.z, n);
    this.heading = grow(this.heading, n); this.speed = grow(this.speed, n); this.battery = grow(this.battery, n);
    this.state = grow(this.state, n); this.flags = grow(this.flags, n); this.lastSeen = grow(this.lastSeen, n);
    this.histT = grow(this.histT, n * HISTORY); this.histSpeed = grow(this.histSpeed, n * HISTORY);
    this.histBattery = grow(this.histBattery, n * HISTORY); this.histX = grow(this.histX, n * HISTORY); this.histY = grow(this.histY, n * HISTORY);
    this.histHead = grow(this.histHead, n); this.histLen = grow(this.histLen, n);
    this.dirty = grow(this.dirty, n); this.dirtyFlag = grow(this.dirtyFlag, n);
  }

  private moveSlot(from: number, to: number): void {
    const id = this.ids[from]!;
    this.ids[to] = id;
    this.slotOf.set(id, to);
    this.kindName[to] = this.kindName[from]!; this.type[to] = this.type[from]; this.task[to] = this.task[from]; this.error[to] = this.error[from];
    for (const col of [this.kind, this.floor, this.x, this.y, this.z, this.heading, this.speed, this.battery, this.state, this.flags, this.lastSeen, this.histHead, this.histLen]) {
      col[to] = col[from]!;
    }
    for (const col of [this.histT, this.histSpeed, this.histBattery, this.histX, this.histY]) {
      col.copyWithin(to * HISTORY, from * HISTORY, (from + 1) * HISTORY);
    }
  }
}

/** People positions (anonymous dots): columns by slot, like EntityTable without history. */
export class PeopleTable {
  count = 0;
  capacity = 0;
  ids: string[] = [];
  readonly slotOf = new Map<string, number>();
  x = new Float32Array(0);
  y = new Float32Array(0);
  accuracy = new Float32Array(0);
  floor = new Int16Array(0);
  flags = new Uint8Array(0);
  t = new Float64Array(0);
  structure = 0;
  /** Bumped when any person's row was applied or removed (views skip the people cloud otherwise). */
  revision = 0;

  slot(id: string): number {
    const found = this.slotOf.get(id);
    if (found !== undefined) return found;
    if (this.count === this.capacity) {
      const n = Math.max(256, this.capacity * 2);
      this.capacity = n;
      this.x = grow(this.x, n); this.y = grow(this.y, n); this.accuracy = grow(this.accuracy, n);
      this.floor = grow(this.floor, n); this.flags = grow(this.flags, n); this.t = grow(this.t, n);
    }
    const s = this.count++;
    this.ids[s] = id;
    this.slotOf.set(id, s);
    this.t[s] = Number.NEGATIVE_INFINITY;
    this.structure++;
    this.revision++;
    return s;
  }

  remove(id: string): void {
    const s = this.slotOf.get(id);
    if (s === undefined) return;
    const last = this.count - 1;
    this.slotOf.delete(id);
    if (s !== last) {
      const moved = this.ids[last]!;
      this.ids[s] = moved;
      this.slotOf.set(moved, s);
      for (const col of [this.x, this.y, this.accuracy, this.floor, this.flags, this.t]) col[s] = col[last]!;
    }
    this.count--;
    this.ids.length = this.count;
    this.structure++;
    this.revision++;
  }
}

export interface EntityFilters {
  search: string;
  /** Kinds shown in the list; empty = all. */
  kinds: KindName[];
  /** States shown; empty = all. 'stale' and 'low-battery' are pseudo-states. */
  states: (EntityStateName | 'stale' | 'low-battery')[];
  /** Floor label, or null for all. */
  floor: string | null;
}

export interface EntitiesState {
  table: EntityTable;
  people: PeopleTable;
  /** Bumped on every applied frame. */
  version: number;
  /** Source time of the latest frame, epoch ms (NaN before the first). */
  time: number;
  selectedId: string | null;
  hoveredId: string | null;
  /** Entity the 3D camera follows, or null. */
  followId: string | null;
  filters: EntityFilters;
  /** Frames that failed to decode (should stay 0). */
  badFrames: number;
  /** The loaded model's georeference: WGS84 rows are placed with it (null: they are skipped). */
  georeference: Georeference | null;
}

export const entitiesStore = createStore<EntitiesState>(() => ({
  table: new EntityTable(),
  people: new PeopleTable(),
  version: 0,
  time: Number.NaN,
  selectedId: null,
  hoveredId: null,
  followId: null,
  filters: { search: '', kinds: [], states: [], floor: null },
  badFrames: 0,
  georeference: null,
}));

/**
 * How long a selected entity that left the table is waited for, ms. A source restart drops every
 * entity until it reports again: the testbed moving onto a model's layout once that is derived,
 * a reconnect, a replay seek. The selection (and the follow) comes back with the entity; an
 * operator following the bus lost it for good when the layout arrived after the click.
 */
export const LOST_SELECTION_MS = 15_000;
let lostSelection: { id: string; follow: boolean; until: number } | null = null;

/** Selects an entity by id (alerts, list, picking), or clears the selection. */
export function selectEntity(id: string | null): void {
  lostSelection = null;
  // While following, the camera moves on to the newly selected entity; clearing stops following.
  const following = entitiesStore.getState().followId !== null;
  entitiesStore.setState({ selectedId: id, followId: following && id !== null ? id : null });
}

/**
 * Applies one decoded frame to the tables in place. Rows older than an entity's latest record
 * (out of order) update nothing; a new record time appends one history sample. A full frame
 * also removes entities and people it does not carry; `sidecar.removed` removes by id.
 * Every entity row that changed something is recorded in `table.dirty` (the views update only
 * those slots), every applied person row bumps `people.revision`.
 */
export function applyFrameView(view: TelemetryFrameView, table: EntityTable, people: PeopleTable, geo: Georeference | null = null): void {
  const e = view.entities;
  // A frame with more rows than the table has entities brings at least that many new ones: grow
  // the columns once for them (a first frame of 10 000 grows them once, not 8 times by doubling).
  if (e.count > table.count) table.reserveFor(e.count - table.count);
  const idSlots = table.idSlots(view.ids);
  // Floor index per string of the table's second part (few distinct labels), -2 = not looked up.
  const floorOf = new Int16Array(view.strings.length - view.ids.length).fill(-2);
  const seen = view.full ? new Set<number>() : null;
  for (let i = 0; i < e.count; i++) {
    const isGeo = (e.flags[i]! & ROW_GEO) !== 0;
    if (isGeo && (!geo || !Number.isFinite(e.lat[i]!) || !Number.isFinite(e.lon[i]!))) continue; // WGS84 without a georeference: cannot be placed
    const si = e.id[i]!;
    let s = si < idSlots.length ? idSlots[si]! : -1;
    if (s < 0) {
      const id = frameString(view, si);
      if (id === undefined) continue;
      s = table.slot(id, frameString(view, e.kind[i]!) ?? 'other');
      if (si < idSlots.length) idSlots[si] = s;
    }
    seen?.add(s);
    const t = e.t[i]!;
    if (table.flags[s] !== e.flags[i]!) { table.flags[s] = e.flags[i]!; table.markDirty(s); }
    // A delta older than what the slot shows is out of order: skipped. A full frame is the hub's whole twin at its time:
    // older only after a jump back (a seek in a replay or the live review), and then it is what the twin was. Skipping
    // it too froze every robot at its latest pose while the review's clock and people went back in time.
    const back = t < table.lastSeen[s]!;
    if (back && !view.full) continue;
    if (back) { table.histHead[s] = 0; table.histLen[s] = 0; } // the trail restarts at the new time
    table.markDirty(s);
    const fresh = back || t > table.lastSeen[s]!;
    table.lastSeen[s] = t;
    table.type[s] = frameString(view, e.type[i]!);
    table.task[s] = frameString(view, e.task[i]!);
    table.error[s] = frameString(view, e.error[i]!);
    const f = e.floor[i]!;
    const fi = f - view.ids.length;
    if (f === NO_STRING || f >= view.strings.length) table.floor[s] = -1;
    else if (fi < 0) table.floor[s] = table.floorOf(view.strings[f]!); // a label that is also a row id
    else {
      if (floorOf[fi] === -2) floorOf[fi] = table.floorOf(view.strings[f]!);
      table.floor[s] = floorOf[fi]!;
    }
    let x = e.x[i]!, y = e.y[i]!;
    if (isGeo) [x, y] = wgs84ToBuilding(geo!, e.lat[i]!, e.lon[i]!);
    if (!Number.isNaN(x) && !Number.isNaN(y)) { table.x[s] = x; table.y[s] = y; }
    table.z[s] = Number.isNaN(e.z[i]!) ? 0 : e.z[i]!;
    table.heading[s] = Number.isNaN(e.heading[i]!) ? table.heading[s]! : e.heading[i]!;
    table.speed[s] = e.speed[i]!;
    table.battery[s] = e.battery[i]!;
    table.state[s] = e.state[i]!;
    if (fresh) {
      const k = s * HISTORY + table.histHead[s]!;
      table.histT[k] = t; table.histSpeed[k] = table.speed[s]!; table.histBattery[k] = table.battery[s]!;
      table.histX[k] = table.x[s]!; table.histY[k] = table.y[s]!;
      table.histHead[s] = (table.histHead[s]! + 1) % HISTORY;
      table.histLen[s] = Math.min(HISTORY, table.histLen[s]! + 1);
    }
  }
  const p = view.positions;
  const seenPeople = view.full ? new Set<number>() : null;
  for (let i = 0; i < p.count; i++) {
    const pGeo = (p.flags[i]! & ROW_GEO) !== 0;
    if (pGeo && (!geo || !Number.isFinite(p.lat[i]!) || !Number.isFinite(p.lon[i]!))) continue;
    const id = frameString(view, p.id[i]!);
    if (id === undefined) continue;
    const s = people.slot(id);
    seenPeople?.add(s);
    if (people.flags[s] !== p.flags[i]!) { people.flags[s] = p.flags[i]!; people.revision++; }
    if (p.t[i]! < people.t[s]! && !view.full) continue;
    people.revision++;
    people.t[s] = p.t[i]!;
    if (pGeo) [people.x[s], people.y[s]] = wgs84ToBuilding(geo!, p.lat[i]!, p.lon[i]!);
    else { people.x[s] = p.x[i]!; people.y[s] = p.y[i]!; }
    people.accuracy[s] = p.accuracy[i]!;
    const f = p.floor[i]!;
    people.floor[s] = f === NO_STRING ? -1 : table.floorOf(view.strings[f]!);
  }
  if (seen) for (const id of table.ids.filter((_, s) => !seen.has(s))) table.remove(id);
  if (seenPeople) for (const id of people.ids.filter((_, s) => !seenPeople.has(s))) people.remove(id);
  for (const id of view.sidecar.removed ?? []) { table.remove(id); people.remove(id); }
}

/** Decodes a binary telemetry frame and applies it to the store (the feature's onBinary handler). */
export function applyTelemetryFrame(buf: ArrayBuffer, offset: number, wallNow: number = Date.now()): void {
  const st = entitiesStore.getState();
  let view: TelemetryFrameView;
  try {
    view = decodeTelemetryFrame(buf, offset);
  } catch {
    entitiesStore.setState({ badFrames: st.badFrames + 1 });
    return;
  }
  applyFrameView(view, st.table, st.people, st.georeference);
  const patch: Partial<EntitiesState> = { version: st.version + 1, time: Number.isFinite(view.time) ? view.time : st.time };
  if (st.selectedId !== null) {
    if (!st.table.slotOf.has(st.selectedId)) {
      lostSelection = { id: st.selectedId, follow: st.followId === st.selectedId, until: wallNow + LOST_SELECTION_MS };
      patch.selectedId = null;
      patch.followId = null;
    } else lostSelection = null;
  } else if (lostSelection) {
    if (wallNow > lostSelection.until) lostSelection = null;
    else if (st.table.slotOf.has(lostSelection.id)) {
      patch.selectedId = lostSelection.id;
      patch.followId = lostSelection.follow ? lostSelection.id : null;
      lostSelection = null;
    }
  }
  entitiesStore.setState(patch);
}

/** True when the slot's row is stale (the hub saw no update within its stale period). */
export function isStale(table: EntityTable, slot: number): boolean {
  return (table.flags[slot]! & ROW_STALE) !== 0;
}
