/**
 * Firmware that comes in parts: an ESP Web Tools manifest with its `.bin` files, or several
 * `.bin` files whose names carry their flash offsets (`bootloader@0x1000.bin`). The parts are
 * laid at their offsets into one image, so they open as one entry of the file list and flash
 * with the same Flash button as any other file. Pure functions.
 */
import { WebProgError, formatAddress } from '../core/errors';
import type { Segment } from '../core/memory/sparse-data';
import { parseManifest } from './esp-manifest';

/** A file by name and bytes. */
export interface NamedBytes {
  /** File name. */
  name: string;
  /** Its bytes. */
  bytes: Uint8Array;
}

/** A manifest laid out: one image per chip family. */
export interface AssembledManifest {
  /** "E2E firmware 1.0.0". */
  title: string;
  /** Each build's parts at their offsets. */
  builds: { chipFamily: string; segments: Segment[] }[];
  /** Names of the files the manifest used (they are not opened on their own). */
  used: string[];
}

/** An offset written in a file name: `0x10000.bin`, `app@0x10000.bin`, `app-0x10000.bin`. */
export function offsetFromName(name: string): number | undefined {
  const m = /(?:^|[@_-])(0x[0-9a-f]+)\.bin$/i.exec(name);
  return m ? Number.parseInt(m[1], 16) : undefined;
}

/** True for a manifest file name (`.json`). */
export function isManifestName(name: string): boolean {
  return /\.json$/i.test(name);
}

/** Checks that parts do not overlap and returns them as segments in address order. */
export function layParts(parts: readonly { name: string; address: number; data: Uint8Array }[]): Segment[] {
  const sorted = [...parts].sort((a, b) => a.address - b.address);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    if (prev.address + prev.data.length > sorted[i].address) {
      throw new WebProgError(
        'FORMAT_OVERLAP',
        `${prev.name} (${formatAddress(prev.address)}, ${prev.data.length} bytes) overlaps ${sorted[i].name} at ${formatAddress(sorted[i].address)}.`,
        { address: sorted[i].address },
      );
    }
  }
  return sorted.filter((p) => p.data.length > 0).map((p) => ({ address: p.address, data: p.data }));
}

/**
 * Lays out the builds of the manifest in `manifest` with the part files among `files`.
 *
 * @throws WebProgError `FORMAT_INVALID` for a bad manifest or a part file that was not given.
 */
export function assembleManifest(manifest: NamedBytes, files: readonly NamedBytes[]): AssembledManifest {
  const parsed = parseManifest(new TextDecoder().decode(manifest.bytes));
  const used = new Set<string>();
  const builds = parsed.builds.map((build) => {
    const parts = build.parts.map((p) => {
      const base = p.path.split('/').pop() ?? p.path;
      const file = files.find((f) => f.name === base);
      if (!file) {
        throw new WebProgError(
          'FORMAT_INVALID',
          `The manifest's ${build.chipFamily} build needs ${base}: open it together with ${manifest.name}.`,
          { file: manifest.name },
        );
      }
      used.add(base);
      return { name: base, address: p.offset, data: file.bytes };
    });
    return { chipFamily: build.chipFamily, segments: layParts(parts) };
  });
  const title = [parsed.name, parsed.version].filter(Boolean).join(' ');
  return { title, builds, used: [...used] };
}

/** The same chip family, spelled either way ("ESP32-S3", "esp32s3"). */
export function sameChipFamily(a: string, b: string): boolean {
  const norm = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return norm(a) === norm(b);
}
