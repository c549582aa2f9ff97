/**
 * The browser's {@link TargetStore}: the person's loaded targets in IndexedDB (database
 * "webprog-targets", store "targets", key = the target's id), so they are there after a reload
 * and offline. Where IndexedDB is unavailable (some private windows) the store says so when
 * something is added, instead of pretending to keep it.
 */
import { WebProgError } from '../core/errors';
import type { TargetStore, UserTarget } from '../core/user-targets';

const DB_NAME = 'webprog-targets';
const STORE = 'targets';

/** A {@link TargetStore} in IndexedDB. */
export class IndexedDbTargetStore implements TargetStore {
  private db: Promise<IDBDatabase> | undefined;

  constructor(private readonly factory: IDBFactory | undefined = globalThis.indexedDB) {}

  async list(): Promise<UserTarget[]> {
    try {
      return (await this.request<unknown[]>('readonly', (s) => s.getAll())).filter(isUserTarget);
    } catch {
      return [];
    }
  }

  async put(target: UserTarget): Promise<void> {
    try {
      await this.request('readwrite', (s) => s.put(target));
    } catch (error) {
      throw new WebProgError(
        'NOT_SUPPORTED',
        `The browser did not keep ${target.file}: its storage (IndexedDB) is not available.`,
        {
          cause: error,
        },
      );
    }
  }

  async delete(id: string): Promise<void> {
    await this.request('readwrite', (s) => s.delete(id));
  }

  private open(): Promise<IDBDatabase> {
    const factory = this.factory;
    if (!factory) return Promise.reject(new Error('IndexedDB is not available.'));
    this.db ??= new Promise((resolve, reject) => {
      const request = factory.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'id' });
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
      tx.onerror = () => reject(tx.error ?? request.error ?? new Error('IndexedDB request failed.'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted.'));
    });
  }
}

function isUserTarget(value: unknown): value is UserTarget {
  const v = value as Partial<UserTarget> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.id === 'string' &&
    typeof v.name === 'string' &&
    typeof v.file === 'string' &&
    v.bytes instanceof Uint8Array
  );
}
