/**
 * The person's own targets, kept in a {@link TargetStore} (IndexedDB in the browser, memory in
 * tests): add a file (checked to parse first: a bad file changes nothing), list, remove. A
 * target with the same kind and name as a kept one replaces it.
 */
import { loadUserTarget, type LoadTargetOptions, type UserTarget } from './user-target';

/** Where user targets are kept. */
export interface TargetStore {
  list(): Promise<UserTarget[]>;
  put(target: UserTarget): Promise<void>;
  delete(id: string): Promise<void>;
}

/** A {@link TargetStore} in memory. */
export class MemoryTargetStore implements TargetStore {
  private readonly items = new Map<string, UserTarget>();

  async list(): Promise<UserTarget[]> {
    return [...this.items.values()];
  }

  async put(target: UserTarget): Promise<void> {
    this.items.set(target.id, target);
  }

  async delete(id: string): Promise<void> {
    this.items.delete(id);
  }
}

/** The library of user targets over a store. */
export class TargetLibrary {
  constructor(private readonly store: TargetStore) {}

  /** Every kept target, by name. */
  async list(): Promise<UserTarget[]> {
    return (await this.store.list()).sort(
      (a, b) => a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind),
    );
  }

  /** Parses and keeps a file; throws (keeping nothing) when it does not parse. */
  async add(file: string, bytes: Uint8Array, options: LoadTargetOptions = {}): Promise<UserTarget> {
    const target = loadUserTarget(file, bytes, options);
    await this.store.put(target);
    return target;
  }

  /** Forgets a target. */
  async remove(id: string): Promise<void> {
    await this.store.delete(id);
  }
}
