/**
 * worker_threads entry (built to dist/workers/testbedLayout.js) for the testbed layout of a loaded
 * model (main/sources/testbed/threadLayoutDeriver.ts, started by ModelStructureService): deriving
 * Office A's layout and walk graph takes 8–20 s, which on the main thread froze `twin serve`
 * (API, telemetry frames) for as long. One thread per derivation, terminated after its answer.
 *
 * Input (workerData): TestbedLayoutJob. It first reads `cacheFile` (a hit when format, structure
 * format, hash and name all match); on a miss it derives and writes the file atomically (best
 * effort: a cache that cannot be written costs only the next open's time). Output: ONE message,
 * a DerivedTestbedLayout, then the thread ends.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { z } from 'zod';
import type { TestbedLayout } from '../../common/testbedLayout.js';
import { deriveTestbedLayout, TESTBED_LAYOUT_CACHE_FORMAT, type DerivedTestbedLayout, type TestbedLayoutJob } from './deriveTestbedLayout.js';

/** The cache envelope; the layout is checked at the level its users (TestbedSource, WalkGraph) rely on. */
const LayoutSchema = z
  .object({
    name: z.string(),
    georeference: z.object({ lat: z.number(), lon: z.number(), trueNorth: z.number() }).passthrough(),
    site: z.object({ polygon: z.array(z.unknown()), roadLoop: z.array(z.unknown()), busStops: z.array(z.unknown()) }).passthrough(),
    storeys: z.array(z.object({ index: z.number(), name: z.string(), elevation: z.number(), height: z.number() }).passthrough()),
    spaces: z.array(z.object({ id: z.string(), storey: z.number() }).passthrough()),
    doors: z.array(z.unknown()),
    stairs: z.array(z.unknown()),
    walls: z.array(z.unknown()),
  })
  .passthrough();
const CacheFileSchema = z.object({
  format: z.literal(TESTBED_LAYOUT_CACHE_FORMAT),
  structureFormat: z.number(),
  hash: z.string(),
  name: z.string(),
  result: z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), layout: LayoutSchema.nullable(), notes: z.array(z.string()) }),
    z.object({ ok: z.literal(false), error: z.string() }),
  ]),
});

function readCache(job: TestbedLayoutJob): DerivedTestbedLayout | null {
  const file = job.cacheFile;
  if (!file || !existsSync(file)) return null;
  const started = performance.now();
  try {
    const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
    const parsed = CacheFileSchema.safeParse(raw);
    if (!parsed.success) return null;
    const d = parsed.data;
    if (d.hash !== job.hash || d.name !== job.name || d.structureFormat !== job.structureFormat) return null;
    const ms = Math.round(performance.now() - started);
    // The file's own objects, not zod's copies: those put the checked keys first, and the layout must
    // read back exactly as derived (same JSON, key order included).
    const layout = (raw as { result: { layout?: unknown } }).result.layout as TestbedLayout | null;
    return d.result.ok ? { ok: true, layout, notes: d.result.notes, cached: true, ms } : { ok: false, error: d.result.error, cached: true, ms };
  } catch {
    return null; // unreadable: a miss, written again below
  }
}

function writeCache(job: TestbedLayoutJob, r: DerivedTestbedLayout): void {
  const file = job.cacheFile;
  if (!file) return;
  const tmp = `${file}.${process.pid}-${threadId}.tmp`;
  const result = r.ok ? { ok: true, layout: r.layout, notes: r.notes } : { ok: false, error: r.error };
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(tmp, JSON.stringify({ format: TESTBED_LAYOUT_CACHE_FORMAT, structureFormat: job.structureFormat, hash: job.hash, name: job.name, result }));
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
}

const job = workerData as Partial<TestbedLayoutJob> | null;
if (parentPort && job && job.structure && typeof job.name === 'string' && typeof job.hash === 'string') {
  const full = job as TestbedLayoutJob;
  let reply = readCache(full);
  if (!reply) {
    reply = deriveTestbedLayout(full.structure, full.name);
    writeCache(full, reply);
  }
  parentPort.postMessage(reply satisfies DerivedTestbedLayout);
}
