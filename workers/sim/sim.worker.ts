/**
 * Web Worker entry (built to dist/renderer/workers/sim.js): builds the SimWorkerService and exposes
 * it with Comlink. web-ifc's .wasm sits in dist/renderer/wasm/ ('../wasm/' from this file); a single big run's second
 * thread is slots.js beside it (slots.worker.ts).
 */
import * as Comlink from 'comlink';
import { SimWorkerService } from './SimWorkerService.js';

Comlink.expose(new SimWorkerService(new URL('../wasm/', import.meta.url).href, new URL('./slots.js', import.meta.url).href));
