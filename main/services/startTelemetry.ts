/**
 * Starts the live telemetry pipeline (source → hub → recorder + renderer frames) for a session.
 * The one place where the serve command and the Electron main process hand a source URI to
 * the telemetry services.
 */
import { readBeaconRegistry } from '../cli/commands/record.js';
import { RetentionSweeper } from '../privacy/RetentionSweeper.js';
import { TelemetryService } from './TelemetryService.js';
import { ReplayService } from '../replay/ReplayService.js';
import type { Workbench, WorkbenchService } from './Workbench.js';

export interface TelemetryOptions {
  source: string;
  /** Folder for rotating MCAP files, or null to not record. */
  recordDir: string | null;
  beacons?: string;
}

/**
 * Creates the TelemetryService (registers the source.* and alerts.* API methods) and connects the
 * initial source. A source that fails to start is logged and shown to the page as a notice; the
 * service stays up so the user can connect another source. A bad `--beacons` file throws a
 * UsageError (exit 2 in the CLI).
 */
export async function startTelemetry(workbench: Workbench, options: TelemetryOptions): Promise<WorkbenchService | null> {
  const beacons = options.beacons ? readBeaconRegistry('serve', options.beacons) : null;
  const service = new TelemetryService({
    api: workbench.api,
    log: workbench.logger.log,
    settings: () => workbench.settings.get(),
    model: () => {
      const m = workbench.models.current();
      return m ? { name: m.name, hash: m.hash } : null;
    },
    recordDir: options.recordDir,
    beacons,
    structure: workbench.structure,
    onSessionChange: () => workbench.publishSession(),
  });
  workbench.logger.log('info', `telemetry: source ${options.source}, recording ${options.recordDir ?? 'off'}`);
  // Timeline, analytics and exports of whatever recording the session replays (replay.* methods).
  workbench.addService(new ReplayService(workbench));
  if (options.recordDir !== null) {
    // Retention (docs/privacy.md): delete recordings older than the retentionDays setting, now and hourly.
    const recordDir = options.recordDir;
    const sweeper = new RetentionSweeper({ dir: () => recordDir, retentionDays: () => workbench.settings.get().retentionDays, log: workbench.logger.log });
    workbench.addService(sweeper);
    void sweeper.start();
  }
  try {
    await service.connect(options.source);
  } catch (e) {
    const message = `telemetry: source ${options.source} did not start: ${(e as Error).message}`;
    workbench.logger.log('error', message);
    workbench.api.broadcast('notice', { level: 'error', message });
  }
  return service;
}
