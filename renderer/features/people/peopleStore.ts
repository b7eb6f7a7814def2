/**
 * The people feature's UI state (zustand vanilla). The model feature (or anyone who knows the
 * building) publishes the geometry here: `peopleStore.setState({ geometry: peopleGeometryFromStructure(s, name) })`.
 */
import { createStore } from 'zustand/vanilla';
import type { PeopleGeometry } from './PeopleModel.js';

export interface PeopleState {
  /** Geometry from a loaded model; null → the testbed layout when the source is `testbed:`, else none. */
  geometry: PeopleGeometry | null;
  /** Density heatmap on the plan and the 3D floors. */
  heatmap: boolean;
  /** Heatmap of the average density since the first position (else: now). */
  average: boolean;
  /** Zone whose occupancy the chart shows; null = all spaces together. */
  selectedZone: string | null;
  /** Bumped when the user-drawn lines/zones change (added, renamed, deleted, another model's set). */
  shapesVersion: number;
}

export const peopleStore = createStore<PeopleState>(() => ({ geometry: null, heatmap: true, average: false, selectedZone: null, shapesVersion: 0 }));
