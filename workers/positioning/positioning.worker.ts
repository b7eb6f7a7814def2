/**
 * Web Worker entry (built to dist/renderer/workers/positioning.js): positions scans in the page
 * when a source delivers raw scans there. Builds the service and exposes it; nothing else.
 */
import * as Comlink from 'comlink';
import { PositioningWorkerService } from './PositioningWorkerService.js';

Comlink.expose(new PositioningWorkerService());
