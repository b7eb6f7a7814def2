/**
 * The heatmap pre-aggregates of a recording (Recording's second background pass, ~2 s for 24 h),
 * kept on disk so that opening the same recording again has them at once: a heatmap over the whole
 * day then costs the index pass and the query, not a decode of every position.
 *
 * One JSON file per recording under the folder given to `setHeatCacheDir` (the workbench uses
 * `<user data>/cache/heat`; with none set nothing is kept). The file's name is a hash of every
 * recording file's absolute path, size and modification time and of the pre-aggregate parameters,
 * so a file that changed (a recording still being written, a rewritten file) never matches an old
 * entry. A damaged or foreign entry reads as absent (the pass then runs as before) and is replaced.
 * At most MAX_ENTRIES entries are kept, the least recently written removed first.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PARTIAL_CELL_M, PARTIAL_HOLD_MS, type HeatSample } from '../analytics/HeatPartial.js';
import type { HeatBlock } from './Recording.js';

/** Bump when the stored shape changes: older entries then simply miss. */
export const HEAT_CACHE_FORMAT = 1;
const MAX_ENTRIES = 32;


let cacheDir: string | null = null;

/** Where pre-aggregates are kept (null: not kept). The workbench sets `<user data>/cache/heat`. */
export function setHeatCacheDir(dir: string | null): void {
  cacheDir = dir === null ? null : resolve(dir);
}

export function heatCacheDir(): string | null {
  return cacheDir;
}

/** The entry name for these recording files and the block length, or null when one of them cannot be read. */
export async function heatCacheKey(paths: readonly string[], blockMs: number): Promise<string | null> {
  const h = createHash('sha256').update(JSON.stringify({ format: HEAT_CACHE_FORMAT, cellM: PARTIAL_CELL_M, holdMs: PARTIAL_HOLD_MS, blockMs }));
  try {
    for (const p of paths) {
      const s = await stat(p);
      h.update(`\n${resolve(p)}\t${s.size}\t${s.mtimeMs}`);
    }
  } catch {
    return null;
  }
  return h.digest('hex');
}

type SampleRow = [id: string, floor: string, x: number, y: number, t: number];
interface StoredFile {
  format: number;
  chunks: number;
  blocks: {
    first: number;
    last: number;
    minPub: number;
    maxPub: number;
    minT: number;
    maxT: number;
    /** [floor, [cell key, person-ms, cell key, person-ms, …]] */
    cells: [string, number[]][];
    firstSamples: SampleRow[];
    lastSamples: SampleRow[];
  }[];
}

const rows = (m: Map<string, HeatSample>): SampleRow[] => [...m].map(([id, s]) => [id, s.floor, s.x, s.y, s.t]);

function encode(blocks: readonly HeatBlock[], chunks: number): string {
  const file: StoredFile = {
    format: HEAT_CACHE_FORMAT,
    chunks,
    blocks: blocks.map((b) => ({
      first: b.first,
      last: b.last,
      minPub: b.minPub,
      maxPub: b.maxPub,
      minT: b.partial.minT,
      maxT: b.partial.maxT,
      cells: [...b.partial.cells].map(([floor, m]) => [floor, [...m].flat()]),
      firstSamples: rows(b.partial.first),
      lastSamples: rows(b.partial.last),
    })),
  };
  return JSON.stringify(file);
}

const num = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);
/** Infinity does not survive JSON (it becomes null): an empty block's range. */
const bound = (v: unknown, empty: number): number | null => (v === null ? empty : num(v) ? v : null);

function samples(v: unknown): Map<string, HeatSample> | null {
  if (!Array.isArray(v)) return null;
  const out = new Map<string, HeatSample>();
  for (const r of v) {
    if (!Array.isArray(r) || r.length !== 5 || typeof r[0] !== 'string' || typeof r[1] !== 'string' || !num(r[2]) || !num(r[3]) || !num(r[4])) return null;
    out.set(r[0], { floor: r[1], x: r[2], y: r[3], t: r[4] });
  }
  return out;
}

/** Parses an entry; null for anything that is not exactly what `encode` writes for a recording of `chunks` chunks. */
export function decodeHeatBlocks(text: string, chunks: number): HeatBlock[] | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const f = raw as Partial<StoredFile> | null;
  if (!f || typeof f !== 'object' || f.format !== HEAT_CACHE_FORMAT || f.chunks !== chunks || !Array.isArray(f.blocks)) return null;
  const out: HeatBlock[] = [];
  let next = 0;
  for (const b of f.blocks as unknown[]) {
    const s = b as Partial<StoredFile['blocks'][number]> | null;
    if (!s || typeof s !== 'object') return null;
    const { first, last } = s;
    if (!Number.isInteger(first) || !Number.isInteger(last) || first! < next || last! < first! || last! >= chunks) return null;
    next = last! + 1;
    const minPub = bound(s.minPub, Infinity), maxPub = bound(s.maxPub, -Infinity), minT = bound(s.minT, Infinity), maxT = bound(s.maxT, -Infinity);
    if (minPub === null || maxPub === null || minT === null || maxT === null || !Array.isArray(s.cells)) return null;
    const cells = new Map<string, Map<number, number>>();
    for (const entry of s.cells as unknown[]) {
      if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || !Array.isArray(entry[1]) || entry[1].length % 2 !== 0) return null;
      const flat = entry[1] as unknown[], m = new Map<number, number>();
      for (let i = 0; i < flat.length; i += 2) {
        const k = flat[i], v = flat[i + 1];
        if (!Number.isInteger(k) || !num(v) || v < 0) return null;
        m.set(k as number, v);
      }
      cells.set(entry[0], m);
    }
    const firstSamples = samples(s.firstSamples), lastSamples = samples(s.lastSamples);
    if (!firstSamples || !lastSamples) return null;
    out.push({ first: first!, last: last!, minPub, maxPub, partial: { minT, maxT, cells, first: firstSamples, last: lastSamples } });
  }
  return out;
}

/** The stored blocks for `key`, or null (none, unreadable, damaged, or for another chunk count). */
export async function loadHeatBlocks(dir: string, key: string, chunks: number): Promise<HeatBlock[] | null> {
  let text: string;
  try {
    text = await readFile(join(dir, `${key}.json`), 'utf8');
  } catch {
    return null;
  }
  const blocks = decodeHeatBlocks(text, chunks);
  if (!blocks) await rm(join(dir, `${key}.json`), { force: true }).catch(() => undefined);
  return blocks;
}

/** Writes the blocks (temporary file, then rename: a crash never leaves half an entry) and trims the folder. */
export async function saveHeatBlocks(dir: string, key: string, blocks: readonly HeatBlock[], chunks: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const dest = join(dir, `${key}.json`);
  const tmp = `${dest}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(tmp, encode(blocks, chunks));
    await rename(tmp, dest);
  } finally {
    await rm(tmp, { force: true });
  }
  const entries = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  if (entries.length <= MAX_ENTRIES) return;
  const dated = await Promise.all(entries.map(async (n) => ({ n, t: (await stat(join(dir, n)).catch(() => null))?.mtimeMs ?? 0 })));
  dated.sort((a, b) => a.t - b.t);
  for (const { n } of dated.slice(0, dated.length - MAX_ENTRIES)) await rm(join(dir, n), { force: true });
}
