/**
 * Web Worker entry (built to dist/renderer/workers/ifc.js): builds the IfcService and exposes it
 * with Comlink. web-ifc's .wasm sits in dist/renderer/wasm/, i.e. '../wasm/' from this file;
 * processed models are cached in IndexedDB. Nothing else belongs here (STYLE.md habit 8).
 */
import * as Comlink from 'comlink';
import { IfcService } from './IfcService.js';
import { IndexedDbModelCache } from './cache/IndexedDbModelCache.js';

const cache = typeof indexedDB === 'undefined' ? null : new IndexedDbModelCache();
const service = new IfcService({ wasmLocation: new URL('../wasm/', import.meta.url).href, cache });
Comlink.expose(service);
