/**
 * Opens a recording (a file or a folder of rotated files) for a `twin` command: one that is not a recording (not
 * MCAP, no .mcap files in the folder) is the user's mistake, a UsageError (exit 2) naming it after the command.
 */
import { UsageError } from '../cli/command.js';
import { McapOpenError } from './McapChunkFile.js';
import { Recording } from './Recording.js';

export async function openRecordingForCli(command: string, path: string): Promise<Recording> {
  try {
    return await Recording.open(path);
  } catch (e) {
    if (e instanceof McapOpenError) throw new UsageError(`twin ${command}: ${e.message}`);
    throw e;
  }
}
