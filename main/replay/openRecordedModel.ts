/**
 * A recording names its building in its `twin` metadata (modelName, modelHash: sha256 of the IFC,
 * written by the recorder). When a replay opens and the session shows another building, the one
 * the recording was made with is looked up by hash among the models the user opened before
 * (settings.recentModels), the uploaded models folder and the bundled sample, and opened; if it
 * is nowhere, the page is told which file to open. Hashes are only computed for files whose name
 * matches or, failing that, for every candidate (a renamed copy still matches by content).
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { sampleModelPath } from '../services/AppPaths.js';
import { sha256File } from '../services/ModelService.js';
import type { Workbench } from '../services/Workbench.js';

export type RecordedModelOutcome =
  | { kind: 'none' } // the recording names no building
  | { kind: 'current' } // already shown
  | { kind: 'opened'; path: string }
  | { kind: 'missing'; name: string; hash: string };

export async function openRecordedModel(workbench: Workbench, twin: Record<string, string> | undefined): Promise<RecordedModelOutcome> {
  const hash = twin?.modelHash;
  if (!hash || !/^[0-9a-f]{64}$/.test(hash)) return { kind: 'none' };
  if (workbench.models.current()?.hash === hash) return { kind: 'current' };
  const name = twin.modelName ?? twin.model ?? '';
  const candidates = new Set<string>([...workbench.settings.get().recentModels, sampleModelPath()]);
  try {
    for (const f of readdirSync(workbench.paths.models)) if (f.toLowerCase().endsWith('.ifc')) candidates.add(join(workbench.paths.models, f));
  } catch {
    // no models folder yet
  }
  const existing = [...candidates].filter((p) => existsSync(p));
  const ordered = [...existing.filter((p) => basename(p) === name), ...existing.filter((p) => basename(p) !== name)];
  for (const path of ordered) {
    let h: string;
    try {
      h = await sha256File(path);
    } catch {
      continue;
    }
    if (h !== hash) continue;
    await workbench.models.open(path);
    workbench.publishSession();
    return { kind: 'opened', path };
  }
  return { kind: 'missing', name, hash };
}
