/**
 * The building model as the UI sees it: load lifecycle and progress, the loaded model's summary
 * and storeys, the selection, what is hidden / isolated / x-rayed, and the section height.
 * Geometry itself (GPU buffers) lives in the model feature's scene, not here; the element index
 * is reachable through `lookup` for panels that list elements.
 *
 * Vanilla zustand store (STYLE.md habit 11): three.js reads getState()/subscribe, panels too.
 * Actions are plain functions below; transitions of `status` happen only in them.
 */
import { createStore } from 'zustand/vanilla';
import type { ElementLookup } from '../../workers/ifc/geometry/ElementLookup.js';
import type { LoadPhase } from '../../workers/ifc/geometry/extractGeometry.js';
import type { ModelSummary, StoreyInfo } from '../../workers/ifc/geometry/ProcessedModel.js';
import type { ElementProperties } from '../../workers/ifc/geometry/readElementProperties.js';

export type ModelStatus = 'empty' | 'loading' | 'ready' | 'error';

/** What a hide / isolate / x-ray command applies to. */
export type ElementScope =
  | { kind: 'element'; expressID: number }
  | { kind: 'type'; typeName: string }
  | { kind: 'storey'; storey: number };

export interface ModelState {
  status: ModelStatus;
  /** Current load (null when idle). */
  progress: { fileName: string; phase: LoadPhase; fraction: number } | null;
  /** Last load error message (the previous model, if any, stays shown). */
  error: string | null;
  summary: ModelSummary | null;
  storeys: StoreyInfo[];
  lookup: ElementLookup | null;
  /** Selected element (expressID) or null. */
  selected: number | null;
  /** Properties of the selected element: loading until fetched. */
  properties: { expressID: number; state: 'loading' } | { expressID: number; state: 'ready'; data: ElementProperties } | { expressID: number; state: 'error'; message: string } | null;
  /** Storey indices switched off in the tree. */
  hiddenStoreys: number[];
  /** Element rows hidden by "hide" commands. */
  hiddenRows: number[];
  /** When set, only these element rows are drawn. */
  isolatedRows: number[] | null;
  /** Rows drawn solid while everything else is ghosted; null: x-ray off. */
  xrayRows: number[] | null;
  /** Section plane height in metres (building z; three.js y), null when off. */
  sectionHeight: number | null;
}

export const initialModelState: ModelState = {
  status: 'empty',
  progress: null,
  error: null,
  summary: null,
  storeys: [],
  lookup: null,
  selected: null,
  properties: null,
  hiddenStoreys: [],
  hiddenRows: [],
  isolatedRows: null,
  xrayRows: null,
  sectionHeight: null,
};

export const modelStore = createStore<ModelState>(() => ({ ...initialModelState }));

/** Element rows a scope covers, from the index (no copy of the index kept in the store). */
export function rowsOfScope(lookup: ElementLookup, scope: ElementScope): number[] {
  const ix = lookup.index;
  const out: number[] = [];
  switch (scope.kind) {
    case 'element': {
      const row = lookup.rowOf(scope.expressID);
      if (row >= 0) out.push(row);
      return out;
    }
    case 'type': {
      const t = ix.typeNames.indexOf(scope.typeName);
      for (let r = 0; r < ix.types.length; r++) if (ix.types[r] === t) out.push(r);
      return out;
    }
    case 'storey':
      for (let r = 0; r < ix.storeys.length; r++) if (ix.storeys[r] === scope.storey) out.push(r);
      return out;
    default: {
      const never: never = scope;
      throw new Error(`modelStore: unknown scope ${JSON.stringify(never)}`);
    }
  }
}

export const modelActions = {
  loadStarted(fileName: string): void {
    modelStore.setState({ status: 'loading', progress: { fileName, phase: 'hash', fraction: 0 }, error: null });
  },
  loadProgress(phase: LoadPhase, fraction: number): void {
    const p = modelStore.getState().progress;
    if (p) modelStore.setState({ progress: { ...p, phase, fraction } });
  },
  loaded(summary: ModelSummary, storeys: StoreyInfo[], lookup: ElementLookup): void {
    modelStore.setState({ ...initialModelState, status: 'ready', summary, storeys, lookup });
  },
  /** The load failed or was cancelled: the previous model (if any) stays. */
  loadFailed(message: string | null): void {
    const s = modelStore.getState();
    modelStore.setState({ status: s.summary ? 'ready' : message ? 'error' : 'empty', progress: null, error: message });
  },
  /**
   * Selects an element (null: none). Picking the selected element again keeps its properties as
   * they are (read or being read); only a failed read is tried again.
   */
  select(expressID: number | null): void {
    const s = modelStore.getState();
    if (expressID !== null && expressID === s.selected && s.properties?.expressID === expressID && s.properties.state !== 'error') return;
    modelStore.setState({ selected: expressID, properties: expressID === null ? null : { expressID, state: 'loading' } });
  },
  propertiesLoaded(expressID: number, data: ElementProperties): void {
    if (modelStore.getState().selected === expressID) modelStore.setState({ properties: { expressID, state: 'ready', data } });
  },
  propertiesFailed(expressID: number, message: string): void {
    if (modelStore.getState().selected === expressID) modelStore.setState({ properties: { expressID, state: 'error', message } });
  },
  setStoreyVisible(storey: number, visible: boolean): void {
    const hidden = new Set(modelStore.getState().hiddenStoreys);
    if (visible) hidden.delete(storey);
    else hidden.add(storey);
    modelStore.setState({ hiddenStoreys: [...hidden].sort((a, b) => a - b) });
  },
  hide(scope: ElementScope): void {
    const { lookup, hiddenRows } = modelStore.getState();
    if (!lookup) return;
    modelStore.setState({ hiddenRows: [...new Set([...hiddenRows, ...rowsOfScope(lookup, scope)])] });
  },
  isolate(scope: ElementScope): void {
    const { lookup } = modelStore.getState();
    if (!lookup) return;
    modelStore.setState({ isolatedRows: rowsOfScope(lookup, scope), hiddenRows: [], xrayRows: null });
  },
  xray(scope: ElementScope): void {
    const { lookup } = modelStore.getState();
    if (!lookup) return;
    modelStore.setState({ xrayRows: rowsOfScope(lookup, scope), isolatedRows: null });
  },
  showAll(): void {
    modelStore.setState({ hiddenRows: [], isolatedRows: null, xrayRows: null, hiddenStoreys: [] });
  },
  setSection(height: number | null): void {
    modelStore.setState({ sectionHeight: height });
  },
  cleared(): void {
    modelStore.setState({ ...initialModelState });
  },
};
