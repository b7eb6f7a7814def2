#!/usr/bin/env node
// `twin` command line. The TypeScript sources are built into dist/ by `npm ci` (prepare) or `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const entry = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', 'twin.js');
if (!existsSync(entry)) {
  process.stderr.write('twin: the app is not built yet (dist/cli/twin.js missing). Run `npm run build` first.\n');
  process.exit(1);
}
await import(pathToFileURL(entry).href);
