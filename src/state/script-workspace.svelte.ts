/**
 * The scripts' workspace folder: a folder on the computer the person grants once through the
 * File System Access API (Chrome's directory handle, kept in IndexedDB for the next visit).
 * A run gets the folder's files (`mp.file.load("C:/fw.hex")` finds `fw.hex` there by its base
 * name) and what the script saves (`save`, `write_text`, `append_text`…) is written into it,
 * as MultiProg's scripts expect of a desktop program. Without the API (Firefox, Safari) scripts
 * use the files added to the panel and their saved files are offered as downloads.
 */
import type { ScriptFile } from '../../workers/lua/api';

/** A file handle of the folder (the parts of `FileSystemFileHandle` the workspace uses). */
export interface WorkspaceFileHandle {
  readonly kind: 'file';
  readonly name: string;
  getFile(): Promise<Blob & { name: string; size: number }>;
  createWritable(): Promise<{ write(data: BufferSource | Blob): Promise<void>; close(): Promise<void> }>;
}

/** A folder handle (the parts of `FileSystemDirectoryHandle` the workspace uses). */
export interface WorkspaceFolderHandle {
  readonly kind: 'directory';
  readonly name: string;
  values(): AsyncIterable<WorkspaceFileHandle | { kind: 'directory'; name: string }>;
  getFileHandle(name: string, options?: { create?: boolean }): Promise<WorkspaceFileHandle>;
  queryPermission?(descriptor: { mode: 'read' | 'readwrite' }): Promise<PermissionState>;
  requestPermission?(descriptor: { mode: 'read' | 'readwrite' }): Promise<PermissionState>;
}

/** What the workspace needs from the browser. */
export interface WorkspaceEnvironment {
  /** `window.showDirectoryPicker`, absent where the browser has no File System Access. */
  pickFolder?: () => Promise<WorkspaceFolderHandle>;
  /** Where the granted folder is remembered (IndexedDB in the app). */
  memory: FolderMemory;
}

/** Keeps the granted folder's handle between visits. */
export interface FolderMemory {
  load(): Promise<WorkspaceFolderHandle | undefined>;
  save(handle: WorkspaceFolderHandle | undefined): Promise<void>;
}

/** Where the workspace stands. */
export type WorkspaceStatus = 'none' | 'granted' | 'needs-permission';

/** Files of the folder handed to a run: each at most this big (as `webprog run`)… */
const MAX_FILE = 16 * 1024 * 1024;
/** …and all of them together at most this much. */
const MAX_TOTAL = 256 * 1024 * 1024;

/** The scripts' workspace folder. */
export class ScriptWorkspace {
  /** Whether a folder is granted, remembered but waiting for permission again, or none. */
  status = $state<WorkspaceStatus>('none');
  /** The folder's name. */
  name = $state<string | undefined>();
  /** Why the last grant, read or write failed. */
  error = $state<string | undefined>();
  private handle: WorkspaceFolderHandle | undefined;

  constructor(private readonly env: WorkspaceEnvironment) {}

  /** True where the browser can grant a folder (File System Access). */
  get supported(): boolean {
    return this.env.pickFolder !== undefined;
  }

  /** True while a granted folder is in use. */
  get active(): boolean {
    return this.status === 'granted';
  }

  /** Takes up the folder granted on an earlier visit (asks nothing: permission may be needed again). */
  async restore(): Promise<void> {
    if (this.handle) return;
    let handle: WorkspaceFolderHandle | undefined;
    try {
      handle = await this.env.memory.load();
    } catch {
      handle = undefined;
    }
    if (!handle) return;
    this.handle = handle;
    this.name = handle.name;
    const state = (await handle.queryPermission?.({ mode: 'readwrite' }).catch(() => 'prompt')) ?? 'granted';
    this.status = state === 'granted' ? 'granted' : 'needs-permission';
  }

  /** Asks the person for a folder (from a click). Resolves false when they cancelled. */
  async choose(): Promise<boolean> {
    if (!this.env.pickFolder) {
      this.error = 'This browser cannot give a web page a folder: add files to the panel instead.';
      return false;
    }
    let handle: WorkspaceFolderHandle;
    try {
      handle = await this.env.pickFolder();
    } catch (error) {
      if ((error as Error)?.name === 'AbortError') return false;
      this.error = `The folder could not be opened: ${(error as Error)?.message ?? String(error)}`;
      return false;
    }
    this.handle = handle;
    this.name = handle.name;
    this.error = undefined;
    // The picker grants read; writing needs its own permission in Chrome (asked once, now).
    const state =
      (await handle.requestPermission?.({ mode: 'readwrite' }).catch(() => 'denied')) ?? 'granted';
    this.status = state === 'granted' ? 'granted' : 'needs-permission';
    await this.env.memory.save(handle).catch(() => undefined);
    return this.active;
  }

  /** Asks again for the remembered folder (from a click: the browser shows its prompt). */
  async reconnect(): Promise<boolean> {
    if (!this.handle) return false;
    const state =
      (await this.handle.requestPermission?.({ mode: 'readwrite' }).catch(() => 'denied')) ?? 'granted';
    this.status = state === 'granted' ? 'granted' : 'needs-permission';
    if (!this.active)
      this.error = `WebProg may not use the folder ${this.handle.name}: allow it when the browser asks.`;
    else this.error = undefined;
    return this.active;
  }

  /** Stops using the folder (its files stay where they are). */
  async forget(): Promise<void> {
    this.handle = undefined;
    this.name = undefined;
    this.status = 'none';
    this.error = undefined;
    await this.env.memory.save(undefined).catch(() => undefined);
  }

  /**
   * The folder's files for a run (its top level; each file at most 16 MiB, 256 MiB in all);
   * `skipped` names the ones left out for their size. Empty when no folder is granted.
   */
  async files(): Promise<{ files: ScriptFile[]; skipped: string[] }> {
    const handle = this.handle;
    if (!handle || !this.active) return { files: [], skipped: [] };
    const files: ScriptFile[] = [];
    const skipped: string[] = [];
    let total = 0;
    for await (const entry of handle.values()) {
      if (entry.kind !== 'file') continue;
      const file = await (entry as WorkspaceFileHandle).getFile();
      if (file.size > MAX_FILE || total + file.size > MAX_TOTAL) {
        skipped.push(entry.name);
        continue;
      }
      total += file.size;
      files.push({ name: entry.name, bytes: new Uint8Array(await file.arrayBuffer()) });
    }
    files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { files, skipped };
  }

  /** Writes a file the script saved into the folder (replacing one of the same name). */
  async save(file: ScriptFile): Promise<void> {
    const handle = this.handle;
    if (!handle || !this.active) throw new Error('No workspace folder is granted.');
    const target = await handle.getFileHandle(file.name, { create: true });
    const writable = await target.createWritable();
    await writable.write(file.bytes as Uint8Array<ArrayBuffer>);
    await writable.close();
  }
}

/** The browser's folder picker, where there is one. */
export function browserFolderPicker(): (() => Promise<WorkspaceFolderHandle>) | undefined {
  const picker = (
    globalThis as { showDirectoryPicker?: (options?: object) => Promise<WorkspaceFolderHandle> }
  ).showDirectoryPicker;
  if (typeof picker !== 'function') return undefined;
  return () => picker.call(globalThis, { id: 'webprog-scripts', mode: 'readwrite' });
}

const DB_NAME = 'webprog-scripts';
const STORE = 'handles';
const KEY = 'workspace';

/** The granted folder's handle in IndexedDB ("webprog-scripts"); best effort where it is missing. */
export function indexedDbFolderMemory(factory: IDBFactory | undefined = globalThis.indexedDB): FolderMemory {
  let db: Promise<IDBDatabase> | undefined;
  const open = () =>
    (db ??= new Promise((resolve, reject) => {
      if (!factory) return reject(new Error('IndexedDB is not available.'));
      const request = factory.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('IndexedDB could not be opened.'));
    }));
  const request = async <T>(
    mode: IDBTransactionMode,
    run: (store: IDBObjectStore) => IDBRequest,
  ): Promise<T> => {
    const database = await open();
    return new Promise<T>((resolve, reject) => {
      const tx = database.transaction(STORE, mode);
      const req = run(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result as T);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB request failed.'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted.'));
    });
  };
  return {
    load: () => request<WorkspaceFolderHandle | undefined>('readonly', (s) => s.get(KEY)),
    save: async (handle) => {
      await request('readwrite', (s) => (handle ? s.put(handle, KEY) : s.delete(KEY)));
    },
  };
}
