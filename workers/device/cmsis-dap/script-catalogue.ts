/**
 * The device scripts the app ships (`device-scripts/build/`), turned into identification
 * candidates, plus the FlashInfoRaw decoder the backend uses after init.
 */
import {
  ENTRY_OFFSETS,
  areasToRegions,
  loadDescribedScript,
  parseScriptIndex,
  readFlashAreas,
  type DeviceScript,
} from '../../../src/core/device-script';
import type { FlashLayoutDecoder } from './backend';
import type { ScriptCandidate } from './identify';

/** A script as an identification candidate. */
export function toCandidate(script: DeviceScript): ScriptCandidate {
  const entries = script.header.entries;
  return {
    name: script.name,
    image: script.image,
    loadAddr: script.loadAddr,
    stagingAddr: script.stagingAddr,
    secondStagingAddr: script.header.secondStagingAddr,
    furtherStaging: script.header.furtherStaging,
    pidMasks: script.pidMasks,
    pidValues: script.pidValues,
    checkValues: script.checkValues,
    extension: {
      blockChecksum: entries.blockChecksum ? ENTRY_OFFSETS.blockChecksum : undefined,
      blankCheck: entries.blankCheck ? ENTRY_OFFSETS.blankCheck : undefined,
    },
  };
}

/** Decodes the flash description a script's init returned into regions (errors name the script). */
export const decodeScriptLayout: FlashLayoutDecoder = async (read, infoAddress, namesAddress, scriptName) =>
  areasToRegions(await readFlashAreas(read, infoAddress, namesAddress, scriptName ?? 'device script'));

/**
 * Loads every script listed in the index JSON, fetching each file with `fetchBytes` and
 * checking it against its descriptor (size, SHA-256, fields).
 */
export async function loadScriptCatalogue(
  indexJson: unknown,
  fetchBytes: (file: string) => Promise<Uint8Array>,
): Promise<ScriptCandidate[]> {
  const descriptors = parseScriptIndex(indexJson);
  const scripts = await Promise.all(
    descriptors.map(async (d) => loadDescribedScript(d, await fetchBytes(d.file))),
  );
  return scripts.map(toCandidate);
}
