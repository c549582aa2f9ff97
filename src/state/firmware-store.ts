/**
 * MicroPython firmware for micro:bit projects: downloaded from the catalogue on first use,
 * checked against its SHA-256 (WebCrypto), cached for offline use, or supplied by the person
 * as a hex file of their own. Fetch, cache and hashing are injected, so tests run in Node with
 * fixture files and a Map-backed cache.
 */
import { WebProgError } from '../core/errors';
import { sha256Hex } from './sha256';
import type { MicrobitVersion } from '../core/microbit/board';
import { getDeviceMemInfo } from '../core/microbit/device-memory';
import {
  MICROPYTHON_RELEASES,
  firmwareFor,
  firmwareLabel,
  firmwareSources,
  type FirmwareEntry,
} from '../core/microbit/firmware-catalogue';
import { isUniversalHexText, parseIntelHexText } from '../core/microbit/hex-text';

/** Where firmware bytes are kept between visits (IndexedDB in the app, a Map in tests). */
export interface FirmwareCache {
  /** The bytes stored under `key`, if any. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Stores `bytes` under `key`, replacing what was there. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** Removes `key`. */
  delete(key: string): Promise<void>;
}

/** A {@link FirmwareCache} in memory (tests, and browsers without IndexedDB). */
export class MemoryFirmwareCache implements FirmwareCache {
  /** The stored entries. */
  readonly entries = new Map<string, Uint8Array>();

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.entries.get(key)?.slice();
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    this.entries.set(key, bytes.slice());
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }
}

/** The part of `fetch` the store uses. */
export type FirmwareFetch = (url: string, init: { signal?: AbortSignal }) => Promise<Response>;

/** Receives download progress in bytes. */
export type DownloadProgress = (received: number, total: number) => void;

/** Firmware ready to build a project with. */
export interface LoadedFirmware {
  /** Board version it runs on. */
  board: MicrobitVersion;
  /** "MicroPython 2.1.2 for micro:bit V2", or the person's file name. */
  label: string;
  /** Where it came from this time. */
  source: 'cache' | 'download' | 'custom';
  /** The Intel Hex text. */
  text: string;
  /** SHA-256 of the bytes (lower-case hex). */
  sha256: string;
}

/** Options of {@link FirmwareStore}. */
export interface FirmwareStoreOptions {
  /** Persistent storage. */
  cache: FirmwareCache;
  /** `fetch` (default: the global one). */
  fetch?: FirmwareFetch;
  /** SHA-256 as lower-case hex (default: WebCrypto). */
  digest?: (bytes: Uint8Array) => Promise<string>;
  /** The releases offered (default: {@link MICROPYTHON_RELEASES}). */
  catalogue?: readonly FirmwareEntry[];
}

/** Metadata kept beside a person's own firmware. */
interface CustomMeta {
  label: string;
  sha256: string;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Downloads, verifies, caches and serves MicroPython for each board version. */
export class FirmwareStore {
  private readonly cache: FirmwareCache;
  private readonly fetchFn: FirmwareFetch;
  private readonly digest: (bytes: Uint8Array) => Promise<string>;
  private readonly catalogue: readonly FirmwareEntry[];

  constructor(options: FirmwareStoreOptions) {
    this.cache = options.cache;
    this.fetchFn = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
    this.digest = options.digest ?? sha256Hex;
    this.catalogue = options.catalogue ?? MICROPYTHON_RELEASES;
  }

  /** The catalogue release for a board version. */
  release(board: MicrobitVersion): FirmwareEntry {
    return firmwareFor(board, this.catalogue);
  }

  /**
   * MicroPython for `board`: the person's own hex when they gave one, else the catalogue
   * release from the cache (re-checked), else downloaded, checked and cached.
   *
   * @throws WebProgError `DOWNLOAD_FAILED` when no source gave bytes matching the catalogue's
   *   SHA-256 and size (nothing is cached; the message says to open a MicroPython hex the
   *   person has; a mismatch is kept as `cause`, code `VERIFY_FAILED`), `CANCELLED` when
   *   `signal` aborts.
   */
  async get(
    board: MicrobitVersion,
    options: { signal?: AbortSignal; onProgress?: DownloadProgress } = {},
  ): Promise<LoadedFirmware> {
    const custom = await this.customFirmware(board);
    if (custom) return custom;
    const entry = this.release(board);
    const label = firmwareLabel(entry);
    const cached = await this.cache.get(entry.sha256);
    if (cached) {
      if ((await this.digest(cached)) === entry.sha256) {
        return { board, label, source: 'cache', text: decoder.decode(cached), sha256: entry.sha256 };
      }
      await this.cache.delete(entry.sha256);
    }
    const bytes = await this.download(entry, options);
    await this.cache.put(entry.sha256, bytes);
    return { board, label, source: 'download', text: decoder.decode(bytes), sha256: entry.sha256 };
  }

  /** True when `board`'s firmware can be had without the network. */
  async isAvailableOffline(board: MicrobitVersion): Promise<boolean> {
    if (await this.cache.get(customKey(board))) return true;
    return (await this.cache.get(this.release(board).sha256)) !== undefined;
  }

  /**
   * Uses the person's own MicroPython hex (Intel Hex for one board) for its board version
   * from now on, also offline.
   *
   * @returns the firmware, with the board version read from the hex.
   * @throws WebProgError `FORMAT_INVALID`, `MAKECODE_HEX` or `NOT_MICROPYTHON` for hexes that
   *   are not MicroPython; `FORMAT_UNSUPPORTED` for a Universal Hex.
   */
  async useCustom(name: string, content: string | Uint8Array): Promise<LoadedFirmware> {
    const text = typeof content === 'string' ? content : decoder.decode(content);
    if (isUniversalHexText(text)) {
      throw new WebProgError(
        'FORMAT_UNSUPPORTED',
        `${name} is a Universal Hex. Open the MicroPython hex for one board (micro:bit V1 or V2).`,
      );
    }
    const info = getDeviceMemInfo(parseIntelHexText(text));
    const bytes = encoder.encode(text);
    const sha256 = await this.digest(bytes);
    const board = info.deviceVersion;
    const meta: CustomMeta = { label: `${name} (${info.uPyVersion || `MicroPython for ${board}`})`, sha256 };
    await this.cache.put(customKey(board), bytes);
    await this.cache.put(customMetaKey(board), encoder.encode(JSON.stringify(meta)));
    return { board, label: meta.label, source: 'custom', text, sha256 };
  }

  /** Goes back to the catalogue release for `board`. */
  async clearCustom(board: MicrobitVersion): Promise<void> {
    await this.cache.delete(customKey(board));
    await this.cache.delete(customMetaKey(board));
  }

  /** The label of the person's own firmware for `board`, if they gave one. */
  async customLabel(board: MicrobitVersion): Promise<string | undefined> {
    const meta = await this.cache.get(customMetaKey(board));
    return meta ? (JSON.parse(decoder.decode(meta)) as CustomMeta).label : undefined;
  }

  private async customFirmware(board: MicrobitVersion): Promise<LoadedFirmware | undefined> {
    const [bytes, metaBytes] = await Promise.all([
      this.cache.get(customKey(board)),
      this.cache.get(customMetaKey(board)),
    ]);
    if (!bytes || !metaBytes) return undefined;
    const meta = JSON.parse(decoder.decode(metaBytes)) as CustomMeta;
    return { board, label: meta.label, source: 'custom', text: decoder.decode(bytes), sha256: meta.sha256 };
  }

  /**
   * Tries each source in order (CORS mirrors first, see {@link firmwareSources}); the first
   * whose bytes match the catalogue wins.
   */
  private async download(
    entry: FirmwareEntry,
    options: { signal?: AbortSignal; onProgress?: DownloadProgress },
  ): Promise<Uint8Array> {
    const label = firmwareLabel(entry);
    const failures: string[] = [];
    let mismatch: WebProgError | undefined;
    for (const url of firmwareSources(entry)) {
      if (options.signal?.aborted) throw cancelled(label);
      let bytes: Uint8Array;
      try {
        bytes = await this.fetchBytes(url, entry.size, options);
      } catch (error) {
        if (options.signal?.aborted) throw cancelled(label);
        failures.push(`${url}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      const sha256 = await this.digest(bytes);
      if (sha256 === entry.sha256 && bytes.length === entry.size) return bytes;
      mismatch = new WebProgError(
        'VERIFY_FAILED',
        `The file downloaded from ${url} is not ${label}: its SHA-256 is ${sha256} (${bytes.length} bytes) but the catalogue expects ${entry.sha256} (${entry.size} bytes). It was not used or kept.`,
      );
      failures.push(`${url}: SHA-256 does not match`);
    }
    throw new WebProgError(
      'DOWNLOAD_FAILED',
      `${label} could not be downloaded. Open a MicroPython hex for micro:bit ${entry.board} you have ("Use my own MicroPython hex…"), or try again once online. Tried: ${failures.join('; ')}.`,
      { cause: mismatch },
    );
  }

  private async fetchBytes(
    url: string,
    expectedSize: number,
    options: { signal?: AbortSignal; onProgress?: DownloadProgress },
  ): Promise<Uint8Array> {
    const response = await this.fetchFn(url, { signal: options.signal });
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
    const declared = Number(response.headers.get('content-length'));
    const total = declared > 0 ? declared : expectedSize;
    if (!response.body) {
      const bytes = new Uint8Array(await response.arrayBuffer());
      options.onProgress?.(bytes.length, total);
      return bytes;
    }
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      options.onProgress?.(received, Math.max(total, received));
    }
    const bytes = new Uint8Array(received);
    let at = 0;
    for (const c of chunks) {
      bytes.set(c, at);
      at += c.length;
    }
    return bytes;
  }
}

function customKey(board: MicrobitVersion): string {
  return `custom:${board}`;
}

function customMetaKey(board: MicrobitVersion): string {
  return `custom-meta:${board}`;
}

function cancelled(label: string): WebProgError {
  return new WebProgError('CANCELLED', `The download of ${label} was cancelled.`);
}
