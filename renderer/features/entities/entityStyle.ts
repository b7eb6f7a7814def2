/**
 * How entities look, shared by the 3D markers, the plan layers and the panels: colour by robot
 * type / kind, badge colour by condition, and the storey elevation of a floor label.
 */
import { isStale, KIND_BUS, KIND_PERSON, KIND_SENSOR, type EntityTable } from '../../stores/entitiesStore.js';

/** RGB 0..255 per robot type (testbed kinds), then per kind. */
const TYPE_COLOURS: Record<string, [number, number, number]> = {
  delivery: [78, 154, 241],
  cleaning: [46, 196, 182],
  security: [124, 108, 231],
  guide: [247, 179, 43],
  telepresence: [239, 111, 108],
  wheelchair: [163, 217, 119],
  cart: [192, 132, 87],
  'autonomous-bus': [255, 210, 63],
};
const KIND_COLOURS: [number, number, number][] = [
  [120, 170, 230], // robot (unknown type)
  [255, 210, 63], // bus
  [154, 165, 177], // sensor
  [255, 159, 28], // person
  [176, 176, 176], // other
];
const PALETTE: [number, number, number][] = [[78, 154, 241], [46, 196, 182], [124, 108, 231], [247, 179, 43], [239, 111, 108], [163, 217, 119], [192, 132, 87], [230, 120, 200]];

export function entityColour(table: EntityTable, slot: number): [number, number, number] {
  const type = table.type[slot];
  if (type !== undefined) {
    const c = TYPE_COLOURS[type];
    if (c) return c;
    if (table.kind[slot] !== KIND_SENSOR && table.kind[slot] !== KIND_BUS) {
      let h = 0;
      for (let i = 0; i < type.length; i++) h = (h * 31 + type.charCodeAt(i)) >>> 0;
      return PALETTE[h % PALETTE.length]!;
    }
  }
  return KIND_COLOURS[table.kind[slot]!] ?? KIND_COLOURS[4]!;
}

/** Conditions an operator must notice, in priority order. */
export type Badge = 'error' | 'offline' | 'stale' | 'low-battery' | 'manual' | null;

export const BADGE_COLOURS: Record<Exclude<Badge, null>, [number, number, number]> = {
  error: [229, 57, 53],
  offline: [120, 124, 130],
  stale: [150, 154, 160],
  'low-battery': [255, 152, 0],
  manual: [66, 133, 244],
};

export const BADGE_LABELS: Record<Exclude<Badge, null>, string> = {
  error: 'Error', offline: 'Offline', stale: 'No data', 'low-battery': 'Low battery', manual: 'Manual',
};

/** Battery fraction below which an entity is flagged (the settings' default threshold). */
export const LOW_BATTERY = 0.15;

export function badgeOf(table: EntityTable, slot: number, lowBattery = LOW_BATTERY): Badge {
  const st = table.stateName(slot);
  if (st === 'error') return 'error';
  if (st === 'offline') return 'offline';
  if (isStale(table, slot)) return 'stale';
  const b = table.battery[slot]!;
  if (!Number.isNaN(b) && b < lowBattery && st !== 'charging' && table.kind[slot] !== KIND_SENSOR) return 'low-battery';
  if (st === 'manual') return 'manual';
  return null;
}

/** A storey as far as elevations go (the model store's and the layout store's both fit). */
export interface NamedElevation {
  name: string;
  elevation: number;
}

/**
 * Elevation (m, building-frame z) of a floor label: the first storey of that name in `storeys`
 * (the loaded model's, then the layout store's), else "NF" → (N−1) × 4 m, "BN" → −N × 4 m, else the label's first-seen index × 4 m.
 */
export function floorElevation(label: string | undefined, fallbackIndex: number, storeys: readonly NamedElevation[]): number {
  if (label === undefined) return 0;
  const st = storeys.find((s) => s.name === label);
  if (st) return st.elevation;
  const m = /^(\d+)F$/i.exec(label);
  if (m) return (Number(m[1]) - 1) * 4;
  const b = /^B(\d+)$/i.exec(label);
  if (b) return -Number(b[1]) * 4;
  return Math.max(0, fallbackIndex) * 4;
}

/** Height above its floor at which a kind's marker is drawn (m). */
export function markerHeight(kind: number): number {
  return kind === KIND_SENSOR ? 2.6 : kind === KIND_PERSON ? 0.9 : 0;
}

export const css = (rgb: readonly [number, number, number], a = 1) => `rgba(${rgb[0]},${rgb[1]},${rgb[2]},${a})`;

/** The hover label of an entity: "id", then "type · condition or state · battery %". */
export function entityHoverText(table: EntityTable, slot: number): { id: string; detail: string } {
  const badge = badgeOf(table, slot);
  const b = table.battery[slot]!;
  const f = table.floor[slot]!;
  const floor = f >= 0 ? ` · ${table.floors[f]}` : '';
  return {
    id: table.ids[slot] ?? '',
    detail: `${table.type[slot] ?? table.kindName[slot]} · ${badge ? BADGE_LABELS[badge] : table.stateName(slot) ?? '—'}${Number.isNaN(b) ? '' : ` · ${Math.round(b * 100)}%`}${floor}`,
  };
}
