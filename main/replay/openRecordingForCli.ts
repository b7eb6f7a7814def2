/**
 * Opens a recording (a file or a folder of rotated files) for a `twin` command: one that is not a recording (not
 * MCAP, no .mcap files in the folder) is the user's mistake, a UsageError (exit 2) naming it after the command.
 *
 * `readable`: also reads its index (`Recording.complete`, the chunks of scans included) and, when not one record can
 * be read from it (cut short before its first complete block of data, say), closes it and throws a UsageError saying
 * why. A recording only cut short at its end, with readable records before, opens as usual (its notices say so).
 */
import { UsageError } from '../cli/command.js';
import { McapOpenError } from './McapChunkFile.js';
import { Recording } from './Recording.js';

export async function openRecordingForCli(command: string, path: string, o: { readable?: boolean } = {}): Promise<Recording> {
  /** A file that is not a recording is the user's mistake: a UsageError naming the command. */
  const asUsage = (e: unknown): unknown => (e instanceof McapOpenError ? new UsageError(`twin ${command}: ${e.message}`) : e);
  let rec: Recording;
  try {
    rec = await Recording.open(path);
  } catch (e) {
    throw asUsage(e);
  }
  if (!o.readable) return rec;
  try {
    await rec.complete();
  } catch (e) {
    await rec.close();
    throw asUsage(e);
  }
  if (!rec.range) {
    await rec.close();
    throw new UsageError(`twin ${command}: ${rec.notices.length ? rec.notices.join('; ') : `${path}: the recording holds no records`}`);
  }
  return rec;
}
