// One build for every process: renderer bundle + web workers, Electron main + preload,
// the Node CLI, worker_threads entries and benchmarks. esbuild, no config elsewhere.
// Usage: node scripts/build.mjs [--watch]
import { build, context } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
const watch = process.argv.includes('--watch');

/** Files under dir (recursive) whose name ends with suffix. */
function find(dir, suffix) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  const found = [];
  for (const name of readdirSync(abs)) {
    const p = join(abs, name);
    if (statSync(p).isDirectory()) found.push(...find(relative(root, p), suffix));
    else if (name.endsWith(suffix)) found.push(relative(root, p)); // relative: the filter below joins it with root
  }
  return found;
}
const baseName = (p, suffix) => p.split(/[\\/]/).pop().slice(0, -suffix.length);

const common = { bundle: true, sourcemap: true, logLevel: 'warning', absWorkingDir: root, target: 'es2022' };
const define = { 'process.env.TWIN_VERSION': JSON.stringify(process.env.npm_package_version ?? '0.1.0') };

const webWorkers = Object.fromEntries(find('workers', '.worker.ts').map((p) => [baseName(p, '.worker.ts'), p]));
const nodeThreads = Object.fromEntries(find('workers', '.thread.ts').map((p) => [baseName(p, '.thread.ts'), p]));
const benches = Object.fromEntries(find('test/bench', '.bench.ts').map((p) => [baseName(p, '.bench.ts'), p]));

const configs = [
  // Renderer page (Chromium): ESM bundle, code in dist/renderer.
  { ...common, platform: 'browser', format: 'esm', entryPoints: { app: 'renderer/main.ts' }, outdir: join(out, 'renderer'),
    loader: { '.css': 'css', '.svg': 'text' }, define: { ...define, 'process.env.NODE_ENV': '"production"' }, minify: true, splitting: false },
  // Web Workers (module workers), one file per *.worker.ts.
  { ...common, platform: 'browser', format: 'esm', entryPoints: webWorkers, outdir: join(out, 'renderer', 'workers'), minify: true,
    define: { ...define, 'process.env.NODE_ENV': '"production"' } },
  // Node: CLI + web host + services. Dependencies stay in node_modules.
  { ...common, platform: 'node', format: 'esm', packages: 'external', entryPoints: { twin: 'main/cli/twin.ts' }, outdir: join(out, 'cli'), define },
  // Node worker_threads, one file per *.thread.ts.
  { ...common, platform: 'node', format: 'esm', packages: 'external', entryPoints: nodeThreads, outdir: join(out, 'workers'), define },
  // Benchmarks.
  { ...common, platform: 'node', format: 'esm', packages: 'external', entryPoints: benches, outdir: join(out, 'bench'), define },
  // Electron main (CJS; 'electron' resolved at run time) and the sandboxed preload (CJS, self-contained).
  { ...common, platform: 'node', format: 'cjs', packages: 'external', entryPoints: { main: 'main/electron/main.ts' }, outdir: join(out, 'electron'),
    outExtension: { '.js': '.cjs' }, define: { ...define, 'import.meta.url': '__importMetaUrl' },
    banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" } },
  { ...common, platform: 'node', format: 'cjs', external: ['electron'], entryPoints: { preload: 'main/electron/preload.ts' }, outdir: join(out, 'electron'),
    outExtension: { '.js': '.cjs' }, define },
].filter((c) => Object.keys(c.entryPoints).length > 0 && Object.values(c.entryPoints).every((p) => existsSync(join(root, p))));

function copyStatic() {
  mkdirSync(join(out, 'renderer', 'wasm'), { recursive: true });
  for (const f of ['index.html', 'favicon.svg']) {
    if (existsSync(join(root, 'renderer', f))) cpSync(join(root, 'renderer', f), join(out, 'renderer', f));
  }
  const wasmDir = join(root, 'node_modules', 'web-ifc');
  if (existsSync(wasmDir)) {
    for (const f of readdirSync(wasmDir).filter((n) => n.endsWith('.wasm'))) cpSync(join(wasmDir, f), join(out, 'renderer', 'wasm', f));
  }
}

const started = Date.now();
// dist/ is overwritten in place, not wiped: several builds (tests, benches) may run at once.
mkdirSync(out, { recursive: true });
copyStatic();
if (watch) {
  for (const c of configs) await (await context(c)).watch();
  console.error('twin build: watching');
} else {
  await Promise.all(configs.map((c) => build(c)));
  console.error(`twin build: ${configs.length} targets in ${Date.now() - started} ms → dist/`);
}
