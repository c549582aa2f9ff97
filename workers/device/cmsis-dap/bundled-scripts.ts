/**
 * The shipped device scripts as the browser loads them: the index is bundled, each `.swds` is
 * an asset fetched on first use (and cached for offline use by the service worker).
 */
import index from '../../../device-scripts/build/index.json';
import { WebProgError } from '../../../src/core/errors';
import type { ScriptCandidate } from './identify';
import { loadScriptCatalogue } from './script-catalogue';

const urls = import.meta.glob('../../../device-scripts/build/*.swds', {
  query: '?url',
  import: 'default',
  eager: true,
}) as Record<string, string>;

let cached: Promise<ScriptCandidate[]> | undefined;

/** The bundled scripts, loaded once. */
export function bundledScripts(): Promise<ScriptCandidate[]> {
  cached ??= loadScriptCatalogue(index, async (file) => {
    const url = urls[`../../../device-scripts/build/${file}`];
    if (!url) throw new WebProgError('INTERNAL', `Device script ${file} is not part of this build.`);
    const response = await fetch(url);
    if (!response.ok)
      throw new WebProgError(
        'DEVICE_PROTOCOL',
        `Could not load device script ${file} (HTTP ${response.status}).`,
      );
    return new Uint8Array(await response.arrayBuffer());
  }).catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
