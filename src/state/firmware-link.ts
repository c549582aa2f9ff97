/**
 * Firmware links: a page URL that carries a firmware file's address and, optionally, its
 * SHA-256, so a teacher can hand out "open this and press Flash":
 *
 *     https://webprog.example/?firmware=https://school.example/blinky.hex&sha256=9f86…
 *
 * `firmware` may be relative to the page (`?firmware=firmware/blinky.hex`); `name` overrides the
 * file name shown (default: the last part of the firmware URL). The file is downloaded and, when
 * the link gives a SHA-256, opened only if its bytes match.
 */
import { WebProgError } from '../core/errors';
import type { FilesState } from './files.svelte';
import { sha256Hex } from './sha256';
import type { LogState } from './log.svelte';

/** What a firmware link asks for. */
export interface FirmwareLink {
  /** Absolute URL of the firmware file: https, or on the page's own origin. */
  url: string;
  /** Expected SHA-256 (lower-case hex), when the link gives one. */
  sha256?: string;
  /** File name to open it under (decides the format: .hex, .uf2, .elf, .bin). */
  name: string;
}

/** The firmware a link brought. */
export interface LinkedFirmware {
  /** File name. */
  name: string;
  /** The file's bytes. */
  bytes: Uint8Array;
  /** SHA-256 of the bytes (lower-case hex). */
  sha256: string;
  /** True when the link gave a SHA-256 and the bytes match it. */
  verified: boolean;
}

/** The part of `fetch` a firmware link needs. */
export type LinkFetch = (url: string) => Promise<Response>;

/**
 * Reads a firmware link from a page URL; undefined when the URL carries none.
 *
 * @throws WebProgError `INVALID_ARGUMENT` for a firmware address that is neither https nor on
 *   the page's own origin (the only addresses the page's CSP lets it download from), or a
 *   SHA-256 that is not 64 hexadecimal digits.
 */
export function parseFirmwareLink(pageUrl: string | undefined): FirmwareLink | undefined {
  if (!pageUrl) return undefined;
  const page = new URL(pageUrl, 'http://localhost/');
  const firmware = page.searchParams.get('firmware');
  if (firmware === null || firmware.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(firmware.trim(), page);
  } catch {
    throw new WebProgError(
      'INVALID_ARGUMENT',
      `The link's firmware address "${firmware}" is not a valid URL.`,
    );
  }
  // The page's Content-Security-Policy (connect-src 'self' https:) lets it download over
  // https, or from its own origin: http only where the page itself is served over http
  // (a local `vite preview`, or a relative link on a local server).
  if (url.protocol !== 'https:' && url.origin !== page.origin) {
    const ownHttp = page.protocol === 'http:' ? ` or from this page's own address (${page.origin})` : '';
    throw new WebProgError(
      'INVALID_ARGUMENT',
      `The link's firmware address must start with https://${ownHttp}; it is ${url.protocol}//${url.host}…, which this page may not download from. Ask for an https link.`,
    );
  }
  const link: FirmwareLink = {
    url: url.href,
    name: page.searchParams.get('name')?.trim() || fileNameOf(url),
  };
  const sha256 = page.searchParams.get('sha256');
  if (sha256 !== null) {
    const hex = sha256.trim().toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(hex)) {
      throw new WebProgError(
        'INVALID_ARGUMENT',
        `The link's SHA-256 "${sha256}" is not 64 hexadecimal digits: the link is damaged. Ask for a new one.`,
      );
    }
    link.sha256 = hex;
  }
  return link;
}

/**
 * Downloads the linked firmware and checks its SHA-256 when the link gives one.
 *
 * @throws WebProgError `DOWNLOAD_FAILED` when the file cannot be downloaded, `VERIFY_FAILED` when
 *   its SHA-256 differs from the link's (the bytes are not returned).
 */
export async function fetchLinkedFirmware(
  link: FirmwareLink,
  fetchFn: LinkFetch = (url) => globalThis.fetch(url),
  digest: (bytes: Uint8Array) => Promise<string> = sha256Hex,
): Promise<LinkedFirmware> {
  let bytes: Uint8Array;
  try {
    const response = await fetchFn(link.url);
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw new WebProgError(
      'DOWNLOAD_FAILED',
      `Could not download ${link.name} from ${link.url} (${error instanceof Error ? error.message : String(error)}). Check the network, or open the file from disk.`,
      { cause: error, file: link.name },
    );
  }
  const sha256 = await digest(bytes);
  if (link.sha256 !== undefined && sha256 !== link.sha256) {
    throw new WebProgError(
      'VERIFY_FAILED',
      `${link.name} from ${link.url} is not the file the link promises: its SHA-256 is ${sha256}, the link says ${link.sha256}. It was not opened.`,
      { file: link.name },
    );
  }
  return { name: link.name, bytes, sha256, verified: link.sha256 !== undefined };
}

/**
 * Opens the firmware the page's link carries, if any, into the file list; says in the log what
 * happened. A broken link, a failed download or a SHA-256 mismatch is logged and shown in the
 * file panel, and nothing is opened.
 */
export async function openFirmwareLink(
  pageUrl: string | undefined,
  files: Pick<FilesState, 'open' | 'error'>,
  log: Pick<LogState, 'info' | 'failure'>,
  fetchFn?: LinkFetch,
): Promise<void> {
  let link: FirmwareLink | undefined;
  try {
    link = parseFirmwareLink(pageUrl);
  } catch (error) {
    files.error = log.failure('Open the linked firmware', error);
    return;
  }
  if (!link) return;
  log.info(`Downloading ${link.name} from ${new URL(link.url).host} (firmware link)…`);
  try {
    const firmware = await fetchLinkedFirmware(link, fetchFn);
    const { name, bytes, sha256 } = firmware;
    const outcome = await files.open([{ name, bytes, sha256 }]);
    const checked = firmware.verified
      ? 'its SHA-256 matches'
      : 'the link gives no SHA-256 to check the file against';
    if (outcome.opened.length > 0) {
      log.info(`Opened ${firmware.name} from the link (${checked}). Pick a device and press Flash.`);
    } else if (outcome.awaitingBase.length > 0) {
      log.info(
        `Downloaded ${firmware.name} from the link (${checked}). It is a raw binary: give the address it starts at to open it.`,
      );
    } // a file that failed to parse has been logged and shown by `files.open`
  } catch (error) {
    files.error = log.failure(`Open ${link.name} from the link`, error);
  }
}

/**
 * A link to this app (`appUrl`) that opens the firmware at `firmwareUrl`, with its SHA-256 so
 * the page refuses any other file.
 */
export function firmwareLinkUrl(appUrl: string, firmwareUrl: string, sha256?: string, name?: string): string {
  const url = new URL(appUrl);
  url.search = '';
  url.hash = '';
  url.searchParams.set('firmware', firmwareUrl);
  if (sha256) url.searchParams.set('sha256', sha256.toLowerCase());
  if (name) url.searchParams.set('name', name);
  return url.href;
}

function fileNameOf(url: URL): string {
  const last = url.pathname.split('/').filter(Boolean).pop();
  if (!last) return 'firmware.hex';
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
