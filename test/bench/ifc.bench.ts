/**
 * IFC benchmark: our open → batches pipeline and the processed-model cache against raw web-ifc,
 * and against the peer @thatopen/fragments (IFC → fragments conversion, fragments reload).
 *
 * Rows: every IFC in ../shared/ifc, plus generated testbed buildings (`twin samples`).
 * Each measurement runs in its own child process, so "peak RSS" is that pipeline's alone.
 *   raw       web-ifc OpenModel + StreamAllMeshes, reading every geometry's vertex and index
 *             arrays (the minimum any viewer does) + CloseModel; Init timed once, reported apart.
 *   ours      IfcService.open without cache: parse, storeys, merged batches, element index
 *             (target ≤ 1.3 × raw).
 *   cache     IfcService.open of the same bytes again with a warm file cache (target ≤ 0.2 × raw).
 *   frag      IfcImporter.process (IFC → fragments) and SingleThreadedFragmentsModel reload.
 * Times are medians of RUNS runs (1 for the slow fragments conversion).
 *
 * Usage: npm run bench ifc    (env IFC_BENCH_SKIP_FRAGMENTS=1 to skip the peer)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const root = resolve(self, '..', '..', '..');
const wasmDir = join(root, 'node_modules', 'web-ifc') + '/';
const RUNS = 3;

type Mode = 'raw' | 'ours' | 'cache' | 'frag';
interface ChildResult {
  ms: number;
  initMs?: number;
  reloadMs?: number;
  meshes?: number;
  triangles?: number;
  drawCalls?: number;
  outBytes?: number;
  rssMB: number;
  error?: string;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rssMB = (): number => process.resourceUsage().maxRSS / 1024;

async function child(mode: Mode, file: string, cacheDir: string): Promise<ChildResult> {
  const bytes = new Uint8Array(readFileSync(file));
  const name = basename(file);
  if (mode === 'raw') {
    const WebIFC = await import('web-ifc');
    const api = new WebIFC.IfcAPI();
    api.SetWasmPath(wasmDir, true);
    const t0 = performance.now();
    await api.Init(undefined, true);
    api.SetLogLevel(WebIFC.LogLevel.LOG_LEVEL_OFF);
    const initMs = performance.now() - t0;
    const times: number[] = [];
    let meshes = 0, triangles = 0;
    for (let i = 0; i <= RUNS; i++) {
      const t = performance.now();
      const id = api.OpenModel(bytes);
      meshes = 0;
      triangles = 0;
      api.StreamAllMeshes(id, (mesh) => {
        meshes++;
        for (let g = 0; g < mesh.geometries.size(); g++) {
          const geom = api.GetGeometry(id, mesh.geometries.get(g).geometryExpressID);
          try {
            const v = api.GetVertexArray(geom.GetVertexData(), geom.GetVertexDataSize());
            const ix = api.GetIndexArray(geom.GetIndexData(), geom.GetIndexDataSize());
            triangles += ix.length / 3;
            if (v.length === 0) meshes += 0;
          } finally {
            geom.delete();
          }
        }
      });
      api.CloseModel(id);
      if (i > 0) times.push(performance.now() - t); // run 0 is the untimed warm-up
    }
    return { ms: median(times), initMs, meshes, triangles, rssMB: rssMB() };
  }
  if (mode === 'ours' || mode === 'cache') {
    const { IfcService } = await import('../../workers/ifc/IfcService.js');
    const { FileModelCache } = await import('../../workers/ifc/cache/node/FileModelCache.js');
    const cache = mode === 'cache' ? new FileModelCache(cacheDir) : null;
    const service = new IfcService({ wasmLocation: wasmDir, cache });
    // Warm-up, untimed (as for raw): WASM init and JIT for 'ours', the cache fill for 'cache'.
    await service.open(bytes, { fileName: name });
    service.close();
    const times: number[] = [];
    let drawCalls = 0, triangles = 0;
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      const m = await service.open(bytes, { fileName: name });
      times.push(performance.now() - t);
      if (mode === 'cache' && !m.summary.fromCache) return { ms: NaN, rssMB: rssMB(), error: 'cache miss on re-open' };
      drawCalls = m.batches.length;
      triangles = m.summary.triangleCount;
      service.close();
    }
    service.dispose();
    return { ms: median(times), drawCalls, triangles, rssMB: rssMB() };
  }
  // frag
  const FRAGS = await import('@thatopen/fragments');
  const importer = new FRAGS.IfcImporter();
  importer.wasm = { path: wasmDir, absolute: true };
  const t = performance.now();
  const out = await importer.process({ bytes, raw: false });
  const ms = performance.now() - t;
  const reloads: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = performance.now();
    const model = new FRAGS.SingleThreadedFragmentsModel(`m${i}`, out);
    model.getCategories();
    reloads.push(performance.now() - r);
    model.dispose();
  }
  return { ms, reloadMs: median(reloads), outBytes: out.byteLength, rssMB: rssMB() };
}

function runChild(mode: Mode, file: string, cacheDir: string): ChildResult {
  const r = spawnSync(process.execPath, [self, '--child', mode, file, cacheDir], { encoding: 'utf8', timeout: 170_000, maxBuffer: 1 << 24 });
  const line = (r.stdout ?? '').trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (!line) return { ms: NaN, rssMB: NaN, error: (r.error?.message ?? r.stderr?.split('\n').filter(Boolean).pop() ?? `exit ${r.status}`).slice(0, 160) };
  return JSON.parse(line) as ChildResult;
}

if (process.argv[2] === '--child') {
  const [mode, file, cacheDir] = process.argv.slice(3) as [Mode, string, string];
  try {
    console.log(JSON.stringify(await child(mode, file, cacheDir)));
  } catch (e) {
    console.log(JSON.stringify({ ms: NaN, rssMB: NaN, error: e instanceof Error ? e.message : String(e) }));
  }
  process.exit(0);
}

// ── parent ──────────────────────────────────────────────────────
const ifcDir = resolve(root, '..', 'shared', 'ifc');
const files = existsSync(ifcDir) ? readdirSync(ifcDir).filter((f) => f.endsWith('.ifc')).map((f) => join(ifcDir, f)) : [];
files.sort((a, b) => statSync(a).size - statSync(b).size);
const tmp = mkdtempSync(join(tmpdir(), 'twin-ifc-bench-'));
const notes: string[] = [];
const twin = join(root, 'bin', 'twin.js');
for (const [storeys, rooms] of [[10, 40], [20, 40]] as const) {
  const out = join(tmp, `testbed-${storeys}x${rooms}.ifc`);
  const r = spawnSync(process.execPath, [twin, 'samples', '--storeys', String(storeys), '--rooms', String(rooms), '--out', out], { encoding: 'utf8', timeout: 120_000 });
  if (r.status === 0 && existsSync(out)) files.push(out);
  else notes.push(`generated testbed ${storeys}×${rooms} skipped: twin samples failed (${(r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').pop()})`);
}
const skipFrag = process.env.IFC_BENCH_SKIP_FRAGMENTS === '1';
if (skipFrag) notes.push('@thatopen/fragments rows skipped (IFC_BENCH_SKIP_FRAGMENTS=1)');

const fmt = (x: number | undefined, d = 0): string => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));
const rows: string[][] = [];
let initMs = NaN;
console.log(`IFC bench: ${files.length} files, median of ${RUNS} runs, one child process per measurement (Node ${process.version})`);
for (const file of files) {
  const cacheDir = join(tmp, 'cache');
  const raw = runChild('raw', file, cacheDir);
  const ours = runChild('ours', file, cacheDir);
  const cache = runChild('cache', file, cacheDir);
  const frag = skipFrag ? null : runChild('frag', file, cacheDir);
  if (Number.isFinite(raw.initMs)) initMs = raw.initMs!;
  for (const [label, r] of [['raw', raw], ['ours', ours], ['cache', cache], ['fragments', frag]] as const) {
    if (r?.error) notes.push(`${basename(file)} ${label}: ${r.error}`);
  }
  rows.push([
    basename(file).replace(/\.ifc$/, ''),
    (statSync(file).size / 1e6).toFixed(2),
    fmt(raw.meshes),
    fmt(ours.triangles),
    fmt(ours.drawCalls),
    fmt(raw.ms),
    fmt(ours.ms),
    fmt(ours.ms / raw.ms, 2),
    fmt(cache.ms, 1),
    fmt(cache.ms / raw.ms, 3),
    fmt(frag?.ms),
    fmt(frag ? frag.ms / ours.ms : NaN, 1),
    fmt(frag?.reloadMs, 1),
    fmt(frag?.reloadMs !== undefined ? frag.reloadMs / cache.ms : NaN, 1),
    `${fmt(raw.rssMB)}/${fmt(ours.rssMB)}/${fmt(cache.rssMB)}/${fmt(frag?.rssMB)}`,
  ]);
}
rmSync(tmp, { recursive: true, force: true });

const header = ['file', 'MB', 'meshes', 'triangles', 'draws', 'raw ms', 'ours ms', 'ours/raw', 'cache ms', 'cache/raw', 'frag conv ms', 'frag/ours', 'frag reload ms', 'reload/cache', 'peak RSS MB raw/ours/cache/frag'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
console.log(`web-ifc Init (WASM load, once per worker): ${fmt(initMs)} ms — not included in raw/ours`);
console.log('targets: ours/raw ≤ 1.3, cache/raw ≤ 0.2; frag/ours > 1 means the peer conversion is slower than our open');
for (const n of notes) console.log(`note: ${n}`);
