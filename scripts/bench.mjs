// `npm run bench [name…]`: runs each built benchmark (dist/bench/NAME.js, from test/bench/NAME.bench.ts)
// in its own Node process, one after another, so figures are not disturbed by each other.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bench');
if (!existsSync(dir)) { console.error('bench: dist/bench missing; run npm run build'); process.exit(1); }
const wanted = process.argv.slice(2);
const all = readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3)).sort();
const names = wanted.length ? all.filter((n) => wanted.includes(n)) : all;
let failed = 0;
for (const name of names) {
  console.log(`\n=== bench: ${name} ===`);
  const r = spawnSync(process.execPath, ['--expose-gc', join(dir, `${name}.js`)], { stdio: 'inherit' });
  if (r.status !== 0) { failed++; console.log(`bench ${name} exited with ${r.status}`); }
}
process.exit(failed ? 1 : 0);
