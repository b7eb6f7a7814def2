/**
 * Where processed models are kept between sessions, keyed by the IFC file's sha256 (hex).
 * Node (CLI, host, tests): one file per model under a cache folder (`node/FileModelCache.ts`).
 * Browser worker: IndexedDB (`IndexedDbModelCache.ts`). Values are `encodeProcessedModel` bytes.
 * A cache is best effort: a failing `put` must not fail the load, a bad entry reads as a miss.
 */
export interface ModelCache {
  get(hash: string): Promise<Uint8Array | null>;
  put(hash: string, bytes: Uint8Array): Promise<void>;
  delete(hash: string): Promise<void>;
}
