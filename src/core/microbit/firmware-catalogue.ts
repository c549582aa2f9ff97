/**
 * The MicroPython releases WebProg offers for micro:bit projects. WebProg does not bundle
 * MicroPython: it downloads the release a project needs on first use, checks it against the
 * SHA-256 and size recorded here and keeps it for offline use (see `src/state/firmware-store.ts`).
 *
 * The versions are the ones python-editor-v3 ships (V1 1.1.1, V2 2.1.2). The hashes and sizes
 * are those of python-editor-v3's copies (`src/micropython/microbit-micropython-v1.hex` and
 * `src/micropython/main/microbit-micropython-v2.hex`), which are the official builds.
 *
 * A web page can only read a download whose server allows it (CORS). GitHub release assets do
 * not (their redirect to objects.githubusercontent.com carries no `Access-Control-Allow-Origin`),
 * so each entry lists copies that do first: jsDelivr's GitHub mirror and raw.githubusercontent.com,
 * both at a pinned commit of python-editor-v3, so the bytes cannot change under the same address.
 * The official release asset comes last (it works where the page is not subject to CORS). A
 * source is only accepted when its bytes hash to `sha256`, whichever it is.
 */
import { WebProgError } from '../errors';
import type { MicrobitVersion } from './board';

/** One MicroPython release for one board version. */
export interface FirmwareEntry {
  /** Stable id, e.g. "micropython-v2.1.2". */
  id: string;
  /** Release version, e.g. "2.1.2". */
  version: string;
  /** Board version it runs on. */
  board: MicrobitVersion;
  /** Official download address of the Intel Hex (a GitHub release asset: no CORS, tried last). */
  url: string;
  /** Addresses that serve the same bytes cross-origin (CORS), tried in order before `url`. */
  mirrors: readonly string[];
  /** Lower-case hex SHA-256 of the file. */
  sha256: string;
  /** File size in bytes. */
  size: number;
  /** Release notes page. */
  releasePage: string;
}

/** The MicroPython releases offered, one per board version. */
export const MICROPYTHON_RELEASES: readonly FirmwareEntry[] = [
  {
    id: 'micropython-v1.1.1',
    version: '1.1.1',
    board: 'V1',
    url: 'https://github.com/bbcmicrobit/micropython/releases/download/v1.1.1/micropython-microbit-v1.1.1.hex',
    mirrors: [
      'https://cdn.jsdelivr.net/gh/microbit-foundation/python-editor-v3@0d530f669047626d489d330a28cc00d0012fb060/src/micropython/microbit-micropython-v1.hex',
      'https://raw.githubusercontent.com/microbit-foundation/python-editor-v3/0d530f669047626d489d330a28cc00d0012fb060/src/micropython/microbit-micropython-v1.hex',
    ],
    sha256: 'd3686e669677d456ece9d206a44b8acbe73ddf73e1a3211ff89b93972b953152',
    size: 635_792,
    releasePage: 'https://github.com/bbcmicrobit/micropython/releases/tag/v1.1.1',
  },
  {
    id: 'micropython-v2.1.2',
    version: '2.1.2',
    board: 'V2',
    url: 'https://github.com/microbit-foundation/micropython-microbit-v2/releases/download/v2.1.2/micropython-microbit-v2.1.2.hex',
    mirrors: [
      'https://cdn.jsdelivr.net/gh/microbit-foundation/python-editor-v3@0d530f669047626d489d330a28cc00d0012fb060/src/micropython/main/microbit-micropython-v2.hex',
      'https://raw.githubusercontent.com/microbit-foundation/python-editor-v3/0d530f669047626d489d330a28cc00d0012fb060/src/micropython/main/microbit-micropython-v2.hex',
    ],
    sha256: '66fae07b71777e9e3a6b5122a27930b24cc0be5002ab9a67e92494c54a1645ef',
    size: 1_239_726,
    releasePage: 'https://github.com/microbit-foundation/micropython-microbit-v2/releases/tag/v2.1.2',
  },
];

/** Every address an entry can be downloaded from, in the order to try: CORS mirrors, then the official asset. */
export function firmwareSources(entry: FirmwareEntry): string[] {
  return [...entry.mirrors, entry.url];
}

/** A short human label, e.g. "MicroPython 2.1.2 for micro:bit V2". */
export function firmwareLabel(entry: Pick<FirmwareEntry, 'version' | 'board'>): string {
  return `MicroPython ${entry.version} for micro:bit ${entry.board}`;
}

/**
 * The release for a board version in `catalogue` (default: {@link MICROPYTHON_RELEASES}).
 *
 * @throws WebProgError `INVALID_ARGUMENT` when the catalogue has none.
 */
export function firmwareFor(
  board: MicrobitVersion,
  catalogue: readonly FirmwareEntry[] = MICROPYTHON_RELEASES,
): FirmwareEntry {
  const entry = catalogue.find((e) => e.board === board);
  if (!entry) {
    throw new WebProgError(
      'INVALID_ARGUMENT',
      `The firmware catalogue has no MicroPython for micro:bit ${board}.`,
    );
  }
  return entry;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Checks a catalogue: ids unique, one entry per board version, lower-case 64-digit SHA-256,
 * positive whole sizes, https addresses.
 *
 * @returns the problems found, in plain words (empty when the catalogue is valid).
 */
export function catalogueProblems(catalogue: readonly FirmwareEntry[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const boards = new Set<MicrobitVersion>();
  for (const e of catalogue) {
    const label = e.id || '(no id)';
    if (!e.id) problems.push('An entry has no id.');
    if (ids.has(e.id)) problems.push(`${label}: the id is used twice.`);
    ids.add(e.id);
    if (e.board !== 'V1' && e.board !== 'V2') problems.push(`${label}: board must be V1 or V2.`);
    else if (boards.has(e.board)) problems.push(`${label}: a second entry for micro:bit ${e.board}.`);
    boards.add(e.board);
    if (!/^\d+\.\d+\.\d+/.test(e.version)) problems.push(`${label}: "${e.version}" is not a version.`);
    if (!SHA256_HEX.test(e.sha256)) problems.push(`${label}: sha256 must be 64 lower-case hex digits.`);
    if (!Number.isInteger(e.size) || e.size <= 0)
      problems.push(`${label}: size must be a positive whole number.`);
    for (const url of [...firmwareSources(e), e.releasePage]) {
      if (!isHttpsUrl(url)) problems.push(`${label}: "${url}" is not an https address.`);
    }
  }
  return problems;
}

/** `https://host/path` without white space (core has no `URL` type). */
function isHttpsUrl(text: string): boolean {
  return /^https:\/\/[A-Za-z0-9.-]+(?::\d+)?\/\S*$/.test(text);
}
