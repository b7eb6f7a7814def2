/**
 * Where the app keeps its files. Electron passes `app.getPath('userData')`; the web host and the
 * CLI use `TWIN_USER_DATA` or the XDG config folder, so both modes share settings and caches.
 */
import { homedir } from 'node:os';
import { join, dirname } from 'node:path';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface AppPaths {
  userData: string;
  settingsFile: string;
  logFile: string;
  recordings: string;
  models: string;
  cache: string;
}

export function appPaths(userData?: string): AppPaths {
  const base =
    userData ??
    process.env.TWIN_USER_DATA ??
    join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'twin-workbench');
  const paths: AppPaths = {
    userData: base,
    settingsFile: join(base, 'settings.json'),
    logFile: join(base, 'logs', 'twin.log'),
    recordings: join(base, 'recordings'),
    models: join(base, 'models'),
    cache: process.env.TWIN_CACHE_DIR ?? join(base, 'cache'),
  };
  for (const dir of [base, dirname(paths.logFile), paths.recordings, paths.models, paths.cache]) {
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  }
  return paths;
}

/** The installed package root (holds dist/, samples/). Works from dist/cli/twin.js and dist/electron/main.cjs. */
export function packageRoot(): string {
  let dir = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && readFileSync(pkg, 'utf8').includes('"name": "twin-workbench"')) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

/** The bundled sample building, opened when no model is given. */
export function sampleModelPath(): string {
  return join(packageRoot(), 'samples', 'testbed-complex.ifc');
}
