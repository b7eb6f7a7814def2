/**
 * The loaded model's walkable STRUCTURE as the page sees it (issue 4): storeys with their walkable
 * multipolygons, spaces, doors, stairs and the georeference, extracted in main
 * (ModelStructureService) and fetched with the `model.structure` API method.
 *
 * Lifecycle (`status`, a string union; transitions only in `applyStructureInfo` / StructureLoader):
 *   none → loading (request sent) → pending (main is extracting; a `model.structure` event follows)
 *        → ready | failed; 'unavailable' when main has no such method (an older main): the page
 *   then works as without a structure. A new model (session) or event re-requests.
 *
 * Consumers: the structure feature (storey selector, walkable overlay, stats), the people feature
 * (occupancy/flows on the model's spaces and doors), the entities feature (WGS84 → building frame
 * with `structure.georeference`).
 */
import { createStore } from 'zustand/vanilla';
import type { ApiEvents, ApiMethods, ModelStructureInfo, SessionInfo } from '../../common/api.js';
import type { BuildingStructure } from '../../common/buildingStructure.js';
import type { Disposable, Disposer } from '../../common/source.js';
import type { LayoutState, StoreyInfo } from './layoutStore.js';

export type StructureStatus = 'none' | 'loading' | 'pending' | 'ready' | 'failed' | 'unavailable';

export interface StructureState {
  status: StructureStatus;
  /** Content hash of the model the structure belongs to (null: none). */
  hash: string | null;
  structure: BuildingStructure | null;
  /** Why it failed / is unavailable (shown in the Structure panel). */
  error: string | null;
  /** Extraction time in main, ms, and whether main served it from its cache. */
  ms: number | null;
  cached: boolean;
  /** The walkable overlay is drawn on the plan. */
  overlay: boolean;
}

export const initialStructureState: StructureState = { status: 'none', hash: null, structure: null, error: null, ms: null, cached: false, overlay: true };

export const structureStore = createStore<StructureState>(() => ({ ...initialStructureState }));

/** Applies an answer of `model.structure` (method result or event); null = no model. */
export function applyStructureInfo(info: ModelStructureInfo | null): void {
  const overlay = structureStore.getState().overlay;
  if (info === null) {
    structureStore.setState({ ...initialStructureState, overlay });
    return;
  }
  switch (info.status) {
    case 'pending':
      structureStore.setState({ ...initialStructureState, overlay, status: 'pending', hash: info.hash });
      return;
    case 'ready':
      structureStore.setState({ ...initialStructureState, overlay, status: 'ready', hash: info.hash, structure: info.structure, ms: info.ms, cached: info.cached });
      return;
    case 'failed':
      structureStore.setState({ ...initialStructureState, overlay, status: 'failed', hash: info.hash, error: info.error });
      return;
    default: {
      const never: never = info;
      throw new Error(`structureStore: unknown model.structure status in ${JSON.stringify(never)}`);
    }
  }
}

/** Default storey height when a storey is the top one (no storey above to measure to), m. */
export const TOP_STOREY_HEIGHT = 3;

/**
 * The layout store's storeys from a structure: its storeys in elevation order with their own
 * index, name and elevation; height = distance to the next storey up (the top one: 3 m); `use` =
 * its exits, spaces and walkable area (the plan opens on the entrance level with them).
 */
export function storeysFromStructure(s: BuildingStructure): StoreyInfo[] {
  const sorted = [...s.storeys].sort((a, b) => a.elevation - b.elevation || a.index - b.index);
  return sorted.map((st, i) => {
    const next = sorted[i + 1];
    const height = next && next.elevation - st.elevation > 0.5 ? next.elevation - st.elevation : TOP_STOREY_HEIGHT;
    const use = {
      exits: s.doors.filter((d) => d.storey === st.index && d.exit).length,
      spaces: s.spaces.filter((x) => x.storey === st.index).length,
      walkableArea: st.walkableArea,
    };
    return { index: st.index, name: st.name || `Storey ${st.index + 1}`, elevation: st.elevation, height, use };
  });
}

/**
 * The layout store's storeys after a structure change. With a structure: its storeys replace
 * whatever is there (e.g. storeys derived from telemetry floor labels); the active storey is kept
 * when it was one of OUR storeys and still exists, else "all". Without one: the storeys we
 * published are withdrawn (so telemetry-derived ones can come back); someone else's are left.
 * `published` is what this returned last time; `patch` is null when nothing changes.
 */
export function layoutStoreysFor(
  layout: Pick<LayoutState, 'storeys' | 'activeStorey'>,
  structure: BuildingStructure | null,
  published: StoreyInfo[] | null,
): { patch: Pick<LayoutState, 'storeys' | 'activeStorey'> | null; published: StoreyInfo[] | null } {
  if (structure) {
    const storeys = storeysFromStructure(structure);
    const keep = published !== null && layout.storeys === published && layout.activeStorey !== null && storeys.some((st) => st.index === layout.activeStorey);
    return { patch: { storeys, activeStorey: keep ? layout.activeStorey : null }, published: storeys };
  }
  if (published && layout.storeys === published) return { patch: { storeys: [], activeStorey: null }, published: null };
  return { patch: null, published: null };
}

/** What the loader needs of the API client (ApiClient fits; tests pass a fake). */
export interface StructureApi {
  call(method: 'model.structure', params: ApiMethods['model.structure']['params']): Promise<ApiMethods['model.structure']['result']>;
  on(event: 'model.structure', cb: (payload: ApiEvents['model.structure']) => void): Disposer;
}

/**
 * Keeps `structureStore` in step with main: requests the structure when the session's model
 * changes (and at start), applies `model.structure` events, and ignores answers to superseded
 * requests. A failing call (method not registered yet, disconnected) is "no structure" with the
 * reason kept, never an exception.
 */
export class StructureLoader implements Disposable {
  private seq = 0;
  private modelHash: string | null | undefined = undefined;
  private readonly off: Disposer;

  constructor(private readonly api: StructureApi) {
    this.off = api.on('model.structure', (info) => {
      this.seq++; // an event is newer than any answer still in flight
      applyStructureInfo(info);
    });
  }

  /** The session changed: re-request when its model is another one (or the first time). */
  onSession(info: SessionInfo | null): void {
    const hash = info?.model?.hash ?? null;
    if (hash === this.modelHash) return;
    this.modelHash = hash;
    void this.request();
  }

  /** Asks main for the current model's structure. */
  async request(): Promise<void> {
    const seq = ++this.seq;
    const overlay = structureStore.getState().overlay;
    structureStore.setState({ ...initialStructureState, overlay, status: 'loading', hash: this.modelHash ?? null });
    try {
      const info = await this.api.call('model.structure', {});
      if (seq === this.seq) applyStructureInfo(info);
    } catch (e) {
      if (seq !== this.seq) return;
      structureStore.setState({ ...initialStructureState, overlay, status: 'unavailable', error: `model.structure: ${(e as Error).message}` });
    }
  }

  dispose(): void {
    this.seq++;
    this.off();
  }
}
