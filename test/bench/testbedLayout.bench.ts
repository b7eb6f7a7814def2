/**
 * Testbed layout of a loaded model off the main thread (issue 5): the worst event-loop stall of a
 * serving process (TelemetryService with `testbed:` connected, frames every 33 ms) while Office A
 * (../shared/ifc/office-a-ifc2x3.ifc, the largest real model) opens and the testbed restarts on
 * its building. perf_hooks.monitorEventLoopDelay (10 ms resolution) over the whole open:
 *  a. peer, the previous way: the layout derived on the main thread (deriveTestbedLayout in-process);
 *  b. the layout derived in a worker thread (dist/workers/testbedLayout.js), cold layout cache;
 *  c. the same, layout read from `<hash>.testbed-layout.json` (second open).
 * The structure itself comes from its cache in all three (extracted once, in its thread, first).
 * Also checks that the three give the same layout JSON, and times what is still on the main thread:
 * building the simulator on the layout (TestbedSource: walk graph, beacon placement, radio wall-loss
 * table). Target: worst stall ≤ 100 ms (3 frames).
 * Run: npm run bench testbedLayout
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DEFAULT_SETTINGS } from '../../common/api.js';
import { ApiServer } from '../../main/host/ApiServer.js';
import { packageRoot } from '../../main/services/AppPaths.js';
import { ModelStructureService } from '../../main/services/ModelStructureService.js';
import { TelemetryService } from '../../main/services/TelemetryService.js';
import { TestbedSource } from '../../main/sources/testbed/TestbedSource.js';
import type { TestbedLayoutDeriver } from '../../main/sources/testbed/threadLayoutDeriver.js';
import { deriveTestbedLayout } from '../../workers/testbed/deriveTestbedLayout.js';

const FILE = join(packageRoot(), '..', 'shared', 'ifc', 'office-a-ifc2x3.ifc');
const NAME = basename(FILE);
const HASH = createHash('sha256').update(readFileSync(FILE)).digest('hex');
const TARGET_MS = 100;
const cacheDir = mkdtempSync(join(tmpdir(), 'twin-bench-layout-'));
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** The previous behaviour: derived in the calling (main) thread. */
const inProcess: TestbedLayoutDeriver = (job) => ({ promise: Promise.resolve().then(() => deriveTestbedLayout(job.structure, job.name)), cancel: () => undefined });

interface Run { worstMs: number; p99Ms: number; openMs: number; layoutJson: string }

/** Opens Office A in a fresh session with `testbed:` running; resolves when the testbed runs on its building. */
async function openOnce(deriveLayout?: TestbedLayoutDeriver): Promise<Run> {
  const structure = new ModelStructureService({ cacheDir, log: () => {}, ...(deriveLayout ? { deriveLayout } : {}) });
  const service = new TelemetryService({
    api: new ApiServer(() => {}), log: () => {}, settings: () => ({ ...DEFAULT_SETTINGS }),
    model: () => ({ name: NAME, hash: HASH }), recordDir: null, structure,
  });
  try {
    await service.connect('testbed:?tags=300&seed=3');
    const first = service.current()!.source;
    // Enabled ahead: Node drops the histogram's first sample, which would hide a stall right at load().
    const h = monitorEventLoopDelay({ resolution: 10 });
    h.enable();
    await new Promise((r) => setTimeout(r, 300));
    const t0 = performance.now();
    structure.load({ hash: HASH, path: FILE });
    let now = first;
    for (let i = 0; i < 12_000 && now === first; i++) {
      await new Promise((r) => setTimeout(r, 10));
      now = service.current()?.source ?? first;
    }
    const openMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 200)); // the delay sample of the last stall lands after it
    h.disable();
    const layout = (now as TestbedSource).layout;
    if (now === first || layout.name !== NAME) throw new Error(`testbed did not restart on ${NAME} within 120 s`);
    return { worstMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6, openMs, layoutJson: JSON.stringify(layout) };
  } finally {
    await service.dispose();
    structure.dispose();
  }
}

// Structure extracted once (its own thread) so that each open below reads it from the cache.
const warm = new ModelStructureService({ cacheDir, log: () => {} });
warm.load({ hash: HASH, path: FILE });
const s = await warm.ready();
warm.dispose();
if (!s) throw new Error(`${FILE}: structure extraction failed`);
console.log(`Office A: ${s.storeys.length} storeys, ${s.spaces.length} spaces, ${s.doors.length} doors; testbed: connected, layout derived on open`);

const layoutFile = join(cacheDir, `${HASH}.testbed-layout.json`);
rmSync(layoutFile, { force: true });
const before = await openOnce(inProcess);
rmSync(layoutFile, { force: true });
const cold = await openOnce();
const cached = await openOnce();

const line = (label: string, r: Run) =>
  console.log(`  ${label}: worst event-loop stall ${fmt(r.worstMs)} ms (p99 ${fmt(r.p99Ms)} ms), open → testbed on the model ${fmt(r.openMs)} ms; target ≤ ${TARGET_MS} ms: ${r.worstMs <= TARGET_MS ? 'met' : 'NOT met'}`);
console.log('worst main-thread stall while opening Office A with testbed: running');
line('a. peer: layout on the main thread (before)', before);
line('b. layout in a worker thread, cold cache   ', cold);
line('c. layout from <hash>.testbed-layout.json   ', cached);
console.log(`  stall ratio before/after: ${fmt(before.worstMs / Math.max(cold.worstMs, 1), 1)}× (cold), ${fmt(before.worstMs / Math.max(cached.worstMs, 1), 1)}× (cached)`);
const layout = JSON.parse(cold.layoutJson) as TestbedSource['layout'];
let t = performance.now();
void new TestbedSource('testbed:?tags=300&seed=3', { layout, layoutKey: 'bench' });
const simMs = performance.now() - t;
t = performance.now();
deriveTestbedLayout(s, NAME);
const deriveMs = performance.now() - t;
console.log(`  main-thread parts of the previous way: layout derivation ${fmt(deriveMs)} ms (now in the worker thread), simulator construction on that layout ${fmt(simMs)} ms (still on the main thread)`);
const same = before.layoutJson === cold.layoutJson && cold.layoutJson === cached.layoutJson;
console.log(`  same layout JSON in a, b and c (${fmt(before.layoutJson.length / 1024)} KiB): ${same ? 'yes' : 'NO'}`);
rmSync(cacheDir, { recursive: true, force: true });
if (!same) process.exit(1);
