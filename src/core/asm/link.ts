/**
 * The link step of a device script, as `device-scripts/script.ld` with `ld -Ttext <load>` and
 * `objcopy -O binary` do it: the output section `.text` at the load address holds the input
 * sections `.text`, then (after aligning to 16) `.text.2` and `.text.name`, each at its own
 * alignment; gaps are zero. Any other non-empty section is an error (the script does not place it).
 */
import { WebProgError } from '../errors';
import { assemble, type AssembleResult, type IncludeResolver, type SectionInfo } from './assembler';

/** Input sections in the order script.ld places them, with the alignment before each. */
const PLACEMENT: { name: string; alignBefore: number }[] = [
  { name: '.text', alignBefore: 1 },
  { name: '.text.2', alignBefore: 16 },
  { name: '.text.name', alignBefore: 1 },
];

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

/**
 * Places sections as script.ld does at `load`: each section's address, and the end of the output
 * section (the `. = ALIGN(16)` after `.text` belongs to it even when nothing follows).
 */
export function placeScript(
  sections: SectionInfo[],
  load: number,
): { bases: Map<string, number>; end: number } {
  const bases = new Map<string, number>();
  let at = load;
  for (const place of PLACEMENT) {
    at = alignUp(at, place.alignBefore);
    const sec = sections.find((s) => s.name === place.name && s.size > 0);
    if (!sec) continue;
    at = alignUp(at, sec.align);
    bases.set(sec.name, at);
    at += sec.size;
  }
  for (const sec of sections) {
    if (sec.size > 0 && !bases.has(sec.name))
      throw new WebProgError(
        'ASM_SYNTAX',
        `section ${sec.name} is not placed by the device-script link (only .text, .text.2 and .text.name are)`,
      );
  }
  return { bases, end: bases.size ? at : load };
}

/** The layout callback of {@link assemble} for script.ld at `load`. */
export function scriptLayout(load: number): (sections: SectionInfo[]) => Map<string, number> {
  return (sections) => placeScript(sections, load).bases;
}

/** The flat binary (`objcopy -O binary`) of sections placed by {@link scriptLayout}. */
export function flatBinary(result: AssembleResult, load: number): Uint8Array {
  const { end } = placeScript(
    result.sections.map((s) => ({ name: s.name, size: s.bytes.length, align: s.align })),
    load,
  );
  const out = new Uint8Array(end - load);
  for (const s of result.sections) out.set(s.bytes, s.address - load);
  return out;
}

/** Options of {@link assembleDeviceScript}. */
export interface DeviceScriptBuild {
  /** The source file's name (messages; `.include` resolution starts from it). */
  fileName: string;
  /** Address the script is linked and uploaded at (the `<load hex>` of its file name). */
  loadAddress: number;
  /** Finds `.include`d files of the script set. */
  include?: IncludeResolver;
  /** The core of the file name's `m0`/`m3`: only `cortex-m0` (ARMv6-M) is supported. */
  cpu?: 'cortex-m0' | 'cortex-m3';
}

/**
 * Assembles and links one device script the way `device-scripts/build.mjs` does with binutils
 * (`as -mthumb -mcpu=cortex-m0`, `ld -T script.ld -Ttext <load>`, `objcopy -O binary`), giving
 * the `.swds` bytes.
 */
export function assembleDeviceScript(source: string, build: DeviceScriptBuild): Uint8Array {
  if (build.cpu === 'cortex-m3')
    throw new WebProgError(
      'NOT_SUPPORTED',
      `${build.fileName}: m3 (ARMv7-M, Thumb-2) scripts are not supported by the browser assembler; assemble them with binutils`,
      { file: build.fileName },
    );
  const result = assemble(source, {
    fileName: build.fileName,
    ...(build.include ? { include: build.include } : {}),
    layout: scriptLayout(build.loadAddress),
  });
  return flatBinary(result, build.loadAddress);
}
