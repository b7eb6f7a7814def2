/**
 * web-ifc's JavaScript, loaded on first use: IfcEngine.init loads it with the WASM. Its 6 MB of JavaScript took
 * 0.66 s of every `twin` command's start in Node (`twin --help` 1.0 s), and a cache hit, which never opens the IFC,
 * does not need it at all. Everything that reads a model (and so holds an IfcAPI) runs after init and takes the
 * module from `webIfc()`.
 */
import type * as WebIfcModule from 'web-ifc';

export type WebIfc = typeof WebIfcModule;

let loaded: WebIfc | null = null;
let loading: Promise<WebIfc> | null = null;

/** Loads web-ifc's JavaScript once (the WASM is loaded by IfcAPI.Init). */
export function loadWebIfc(): Promise<WebIfc> {
  loading ??= import('web-ifc').then(
    (m) => (loaded = m),
    (e: unknown) => {
      loading = null;
      throw e;
    },
  );
  return loading;
}

/** The loaded module; throws before the first `loadWebIfc()` (IfcEngine.init) has finished. */
export function webIfc(): WebIfc {
  if (!loaded) throw new Error('web-ifc is not loaded yet: IfcEngine.init() loads it');
  return loaded;
}
