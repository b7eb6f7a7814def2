/**
 * Node worker_threads entry (built to dist/workers/positioning.js): exposes the positioning
 * service with Comlink over the thread's parent port, so the hub can position scans off its own
 * thread. Nothing else belongs here (STYLE.md habit 8).
 */
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { nodeEndpoint } from './node/nodeEndpoint.js';
import { PositioningWorkerService } from './PositioningWorkerService.js';

if (!parentPort) throw new Error('positioning.thread: must run as a worker thread');
Comlink.expose(new PositioningWorkerService(), nodeEndpoint(parentPort));
