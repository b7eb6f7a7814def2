/**
 * Node adapter for ModelCache: one `<sha256>.twinmodel` file per processed model in a folder.
 * Default folder `~/.cache/twin-workbench/models`; `TWIN_CACHE_DIR` overrides it (the host
 * points it at the user-data folder). Writes go to a temporary name and are renamed into place,
 * so a crash mid-write never leaves a half file that would later be read as a model.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ModelCache } from '../ModelCache.js';

const HASH = /^[0-9a-f]{64}$/;

export function defaultModelCacheDir(env: Record<string, string | undefined> = process.env): string {
  return env.TWIN_CACHE_DIR && env.TWIN_CACHE_DIR.trim() ? env.TWIN_CACHE_DIR : join(homedir(), '.cache', 'twin-workbench', 'models');
}

export class FileModelCache implements ModelCache {
  constructor(readonly dir: string = defaultModelCacheDir()) {}

  pathOf(hash: string): string {
    if (!HASH.test(hash)) throw new Error(`FileModelCache: "${hash}" is not a sha256 hex digest`);
    return join(this.dir, `${hash}.twinmodel`);
  }

  async get(hash: string): Promise<Uint8Array | null> {
    try {
      const b = await readFile(this.pathOf(hash));
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async put(hash: string, bytes: Uint8Array): Promise<void> {
    const dest = this.pathOf(hash);
    await mkdir(this.dir, { recursive: true });
    const tmp = `${dest}.${process.pid}.${Date.now()}.tmp`;
    try {
      await writeFile(tmp, bytes);
      await rename(tmp, dest);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async delete(hash: string): Promise<void> {
    await rm(this.pathOf(hash), { force: true });
  }
}
