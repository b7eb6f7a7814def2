/**
 * Node adapter for ModelCache: one `<sha256>.twinmodel` file per processed model in a folder.
 * Default folder `~/.cache/twin-workbench/models`; `TWIN_CACHE_DIR` overrides it (the host
 * points it at the user-data folder). Writes go to a temporary name and are renamed into place,
 * so a crash mid-write never leaves a half file that would later be read as a model.
 */
import { readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
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

  /**
   * One synchronous read on the IFC thread: `fs.promises.readFile` crosses to the thread pool once per
   * system call (open, stat, read, close), and on a busy 2-core machine each crossing sometimes waits
   * milliseconds (a 95 KB hit took 0.2 ms to read but 1.3–9 ms to come back). The thread has nothing
   * else to do while it waits for its model.
   */
  async get(hash: string): Promise<Uint8Array | null> {
    try {
      const b = readFileSync(this.pathOf(hash));
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
