// `npm start`: builds if needed and opens the Electron app. Where Electron's binary cannot be
// obtained (it is downloaded on first run, and some machines have no internet), says so plainly
// and points to the web mode, which serves the very same app to a browser.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'dist', 'electron', 'main.cjs'))) {
  const b = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

function electronBinary() {
  const pkg = join(root, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (existsSync(pathFile)) {
    const bin = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
    if (existsSync(bin)) return bin;
  }
  if (!existsSync(join(pkg, 'install.js'))) return null;
  console.error('npm start: downloading the Electron binary (first run only)…');
  const r = spawnSync(process.execPath, [join(pkg, 'install.js')], { stdio: 'inherit', timeout: 300_000 });
  if (r.status === 0 && existsSync(pathFile)) {
    const bin = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
    if (existsSync(bin)) return bin;
  }
  return null;
}

const bin = electronBinary();
if (!bin) {
  console.error(
    '\nTwin Workbench could not start its desktop window: the Electron binary is not installed on this machine, ' +
      'and downloading it failed (Electron fetches its binary on first run, which needs internet access to its ' +
      'release server). Nothing is wrong with the app itself. Run the very same workbench in your browser instead:\n\n' +
      '    npx twin serve\n\n' +
      'and open the URL it prints. To get the desktop app, run `npm start` again on a machine with internet access, ' +
      'or set ELECTRON_OVERRIDE_DIST_PATH to a folder holding an Electron build.\n',
  );
  process.exit(1);
}
const child = spawn(bin, [join(root, 'dist', 'electron', 'main.cjs'), ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
