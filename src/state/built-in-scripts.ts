/** The built-in device scripts as the target picker lists them (from the bundled index). */
import index from '../../device-scripts/build/index.json';
import { parseScriptIndex } from '../core/device-script';
import type { BuiltInScript } from './targets.svelte';

/** Name, file and ROM-table masks/values of each shipped script. */
export function builtInScripts(): BuiltInScript[] {
  return parseScriptIndex(index).map((d) => ({
    name: d.name,
    file: d.file,
    pidMasks: d.pidMasks,
    pidValues: d.pidValues,
  }));
}
