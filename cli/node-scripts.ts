/** The shipped device scripts, read from the package's `device-scripts/build` folder. */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ScriptCandidate } from '../workers/device/cmsis-dap/identify';
import { loadScriptCatalogue } from '../workers/device/cmsis-dap/script-catalogue';

const BUILD = new URL('../device-scripts/build/', import.meta.url);

let cached: Promise<ScriptCandidate[]> | undefined;

/** Every script listed in `device-scripts/build/index.json`, read once (wherever `webprog` is run from). */
export function packageScripts(): Promise<ScriptCandidate[]> {
  cached ??= readFile(fileURLToPath(new URL('index.json', BUILD)), 'utf8').then((text) =>
    loadScriptCatalogue(
      JSON.parse(text) as unknown,
      async (file) => new Uint8Array(await readFile(fileURLToPath(new URL(file, BUILD)))),
    ),
  );
  return cached;
}
