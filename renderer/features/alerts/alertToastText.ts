/**
 * The text of the toast a new critical alert raises: the alert's message, led by its entity. The
 * hub's own messages already begin with the entity ("robot-41: error — drive stalled"); an alert
 * from another source (a recording, the city OS) may not, and then gets it in front.
 */
import type { AlertRecord } from '../../../common/records.js';

export function alertToastText(a: Pick<AlertRecord, 'entity' | 'message'>): string {
  return a.message.startsWith(`${a.entity}:`) ? a.message : `${a.entity}: ${a.message}`;
}

/**
 * The short info toast that replaces a critical alert's toast once its condition has cleared
 * ("mqtt://broker:1883/site: connection restored").
 */
export function alertClearedText(a: Pick<AlertRecord, 'entity' | 'code' | 'message'>): string {
  if (a.code === 'connection-lost') return `${a.entity.endsWith(':') ? a.entity : `${a.entity}:`} connection restored`;
  return `Cleared — ${alertToastText(a)}`;
}
