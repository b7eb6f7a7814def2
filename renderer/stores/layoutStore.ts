/**
 * How the workbench is laid out: which views show, panel sizes, the active tab per side, and the
 * storey shown (shared by the 3D view and the plan view).
 *
 * Storeys are published by whoever knows the building (the model feature, from the IFC):
 * `layoutStore.setState({ storeys })`. `activeStorey` is a storey `index`, or null for "all
 * storeys" (3D shows every storey; the plan, which is one storey at a time, shows the default
 * plan storey: the entrance level — see `defaultPlanStorey`).
 */
import { createStore } from 'zustand/vanilla';
import type { Settings } from '../../common/api.js';
import type { PanelSide } from '../shell/WorkbenchContext.js';

export type LayoutMode = Settings['layout'];

export interface StoreyInfo {
  /** Storey number used across features (0 = ground floor in the testbed layout). */
  index: number;
  /** Name shown to the user ("1F", "Level 2"). */
  name: string;
  /** Floor elevation, metres above the building origin (building-frame z). */
  elevation: number;
  /** Storey height, metres (for section planes). */
  height?: number;
  /**
   * What people can use on the storey, where the publisher knows it (the model's structure; not
   * telemetry-derived storeys): doors to the outside, spaces, walkable area (m²). Picks the plan's
   * default storey.
   */
  use?: { exits: number; spaces: number; walkableArea: number };
}

export interface LayoutState {
  mode: LayoutMode;
  /** Panel sizes in CSS pixels; 0 = collapsed. */
  leftWidth: number;
  rightWidth: number;
  bottomHeight: number;
  /** Share of the centre width given to the 3D view in split mode (0.2–0.8). */
  splitRatio: number;
  activeTab: Record<PanelSide, string | null>;
  storeys: StoreyInfo[];
  activeStorey: number | null;
}

export const layoutStore = createStore<LayoutState>(() => ({
  mode: 'split',
  leftWidth: 280,
  rightWidth: 300,
  bottomHeight: 200,
  splitRatio: 0.5,
  activeTab: { left: null, right: null, bottom: null },
  storeys: [],
  activeStorey: null,
}));

/** The storey the plan view draws: the active one, or the default one when "all" is selected. */
export function planStorey(s: Pick<LayoutState, 'storeys' | 'activeStorey'>): StoreyInfo | null {
  if (s.activeStorey !== null) {
    const found = s.storeys.find((st) => st.index === s.activeStorey);
    if (found) return found;
  }
  return defaultPlanStorey(s.storeys);
}

/**
 * The storey to make active so that the plan shows something on storey `name` (selecting a robot, its alert): null
 * when the plan already shows that storey, or no storey has the name. From "All" too: the plan then shows the
 * entrance level, and a robot on 3F picked from its alert was looked for on 1F, where it is not drawn.
 */
export function storeyToShow(s: Pick<LayoutState, 'storeys' | 'activeStorey'>, name: string): number | null {
  const storey = s.storeys.find((st) => st.name === name);
  if (!storey) return null;
  return planStorey(s)?.index === storey.index ? null : storey.index;
}

/**
 * The storey a plan opens on: the entrance level (the storey with doors to the outside; the most
 * of them if several have some), else the storey with the most spaces, else the most walkable
 * area, else (or on a tie) the lowest. A foundation or roof level is not where a planner starts
 * ("T/FDN" below "Level 1"); storeys without `use` (from telemetry) fall back to the lowest.
 */
export function defaultPlanStorey(storeys: readonly StoreyInfo[]): StoreyInfo | null {
  let best: StoreyInfo | null = null;
  for (const st of storeys) if (!best || planPreference(st, best) > 0) best = st;
  return best;
}

/** > 0 when `a` is the better default plan storey than `b`. */
function planPreference(a: StoreyInfo, b: StoreyInfo): number {
  const ua = a.use ?? { exits: 0, spaces: 0, walkableArea: 0 }, ub = b.use ?? { exits: 0, spaces: 0, walkableArea: 0 };
  return ua.exits - ub.exits || ua.spaces - ub.spaces || Math.round(ua.walkableArea) - Math.round(ub.walkableArea) || b.elevation - a.elevation;
}
