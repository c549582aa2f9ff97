/**
 * The `mp.*` scripting API specification: the one source of truth from which the docs page
 * (`docs.ts`) and the editor completions (`completions.ts`) are generated, and against which a
 * test checks the Lua bindings (every entry bound, nothing bound without an entry).
 */
import { BACKEND_SPEC } from './backend';
import { withCompat } from './compat';
import { CHECKSUM_SPEC, FILE_SPEC } from './file-checksum';
import { GENERAL_SPEC } from './general';
import { MEMORY_SPEC } from './memory';
import type { MpFunction, MpModule } from './types';

export type { MpCompat, MpCompatKind, MpFunction, MpModule, MpParam } from './types';

/** Version of the scripting API (`mp.app.script_api_version()`). */
export const MP_API_VERSION = '1.0.0';

/** The modules in documentation order, with one line on each. */
export const MP_MODULES: readonly { module: MpModule; summary: string }[] = [
  {
    module: 'backend',
    summary: 'Device operations of the selected programmer. Blocking calls return ok, err, code.',
  },
  { module: 'memory', summary: 'The buffer: regions of the target with the data to program or just read.' },
  {
    module: 'file',
    summary:
      "Files opened in the app or picked by the person; saving offers a download. A saved file keeps its last version, which counts against the script's memory (64 MiB for Lua and saved files together).",
  },
  { module: 'checksum', summary: 'Checksums computed on the host over bytes or the buffer.' },
  {
    module: 'log',
    summary:
      "Lines in the app's log (print() writes info lines too). A line is cut at 16 KiB and a run's log at 4 MiB of text, with a note of what was cut.",
  },
  { module: 'ui', summary: 'The status bar.' },
  { module: 'config', summary: "The app's current selection." },
  {
    module: 'app',
    summary:
      "Hardware-write permission, confirmation, sleeping, versions, the run's log and shortcuts; MultiProg's folder functions answer Not Supported in a browser.",
  },
];

/** Every function of the API, grouped by module. */
export const MP_API: readonly MpFunction[] = withCompat([
  ...BACKEND_SPEC,
  ...MEMORY_SPEC,
  ...FILE_SPEC,
  ...CHECKSUM_SPEC,
  ...GENERAL_SPEC,
]);

/** The full name of a function, e.g. "mp.backend.connect". */
export function qualifiedName(fn: Pick<MpFunction, 'module' | 'name'>): string {
  return `mp.${fn.module}.${fn.name}`;
}
