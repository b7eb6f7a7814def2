/**
 * Browser adapter for ModelCache: IndexedDB database "twin-workbench", store "models", key =
 * sha256 hex, value = ArrayBuffer. Usable from the page and from the IFC worker (IndexedDB is
 * available in workers). Quota errors surface from `put`; callers treat the cache as optional.
 */
import type { ModelCache } from './ModelCache.js';

const DB = 'twin-workbench';
const STORE = 'models';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDbModelCache: request failed'));
  });
}

export class IndexedDbModelCache implements ModelCache {
  private db: Promise<IDBDatabase> | null = null;

  constructor(private readonly factory: IDBFactory = indexedDB) {}

  private open(): Promise<IDBDatabase> {
    if (!this.db) {
      const r = this.factory.open(DB, 1);
      r.onupgradeneeded = () => {
        if (!r.result.objectStoreNames.contains(STORE)) r.result.createObjectStore(STORE);
      };
      this.db = request(r);
      this.db.catch(() => (this.db = null));
    }
    return this.db;
  }

  async get(hash: string): Promise<Uint8Array | null> {
    const db = await this.open();
    const v = await request(db.transaction(STORE, 'readonly').objectStore(STORE).get(hash));
    return v instanceof ArrayBuffer ? new Uint8Array(v) : null;
  }

  async put(hash: string, bytes: Uint8Array): Promise<void> {
    const db = await this.open();
    const copy = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).put(copy, hash);
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDbModelCache: write failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDbModelCache: write aborted (quota?)'));
    });
  }

  async delete(hash: string): Promise<void> {
    const db = await this.open();
    await request(db.transaction(STORE, 'readwrite').objectStore(STORE).delete(hash));
  }

  dispose(): void {
    void this.db?.then((d) => d.close());
    this.db = null;
  }
}
