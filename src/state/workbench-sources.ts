/**
 * The device-script sources the app ships, for the chip workbench: the scripts (offered as
 * starting points) and the files they `.include` (`common.S`, `stm32.S`, `nrf5.S`), bundled as
 * text so a script written in the browser can include them as the build does.
 */
const scripts = import.meta.glob('../../device-scripts/src/*.S', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;
const includes = import.meta.glob('../../device-scripts/src/include/*.S', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

const base = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** A shipped script's source. */
export interface ShippedSource {
  /** File name, e.g. `stm32f4.20000000.m0.S`. */
  file: string;
  /** The assembly text. */
  text: string;
}

/** The shipped scripts, by file name. */
export function shippedSources(): ShippedSource[] {
  return Object.entries(scripts)
    .map(([path, text]) => ({ file: base(path), text }))
    .sort((a, b) => a.file.localeCompare(b.file));
}

/** The include files of the script set, by file name (`common.S`...). */
export function shippedIncludes(): Map<string, string> {
  return new Map(Object.entries(includes).map(([path, text]) => [base(path), text]));
}
