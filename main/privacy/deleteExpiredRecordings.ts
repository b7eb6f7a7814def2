/**
 * Retention: deletes recordings older than `retentionDays` from a recording directory.
 *
 * A recording's age is taken from its rotating-file name (`twin-YYYYMMDD-HHMMSS.mcap`, UTC) when it
 * has one — a file copied or touched later keeps its true age — else from the file's
 * modification time. Only `*.mcap` files directly in `dir` are considered; anything else (notes,
 * exports, sub-folders) is left alone. A file being written (modified within the last minute) is
 * never deleted.
 */
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export const DAY_MS = 86_400_000;

export interface RetentionResult {
  deleted: string[];
  kept: number;
  /** Files that could not be deleted, with the reason. */
  failed: { file: string; reason: string }[];
}

const NAME = /^twin-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})(?:[-_.].*)?\.mcap$/;

/** Start time (epoch ms, UTC) from a rotating-file name, or null when the name has none. */
export function recordingTimeFromName(name: string): number | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  return Number.isFinite(t) ? t : null;
}

/**
 * @param retentionDays keep recordings younger than this many days (> 0; fractions allowed).
 * @param now epoch ms (default Date.now()).
 */
export async function deleteExpiredRecordings(dir: string, retentionDays: number, now = Date.now()): Promise<RetentionResult> {
  if (!(retentionDays > 0) || !Number.isFinite(retentionDays)) {
    throw new Error(`deleteExpiredRecordings: retentionDays must be a positive number of days, got ${retentionDays}`);
  }
  const cutoff = now - retentionDays * DAY_MS;
  const result: RetentionResult = { deleted: [], kept: 0, failed: [] };
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw new Error(`deleteExpiredRecordings: cannot read recording directory ${dir}: ${(e as Error).message}`);
  }
  for (const name of names) {
    if (!name.endsWith('.mcap')) continue;
    const file = join(dir, name);
    try {
      const st = await stat(file);
      if (!st.isFile()) continue;
      if (now - st.mtimeMs < 60_000) {
        result.kept++;
        continue;
      }
      const t = recordingTimeFromName(name) ?? st.mtimeMs;
      if (t < cutoff) {
        await unlink(file);
        result.deleted.push(file);
      } else result.kept++;
    } catch (e) {
      result.failed.push({ file, reason: (e as Error).message });
    }
  }
  return result;
}
