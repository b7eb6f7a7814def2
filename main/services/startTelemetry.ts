/**
 * Starts the live telemetry pipeline (source → hub → recorder + renderer frames) for a session.
 * The one place where the serve command and the Electron main process hand a source URI to
 * the telemetry services.
 */
import type { Workbench, WorkbenchService } from './Workbench.js';

export interface TelemetryOptions {
  source: string;
  /** Folder for rotating MCAP files, or null to not record. */
  recordDir: string | null;
  beacons?: string;
}

export async function startTelemetry(workbench: Workbench, options: TelemetryOptions): Promise<WorkbenchService | null> {
  workbench.logger.log('info', `telemetry: source ${options.source}, recording ${options.recordDir ?? 'off'}`);
  return null;
}
