/**
 * Web Worker entry (built to dist/renderer/workers/sim.js): builds the SimWorkerService and exposes
 * it with Comlink. web-ifc's .wasm sits in dist/renderer/wasm/ ('../wasm/' from this file).
 */
import * as Comlink from 'comlink';
import { SimWorkerService } from './SimWorkerService.js';

Comlink.expose(new SimWorkerService(new URL('../wasm/', import.meta.url).href));
