/** Loads the built device scripts from disk, for tests and benchmarks running in Node. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScriptCandidate } from '../identify';
import { loadScriptCatalogue } from '../script-catalogue';

const BUILD = join(process.cwd(), 'device-scripts', 'build');

/** Every script listed in `device-scripts/build/index.json`. */
export function nodeScripts(): Promise<ScriptCandidate[]> {
  const index: unknown = JSON.parse(readFileSync(join(BUILD, 'index.json'), 'utf8'));
  return loadScriptCatalogue(index, async (file) => new Uint8Array(readFileSync(join(BUILD, file))));
}
