/**
 * The status bar's model item: what a BIM user reads at a glance (file, elements) and, in its tooltip, how it was
 * opened and drawn. "31 draw calls" on its own meant nothing to someone checking a model; it stays in the
 * tooltip, said in words, for whoever looks at rendering cost.
 */
import { counted } from '../../../common/plural.js';
import type { ModelSummary } from '../../../workers/ifc/geometry/ProcessedModel.js';

/** "duplex.ifc · 215 elements". */
export function modelStatusText(fileName: string, s: Pick<ModelSummary, 'elementCount'>): string {
  return `${fileName} · ${counted(s.elementCount, 'element')} drawn`;
}

/** "opened in 0.42 s from the cache · 12 345 triangles drawn in 31 batches (one per storey and material)". */
export function modelStatusTitle(s: Pick<ModelSummary, 'loadMs' | 'fromCache' | 'triangleCount'>, drawCalls: number): string {
  const n = (v: number) => v.toLocaleString('en-GB').replace(/,/g, ' ');
  return `opened in ${(s.loadMs / 1000).toFixed(2)} s${s.fromCache ? ' from the cache' : ''} · ${n(s.triangleCount)} triangles drawn in ` +
    `${counted(drawCalls, 'batch', 'batches')} (one per storey and material)`;
}

/**
 * The Model panel's title while no model is shown: the file being loaded (it read "No model loaded" for 20 s while the
 * plan already drew the building), the failure, or that there is none.
 */
export function modelTitleWithout(s: { status: string; progress: { fileName: string } | null }): string {
  if (s.status === 'error') return 'Model failed to load';
  return s.status === 'loading' && s.progress ? `Loading ${s.progress.fileName}…` : 'No model loaded';
}
