/**
 * The building model the session shows. Main only checks that a file is plausibly IFC, hashes it
 * (cache key, recording metadata) and serves its bytes; parsing happens in the renderer's IFC
 * worker (or in workers/ifc directly for the CLI).
 */
import { createHash } from 'node:crypto';
import { createReadStream, openSync, readSync, closeSync, statSync, copyFileSync, writeFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ModelInfo } from '../../common/api.js';

/** Largest IFC the app accepts (bytes); bigger files are refused with a message instead of exhausting memory. */
export const MAX_MODEL_BYTES = 2 * 1024 * 1024 * 1024;

export class ModelFileError extends Error {
  override readonly name = 'ModelFileError';
}

/** Throws ModelFileError naming the file unless it exists, is non-empty, not too large, starts like IFC STEP and ends like it (not truncated). */
export function checkIfcFile(path: string): { bytes: number } {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new ModelFileError(`${path}: not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (size === 0) throw new ModelFileError(`${path}: empty file, expected an IFC (ISO-10303-21) model`);
  if (size > MAX_MODEL_BYTES) throw new ModelFileError(`${path}: ${(size / 2 ** 30).toFixed(1)} GiB is larger than the ${MAX_MODEL_BYTES / 2 ** 30} GiB the app can load`);
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(64);
    readSync(fd, head, 0, 64, 0);
    if (!head.toString('latin1').replace(/^\uFEFF/, '').trimStart().startsWith('ISO-10303-21')) {
      throw new ModelFileError(`${path}: not an IFC file (no ISO-10303-21 header)`);
    }
    // An interrupted download or copy: the STEP text must end with END-ISO-10303-21; (as the IFC worker checks).
    const tailLen = Math.min(size, 512);
    const tail = Buffer.alloc(tailLen);
    readSync(fd, tail, 0, tailLen, size - tailLen);
    if (!/END-ISO-10303-21\s*;?$/.test(tail.toString('latin1').trimEnd())) {
      throw new ModelFileError(`${path}: file is truncated (no END-ISO-10303-21; after ${size} bytes)`);
    }
  } finally {
    closeSync(fd);
  }
  return { bytes: size };
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export class ModelService {
  private path: string | null = null;
  private info: ModelInfo | null = null;
  /** The model before the current one (see `revert`). */
  private previous: { path: string; info: ModelInfo } | null = null;
  private readonly listeners = new Set<(info: ModelInfo, path: string) => void>();

  constructor(private readonly uploadsDir: string) {}

  /** Called after every successful `open`/`openUpload` (the structure service extracts the new model). */
  onOpen(listener: (info: ModelInfo, path: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  current(): ModelInfo | null {
    return this.info;
  }

  currentPath(): string | null {
    return this.path;
  }

  /** Makes `path` the session's model. The previous model stays if the new one is rejected. */
  async open(path: string): Promise<ModelInfo> {
    const { bytes } = checkIfcFile(path);
    const hash = await sha256File(path);
    if (this.path && this.info && this.info.hash !== hash) this.previous = { path: this.path, info: this.info };
    this.path = path;
    const info: ModelInfo = { name: basename(path), hash, bytes, url: `api/model?h=${hash.slice(0, 16)}` };
    this.info = info;
    for (const l of this.listeners) l(info, path);
    return info;
  }

  /**
   * Back to the model before the current one, when the current one is `failed` (a page could not show it: main only
   * checks that a file looks like IFC, the page's IFC worker parses it) and the earlier file is unchanged on disk. The
   * session then names the model the page still shows, instead of one it could not open. Null when there is nothing to
   * go back to.
   */
  async revert(failed: string): Promise<ModelInfo | null> {
    const prev = this.previous;
    if (!prev || this.info?.hash !== failed) return null;
    try {
      if ((await sha256File(prev.path)) !== prev.info.hash) return null; // overwritten since (an upload of the same name)
    } catch {
      return null;
    }
    this.previous = null;
    this.path = prev.path;
    this.info = prev.info;
    for (const l of this.listeners) l(prev.info, prev.path);
    return prev.info;
  }

  /** Stores an uploaded (dropped) file in the user-data models folder and opens it. */
  async openUpload(name: string, data: Buffer): Promise<ModelInfo> {
    const safe = basename(name).replace(/[^\w.\- ]+/g, '_') || 'model.ifc';
    const tmp = join(this.uploadsDir, `.upload-${process.pid}-${Date.now()}.ifc`);
    writeFileSync(tmp, data);
    try {
      checkIfcFile(tmp);
      const dest = join(this.uploadsDir, safe.toLowerCase().endsWith('.ifc') ? safe : `${safe}.ifc`);
      copyFileSync(tmp, dest);
      return await this.open(dest);
    } catch (e) {
      if (e instanceof ModelFileError) throw new ModelFileError(e.message.replace(tmp, safe));
      throw e;
    } finally {
      rmSync(tmp, { force: true });
    }
  }
}
