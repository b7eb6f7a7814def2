/**
 * The text of the toast a new critical alert raises: the alert's message, led by its entity. The
 * hub's own messages already begin with the entity ("robot-41: error — drive stalled"); an alert
 * from another source (a recording, the city OS) may not, and then gets it in front.
 */
import type { AlertRecord } from '../../../common/records.js';

export function alertToastText(a: Pick<AlertRecord, 'entity' | 'message'>): string {
  // "testbed:" ends in its own colon: "testbed: cannot run …", not "testbed:: testbed: cannot run …".
  const lead = a.entity.endsWith(':') ? a.entity : `${a.entity}:`;
  return a.message.startsWith(lead) ? a.message : `${lead} ${a.message}`;
}

/**
 * The short info toast that replaces a critical alert's toast once its condition has cleared
 * ("mqtt://broker:1883/site: connection restored").
 */
export function alertClearedText(a: Pick<AlertRecord, 'entity' | 'code' | 'message'>): string {
  if (a.code === 'connection-lost') return `${a.entity.endsWith(':') ? a.entity : `${a.entity}:`} connection restored`;
  return `Cleared — ${alertToastText(a)}`;
}
