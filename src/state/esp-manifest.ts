/**
 * ESP Web Tools manifests (format of esphome/esp-web-tools `manifest.json`: builds per chip
 * family, parts with flash offsets), read in the page: parsing, picking the build for the
 * detected chip, and resolving part paths against the manifest's URL.
 */
import { WebProgError } from '../core/errors';
import type { FirmwarePart, FlashMapEntry } from '../../workers/device/esp/esp-api';

/** One part of a manifest build: a file for a flash offset. */
export interface ManifestPart {
  /** File path or URL, relative to the manifest. */
  path: string;
  /** Flash offset. */
  offset: number;
}

/** One build of a manifest. */
export interface ManifestBuild {
  /** "ESP32", "ESP32-S3", "ESP32-C3", ... */
  chipFamily: string;
  parts: ManifestPart[];
}

/** An ESP Web Tools manifest (the fields WebProg uses). */
export interface FirmwareManifest {
  name: string;
  version?: string;
  /** Offer to erase the whole flash on a new install. */
  newInstallPromptErase?: boolean;
  builds: ManifestBuild[];
}

/** A part with its bytes, and a line of the flash map: the device worker's own types. */
export type { FirmwarePart, FlashMapEntry };

/** Parses and checks a manifest's JSON text. */
export function parseManifest(text: string): FirmwareManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new WebProgError('FORMAT_INVALID', `The manifest is not valid JSON (${(error as Error).message}).`);
  }
  const m = json as Record<string, unknown>;
  if (typeof m !== 'object' || m === null || !Array.isArray(m.builds) || m.builds.length === 0) {
    throw new WebProgError('FORMAT_INVALID', 'The manifest has no "builds" list.');
  }
  const builds = m.builds.map((b: unknown, i: number) => {
    const build = b as Record<string, unknown>;
    if (typeof build?.chipFamily !== 'string' || !Array.isArray(build.parts) || build.parts.length === 0) {
      throw new WebProgError(
        'FORMAT_INVALID',
        `Build ${i + 1} of the manifest needs "chipFamily" and "parts".`,
      );
    }
    const parts = build.parts.map((p: unknown, j: number) => {
      const part = p as Record<string, unknown>;
      const offset = typeof part?.offset === 'string' ? Number(part.offset) : part?.offset;
      if (
        typeof part?.path !== 'string' ||
        typeof offset !== 'number' ||
        !Number.isInteger(offset) ||
        offset < 0
      ) {
        throw new WebProgError(
          'FORMAT_INVALID',
          `Part ${j + 1} of the ${build.chipFamily as string} build needs a "path" and a non-negative integer "offset".`,
        );
      }
      return { path: part.path, offset };
    });
    return { chipFamily: build.chipFamily, parts };
  });
  return {
    name: typeof m.name === 'string' ? m.name : 'Firmware',
    version: typeof m.version === 'string' ? m.version : undefined,
    newInstallPromptErase: m.new_install_prompt_erase === true,
    builds,
  };
}

/** The manifest's build for `chip` (esptool-js chip name, e.g. "ESP32-C3"). */
export function pickBuild(manifest: FirmwareManifest, chip: string): ManifestBuild {
  const norm = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const build = manifest.builds.find((b) => norm(b.chipFamily) === norm(chip));
  if (!build) {
    throw new WebProgError(
      'NOT_SUPPORTED',
      `Not Supported: "${manifest.name}" has no build for the ${chip} (it has ${manifest.builds.map((b) => b.chipFamily).join(', ')}).`,
    );
  }
  return build;
}

/** Resolves a part path against the manifest's URL. */
export function partUrl(manifestUrl: string, path: string): string {
  return new URL(path, manifestUrl).href;
}
