/**
 * The browser's {@link FirmwareCache}: one IndexedDB object store of byte arrays, independent of
 * any service worker cache, so downloaded MicroPython survives reloads and works offline.
 */
import type { FirmwareCache } from './firmware-store';

const DB_NAME = 'webprog-firmware';
const STORE = 'files';

/**
 * A {@link FirmwareCache} in IndexedDB (database "webprog-firmware", store "files"). Best
 * effort: where IndexedDB is unavailable (some private windows) reads find nothing and writes
 * are dropped, so firmware is simply downloaded again.
 */
export class IndexedDbFirmwareCache implements FirmwareCache {
  private db: Promise<IDBDatabase> | undefined;

  constructor(private readonly factory: IDBFactory = indexedDB) {}

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const value = await this.request<unknown>('readonly', (s) => s.get(key));
      return value instanceof Uint8Array ? value : undefined;
    } catch {
      return undefined;
    }
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    try {
      await this.request('readwrite', (s) => s.put(bytes, key));
    } catch {
      // Not kept: the next visit downloads again.
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.request('readwrite', (s) => s.delete(key));
    } catch {
      // Nothing stored there.
    }
  }

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const request = this.factory.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('IndexedDB could not be opened.'));
    });
    return this.db;
  }

  private async request<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest): Promise<T> {
    const db = await this.open();
    return new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = run(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result as T);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB request failed.'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted.'));
    });
  }
}
